"""Documentation of the ontology, generated from its own labels and definitions, served at the ontology
namespace path ``/ontology``: browsers get the HTML page (each term at ``#LocalName``, so every ``fp:`` IRI
dereferences to its entry), machines the ontology graph as Turtle, JSON-LD, N-Triples... by content negotiation.

The page is built from the store's ontology graph on first request and kept until the server reloads a build.
pyLODE was the first choice; its current release does not start from an installed wheel, so this module
renders the few things a reader needs: metadata, a table of contents, and per term its label, definition,
example, superclasses, domain and range.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Flask, Response, render_template, request

from kg.rdf.prefixes import BASE, PREFIX_IRIS
from kg.web.pages import wants_html
from kg.web.resolve import rdf_response

ONTOLOGY = BASE + "ontology"
ONTOLOGY_GRAPH = BASE + "graph/ontology"
SECTIONS = (("owl:Class", "Classes"), ("owl:ObjectProperty", "Object properties"),
            ("owl:DatatypeProperty", "Datatype properties"), ("owl:AnnotationProperty", "Annotation properties"))
_LINKS = (("rdfs:subClassOf", "Subclass of"), ("rdfs:subPropertyOf", "Subproperty of"), ("rdfs:domain", "Domain"),
          ("rdfs:range", "Range"), ("owl:inverseOf", "Inverse of"), ("owl:disjointWith", "Disjoint with"))


def documentation(site) -> dict:
    """The template's data: the ontology's metadata and, per section, its terms in label order."""
    lookup = site.lookup
    meta = lookup.rows("""SELECT ?p ?o { GRAPH $g { $o_iri ?p ?o } } ORDER BY ?p""", g=ONTOLOGY_GRAPH,
                       o_iri=ONTOLOGY)
    sections = []
    for cls, title in SECTIONS:
        terms = lookup.rows(f"""SELECT ?t (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) (SAMPLE(?e) AS ?example)
            {{ GRAPH $g {{ ?t a {cls} FILTER(STRSTARTS(STR(?t), "{PREFIX_IRIS['fp']}"))
               OPTIONAL {{ ?t rdfs:label ?l FILTER(LANG(?l) IN ("en", "")) }}
               OPTIONAL {{ ?t skos:definition|rdfs:comment ?d }} OPTIONAL {{ ?t skos:example ?e }} }} }}
            GROUP BY ?t ORDER BY LCASE(STR(?label)) ?t""", g=ONTOLOGY_GRAPH)
        for term in terms:
            term["local"] = term["t"][len(PREFIX_IRIS["fp"]):]
            term["links"] = []
            for prop, name in _LINKS:
                values = [r["v"] for r in lookup.rows(f"SELECT DISTINCT ?v {{ GRAPH $g {{ $t {prop} ?v }} "
                                                      "FILTER(isIRI(?v)) } ORDER BY ?v", g=ONTOLOGY_GRAPH,
                                                      t=term["t"])]
                if values:
                    term["links"].append((name, values))
        sections.append({"title": title, "id": title.lower().replace(" ", "-"), "terms": terms})
    first = {m["p"]: m["o"] for m in reversed(meta)}
    return {"meta": [(site.curie(m["p"]), m["o"]) for m in meta], "sections": sections, "iri": ONTOLOGY,
            "title": first.get(PREFIX_IRIS["dcterms"] + "title", "The ontology"),
            "description": first.get(PREFIX_IRIS["dcterms"] + "description", "")}


def register(app: Flask, site) -> None:
    cache: dict = {}

    @app.get("/ontology")
    def ontology():
        if wants_html(request.headers.get("Accept")) and not request.args.get("format"):
            store = site.lookup.store
            if cache.get("store") is not store:  # built once per store served (a reload brings a new one)
                cache.update(store=store, html=render_template("ontology.html", **documentation(site)))
            return Response(cache["html"], content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        return rdf_response(q.triple for q in site.lookup.store.quads_for_pattern(None, None, None, graph))
