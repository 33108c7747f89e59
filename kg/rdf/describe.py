"""The dataset's own description in VoID and DCAT: what a catalogue or a larger graph needs to find, trust and
link our data.

:func:`describe` reads the quads of a built dataset (and, when given, the build's metadata, the SPARQL endpoint
and the catalogue of linked graphs) and returns the triples of the description:

- ``fpr``'s dataset ``<https://w3id.org/fpkg/dataset>``, a ``void:Dataset`` and ``dcat:Dataset``: title, licence
  (CC BY 4.0 for the data), modification time, the ontology version it conforms to, the articles it was made
  from (``dcterms:source``, with their title and ``dcat:landingPage`` when the annotation gives a URL);
- triples in all, and per named graph (each graph a ``void:subset``), classes (``void:classPartition``, counted
  outside the ontology graph) and properties used (``void:propertyPartition``);
- the SPARQL endpoint (``void:sparqlEndpoint`` and a ``dcat:DataService``) when known;
- one ``void:Linkset`` per link predicate (``skos:exactMatch``, ``owl:sameAs``) into Wikidata, with its count.

Blank nodes are labelled from sorted keys, so the same dataset gives the same bytes.

>>> import pyoxigraph as ox
>>> q = ox.Quad(ox.NamedNode("https://w3id.org/fpkg/resource/China"),
...             ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
...             ox.NamedNode("http://www.wikidata.org/entity/Q148"), ox.NamedNode("https://w3id.org/fpkg/graph/d/background"))
>>> b"void:linkPredicate skos:exactMatch" in void_turtle([q])
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox

from kg.rdf.namespaces import BASE, FP, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, SCHEMA, WD

DATASET_IRI = BASE + "dataset"
#: The data's licence (the ontology carries its own ``dcterms:license``).
DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
LINK_PREDICATES = ("http://www.w3.org/2004/02/skos/core#exactMatch", OWL + "sameAs")
WIKIDATA_DATASET = BASE + "dataset/wikidata"
#: Prefixes of the description's Turtle: the project's, plus VoID and DCAT.
DESCRIPTION_PREFIXES = {**{p: str(ns) for p, ns in PREFIXES.items()}, "void": VOID, "dcat": DCAT}
_ARTICLE = str(FP.Article)
_TITLE, _URL = DCTERMS + "title", str(SCHEMA.url)


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_iri(XSD + "integer"))


class _Tally:
    """One pass over the quads: everything the description counts."""

    def __init__(self, quads: Iterable[ox.Quad]):
        self.graphs: Counter = Counter()
        self.classes: dict[str, set] = {}
        self.properties: Counter = Counter()
        self.links: Counter = Counter()
        self.articles: dict[str, dict] = {}
        self.ontology_version: str | None = None
        triples = set()
        ontology = str(ONTOLOGY_GRAPH)
        for q in quads:
            graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
            self.graphs[graph] += 1
            triples.add(q.triple)
            p, s, o = q.predicate.value, q.subject, q.object
            if graph == ontology:
                if s.value == str(ONTOLOGY_IRI) and p == OWL + "versionIRI":
                    self.ontology_version = o.value
                continue
            self.properties[p] += 1
            if p == RDF_TYPE:
                self.classes.setdefault(o.value, set()).add(s)
                if o.value == _ARTICLE:
                    self.articles.setdefault(s.value, {})
            elif p in LINK_PREDICATES and isinstance(o, ox.NamedNode) and o.value.startswith(str(WD)):
                self.links[p] += 1
            elif p in (_TITLE, _URL) and isinstance(s, ox.NamedNode):
                self.articles.setdefault(s.value, {})[p] = o
        self.triples = len(triples)
        # Titles and URLs of resources that turned out not to be articles are dropped.
        articles = self.classes.get(_ARTICLE, set())
        self.articles = {a: v for a, v in self.articles.items() if ox.NamedNode(a) in articles}


def describe(quads: Iterable[ox.Quad], *, build: dict | None = None, endpoint: str | None = None,
             catalogue: list[dict] | None = None) -> list[ox.Triple]:
    """The VoID/DCAT triples describing the dataset ``quads``. ``build``: the build's metadata (``build.json``;
    its ``built_at`` becomes ``dcterms:modified``); ``endpoint``: the URL of its SPARQL endpoint; ``catalogue``:
    the linked graphs (``graph``, ``source``, ``loaded_at``, ``triples``) as :mod:`kg.rdf.link` records them."""
    tally = _Tally(quads)
    d = _iri(DATASET_IRI)
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, _iri(p), o))

    add(d, RDF_TYPE, _iri(VOID + "Dataset"))
    add(d, RDF_TYPE, _iri(DCAT + "Dataset"))
    add(d, DCTERMS + "title", ox.Literal("fpkg: a foreign-policy knowledge graph", language="en"))
    add(d, DCTERMS + "description", ox.Literal(
        "Claims, interests, concerns, events and relations of states and other actors, as stated in annotated "
        "articles, with the exact text each statement rests on.", language="en"))
    add(d, DCTERMS + "license", _iri(DATA_LICENSE))
    if build and build.get("built_at"):
        add(d, DCTERMS + "modified", ox.Literal(build["built_at"], datatype=_iri(XSD + "dateTime")))
    if tally.ontology_version:
        add(d, DCTERMS + "conformsTo", _iri(tally.ontology_version))
    add(d, VOID + "vocabulary", _iri(str(FP)))
    add(d, VOID + "uriSpace", ox.Literal(BASE + "resource/"))
    add(d, VOID + "triples", _int(tally.triples))
    for article, fields in sorted(tally.articles.items()):
        add(d, DCTERMS + "source", _iri(article))
        if _TITLE in fields:
            add(_iri(article), DCTERMS + "title", fields[_TITLE])
        if _URL in fields:
            add(_iri(article), DCAT + "landingPage", fields[_URL])
    if endpoint:
        service = _iri(endpoint)
        add(d, VOID + "sparqlEndpoint", service)
        add(d, DCAT + "accessService", service)
        add(service, RDF_TYPE, _iri(DCAT + "DataService"))
        add(service, DCAT + "endpointURL", service)
        add(service, DCAT + "servesDataset", d)
    linked = {entry["graph"]: entry for entry in catalogue or []}
    for graph, n in sorted(tally.graphs.items()):
        if not graph:
            continue
        g = _iri(graph)
        add(d, VOID + "subset", g)
        add(g, RDF_TYPE, _iri(VOID + "Dataset"))
        add(g, VOID + "triples", _int(n))
        if graph in linked:
            entry = linked[graph]
            add(g, DCTERMS + "source", ox.Literal(entry["source"]))
            add(g, DCTERMS + "created", ox.Literal(entry["loaded_at"], datatype=_iri(XSD + "dateTime")))
    for i, (cls, members) in enumerate(sorted(tally.classes.items())):
        part = ox.BlankNode(f"class{i}")
        add(d, VOID + "classPartition", part)
        add(part, VOID + "class", _iri(cls))
        add(part, VOID + "entities", _int(len(members)))
    for i, (prop, n) in enumerate(sorted(tally.properties.items())):
        part = ox.BlankNode(f"property{i}")
        add(d, VOID + "propertyPartition", part)
        add(part, VOID + "property", _iri(prop))
        add(part, VOID + "triples", _int(n))
    if tally.links:
        wikidata = _iri(WIKIDATA_DATASET)
        add(wikidata, RDF_TYPE, _iri(VOID + "Dataset"))
        add(wikidata, DCTERMS + "title", ox.Literal("Wikidata", language="en"))
        add(wikidata, VOID + "uriSpace", ox.Literal(str(WD)))
        add(wikidata, VOID + "sparqlEndpoint", _iri("https://query.wikidata.org/sparql"))
    for prop, n in sorted(tally.links.items()):
        linkset = _iri(f"{DATASET_IRI}/links/wikidata/{prop.rsplit('#', 1)[1]}")
        add(d, VOID + "subset", linkset)
        add(linkset, RDF_TYPE, _iri(VOID + "Linkset"))
        add(linkset, VOID + "linkPredicate", _iri(prop))
        add(linkset, VOID + "subjectsTarget", d)
        add(linkset, VOID + "objectsTarget", _iri(WIKIDATA_DATASET))
        add(linkset, VOID + "triples", _int(n))
    return out


def void_turtle(quads: Iterable[ox.Quad], **options) -> bytes:
    """The description of :func:`describe` as Turtle with the VoID and DCAT prefixes, in canonical order."""
    from kg.rdf.export import turtle
    from kg.rdf.canonical import canonical_union

    return turtle(canonical_union(describe(quads, **options)), DESCRIPTION_PREFIXES)
