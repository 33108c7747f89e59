"""Every IRI minted under the public base dereferences on this server, by content negotiation on the same path
(no 303): browsers get an HTML page, machines the triples in and out of the IRI as Turtle, N-Triples, JSON-LD,
RDF/XML or N3 (``Accept`` or ``?format=``). ``Vary: Accept`` tells caches the answer depends on it.

Paths: every path no page takes, e.g. ``/resource/...`` (entities, claims, events, articles, paragraphs,
anchors), ``/kinds/...`` (SKOS concepts), ``/graph/...`` (named graphs). The ontology's own IRIs are served by
:mod:`kg.web.ontodoc`.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Flask, Response, render_template, request

from kg.rdf.prefixes import PREFIX_IRIS
from kg.web.conneg import GRAPH_FORMATS
from kg.web.highlight import paragraph_of
from kg.web.pages import wants_html
from kg.web.protocol import pick_format

#: Properties whose values are identifiers in other datasets, shown as outside links.
EXTERNAL = {PREFIX_IRIS["skos"] + "exactMatch", PREFIX_IRIS["skos"] + "closeMatch", PREFIX_IRIS["owl"] + "sameAs",
            PREFIX_IRIS["skos"] + "broadMatch"}
_TYPE = PREFIX_IRIS["rdf"] + "type"


def rdf_response(triples, prefixes: dict = PREFIX_IRIS) -> Response:
    """``triples`` in the format the request negotiates (406 with the choices if none fits)."""
    fmt = pick_format(request.args.getlist("format"), request.headers.get("Accept"), GRAPH_FORMATS)
    body = ox.serialize(triples, format=fmt.ox_format, prefixes=prefixes)
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


def not_found(iri: str | None = None):
    """The 404 answer: a page for browsers, one plain line for machines."""
    if wants_html(request.headers.get("Accept")):
        return Response(render_template("404.html", iri=iri, path=request.path), status=404,
                        content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
    what = f"<{iri}>" if iri else request.path
    return Response(f"404 Not Found: nothing is known about {what} here\n", status=404,
                    content_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})


def entity_view(site, iri: str) -> dict:
    """Everything an entity page shows: label, types, properties out and in, outside identifiers, quotes."""
    lookup = site.lookup
    outgoing, incoming = lookup.outgoing(iri), lookup.incoming(iri)
    nodes = {iri} | {p.value for p, _ in outgoing} | {o.value for _, o in outgoing if isinstance(o, ox.NamedNode)}
    nodes |= {s.value for s, _ in incoming if isinstance(s, ox.NamedNode)} | {p.value for _, p in incoming}
    labels = lookup.labels(nodes)
    labels.update(lookup.statement_labels(nodes - set(labels), site.curie))
    types = [site.term(o, labels) for p, o in outgoing if p.value == _TYPE]
    external = [o.value for p, o in outgoing if p.value in EXTERNAL and isinstance(o, ox.NamedNode)]
    out = [(site.term(p, labels), site.term(o, labels)) for p, o in outgoing
           if p.value != _TYPE and p.value not in EXTERNAL]
    into = [(site.term(s, labels), site.term(p, labels)) for s, p in incoming]
    where = ("VALUES ?claim { $iri }" if lookup.ask("ASK { $iri fp:hasTextAnchor ?a }", iri=iri)
             else "?claim fp:about|fp:viewOf|fp:addressee|fp:recommends|fp:asserts $iri .")
    quotes, anchors = [], lookup.dedupe(lookup.anchors(where, iri=iri))
    site.decorate(anchors)
    for anchor in anchors:
        para = paragraph_of(lookup.article_text(anchor["doc"]), anchor)
        if para is not None:
            quotes.append({"anchor": anchor, "paragraph": para, "kind": site.kind_of(anchor.get("kind"))})
    is_article = any(t.get("iri") == PREFIX_IRIS["fp"] + "Article" for t in types)
    return {"iri": iri, "label": labels.get(iri) or site.curie(iri), "types": types, "external": external,
            "out": out, "into": into, "quotes": quotes, "labels": labels, "is_claim": "VALUES" in where,
            "reader": "/article/" + iri[len(site.base + "resource/"):] if is_article else None}


def register(app: Flask, site) -> None:
    def dereference(path: str):
        iri = site.iri_of(request.path)
        if not site.lookup.exists(iri):
            return not_found(iri)
        if wants_html(request.headers.get("Accept")) and not request.args.get("format"):
            html = render_template("entity.html", **entity_view(site, iri))
            return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
        return rdf_response(site.lookup.triples(iri))

    # every path not taken by a page of its own names an IRI under the public base (whatever that base mints)
    app.add_url_rule("/<path:path>", "dereference", dereference, methods=["GET"])

    @app.errorhandler(404)
    def page_not_found(_error):
        return not_found()
