"""The web face's shared parts and its front pages: the query editor at ``/`` (and at ``/sparql`` for browsers)
and the article reader at ``/article/<doc-id>``.

:func:`register` adds every page route to the Flask app (entity pages, the diagram and the ontology
documentation come from their own modules) and the headers every answer carries: a strict
Content-Security-Policy (scripts, styles and fonts only from this server, no inline script) and no sniffing.

>>> wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
True
>>> wants_html("text/turtle"), wants_html("*/*"), wants_html(None)
(False, False, False)
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, abort, render_template, request

from kg.rdf.prefixes import PREFIX_IRIS
from kg.resources import competency_queries
from kg.web.conneg import GRAPH_FORMATS, _parse_accept
from kg.web.highlight import paragraphs
from kg.web.lookup import Lookup

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
#: The query editor's policy: YASGUI's table (DataTables, column resizing) writes style attributes, so inline
#: styles are allowed there; scripts stay restricted to this server's files, as everywhere.
EDITOR_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
CLAIM_KINDS = ("Belief", "Assessment", "Prediction", "Recommendation", "ReportedFact")
ACTOR_TYPES = ("State", "Person", "Organization", "Group", "Embassy")


def wants_html(accept: str | None) -> bool:
    """Whether an Accept header names HTML at least as high as every RDF type it names (a browser's does);
    wildcards alone get RDF, so machines keep their default."""
    if not accept:
        return False
    ranges = dict(_parse_accept(accept))
    html = max(ranges.get("text/html", 0.0), ranges.get("application/xhtml+xml", 0.0))
    rdf = max((ranges.get(m, 0.0) for f in GRAPH_FORMATS for m in f.media_types), default=0.0)
    return html > 0 and html >= rdf


def examples(paths: list[Path] | None = None) -> list[dict]:
    """The competency queries (default: the package's, :func:`kg.resources.competency_queries`) as named
    examples: name, question and query text, in file order."""
    out = []
    for path in competency_queries() if paths is None else paths:
        text = path.read_text(encoding="utf-8")
        question = re.search(r"^# Question: (.*)$", text, re.M)
        number, _, words = path.stem.partition("-")
        out.append({"name": f"{number.upper()} {words.replace('-', ' ')}",
                    "question": question.group(1) if question else "", "query": text})
    return out


class Site:
    """What every page needs: look-ups in the store and the mapping of public IRIs to this server's paths."""

    def __init__(self, state, public_base: str, local_links: bool = True):
        self.state = state  # anything with a ``store`` attribute: the server swaps it when it reloads a build
        self._lookup = None
        self.base = public_base
        self.local_links = local_links  # False for documents read away from this server (``kg diagram``)

    @property
    def lookup(self) -> Lookup:
        """Look-ups in the store served now (a new :class:`Lookup`, with fresh caches, after a reload)."""
        if self._lookup is None or self._lookup.store is not self.state.store:
            self._lookup = Lookup(self.state.store)
        return self._lookup

    def local(self, iri: str) -> str:
        """The link for ``iri``: a path on this server when it lies under the public base, else the IRI."""
        return "/" + iri[len(self.base):] if self.local_links and iri.startswith(self.base) else iri

    def iri_of(self, path: str) -> str:
        return self.base + path.lstrip("/")

    @staticmethod
    def curie(iri: str) -> str:
        """``iri`` shortened with the longest matching project prefix, else unchanged."""
        best = max((p for p, ns in PREFIX_IRIS.items() if iri.startswith(ns)),
                   key=lambda p: len(PREFIX_IRIS[p]), default=None)
        return f"{best}:{iri[len(PREFIX_IRIS[best]):]}" if best else iri

    def term(self, node, labels: dict) -> dict:
        """A term for a template: text, link (for IRIs), and datatype or language (for literals)."""
        if isinstance(node, ox.NamedNode):
            return {"iri": node.value, "href": self.local(node.value), "curie": self.curie(node.value),
                    "text": labels.get(node.value) or self.curie(node.value)}
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value if node.datatype else ""
            plain = datatype.endswith(("#string", "#langString"))
            return {"text": node.value, "lang": node.language or "",
                    "datatype": "" if plain else self.curie(datatype)}
        return {"text": str(node)}

    def kind_of(self, kind_iri: str | None) -> str:
        return kind_iri.rsplit("#", 1)[-1] if kind_iri else "Claim"

    def decorate(self, anchors: list) -> list:
        """Give each anchor its kind name, view class and holder label for the templates; the legend of views
        as (CSS class, holder label) pairs."""
        views = self.view_classes(anchors)
        labels = self.lookup.labels(views)
        for a in anchors:
            holder = a.get("holder", "")
            a["kind_name"] = self.kind_of(a.get("kind"))
            a["view_class"] = views[holder]
            a["holder_label"] = labels.get(holder) or self.curie(holder) or "unknown"
        return [(cls, labels.get(h) or self.curie(h) or "unknown") for h, cls in views.items()]

    def view_classes(self, anchors: list) -> dict:
        """holder IRI -> a CSS class: ``view-author`` for the author's own view, ``view-1``.. for other actors."""
        classes, others = {}, 0
        for a in anchors:
            holder = a.get("holder", "")
            if holder in classes:
                continue
            if holder and holder == a.get("author"):
                classes[holder] = "view-author"
            else:
                others += 1
                classes[holder] = f"view-{min(others, 6)}"
        return classes


def register(app: Flask, state, settings: dict) -> Site:
    """Add the pages, the entity resolver, the diagram and the ontology documentation to ``app``, reading the
    store ``state.store``."""
    from kg.web import diagram, ontodoc, resolve

    site = Site(state, settings["PUBLIC_BASE"])
    app.jinja_env.globals.update(local=site.local, curie=site.curie)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.before_request
    def editor_for_browsers():
        # /sparql without a query: a browser gets the editor, a machine the Service Description
        if request.path == "/sparql" and request.method == "GET" and wants_html(request.headers.get("Accept")):
            return editor()
        return None

    @app.get("/")
    def editor():
        articles = site.lookup.rows("SELECT ?doc ?title { ?doc a fp:Article OPTIONAL { ?doc dcterms:title ?title } }"
                                    " ORDER BY ?doc")
        config = {"endpoint": "/sparql", "base": site.base, "prefixes": PREFIX_IRIS, "examples": examples()}
        html = render_template("editor.html", articles=articles, config=config,
                               prefix_lines="".join(f"PREFIX {p}: <{i}>\n" for p, i in PREFIX_IRIS.items()))
        return Response(html, content_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": EDITOR_CSP, "Vary": "Accept"})

    @app.get("/article/<doc_id>")
    def article(doc_id: str):
        doc = site.iri_of(f"resource/{doc_id}")
        if not site.lookup.ask("ASK { $doc a fp:Article }", doc=doc):
            abort(404)
        return render_template("article.html", **article_view(site, doc))

    resolve.register(app, site)
    diagram.register(app, site)
    ontodoc.register(app, site)
    return site


def article_view(site: Site, doc: str) -> dict:
    """What the article reader shows: title, paragraphs with highlighted claims, legend, side lists."""
    lookup = site.lookup
    anchors = lookup.dedupe(lookup.anchors("?claim fp:statedIn $doc .", doc=doc))
    legend = site.decorate(anchors)
    labels = lookup.labels([doc])
    actors = lookup.rows(f"""SELECT DISTINCT ?x ?label {{
        ?claim fp:statedIn $doc . ?claim fp:about|fp:viewOf|fp:addressee ?x .
        ?x a ?t . FILTER(?t IN ({", ".join("fp:" + t for t in ACTOR_TYPES)})) OPTIONAL {{ ?x rdfs:label ?label }}
        }} ORDER BY ?label""", doc=doc)
    graph = doc.replace(PREFIX_IRIS["fpr"], PREFIX_IRIS["fpg"]) + "/assertions"
    concerns = lookup.rows("""SELECT ?x ?label ?rank { GRAPH $graph { ?x a fp:Concern }
        OPTIONAL { ?x rdfs:label ?label } OPTIONAL { ?x fp:concernRank ?rank } } ORDER BY ?rank ?label""",
                           graph=graph)
    recommendations = lookup.rows("""SELECT ?x ?label ?claim { ?claim fp:statedIn $doc ; a fp:Recommendation ;
        fp:recommends ?x . OPTIONAL { ?x rdfs:label ?label } } ORDER BY ?label""", doc=doc)
    return {"doc": doc, "title": labels.get(doc, site.curie(doc)),
            "paragraphs": paragraphs(lookup.article_text(doc), anchors), "anchors": anchors,
            "kinds": CLAIM_KINDS, "legend": legend, "actors": actors, "concerns": concerns,
            "recommendations": recommendations}
