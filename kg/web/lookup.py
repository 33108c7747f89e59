"""Read-only look-ups the web pages need, as SPARQL over the pyoxigraph store (no rdflib on the serving path).

Every query runs over the union of the named graphs, with the project's prefixes predeclared.

>>> store = ox.Store()
>>> china = ox.NamedNode(PREFIX_IRIS["fpr"] + "China")
>>> store.add(ox.Quad(china, ox.NamedNode(PREFIX_IRIS["rdfs"] + "label"), ox.Literal("China"), china))
>>> Lookup(store).labels([china.value])
{'https://w3id.org/fpkg/resource/China': 'China'}
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from kg.rdf.prefixes import PREFIX_IRIS

_LABELS = ("rdfs:label", "skos:prefLabel", "dcterms:title", "fp:statement")


def _iri_list(iris) -> str:
    return " ".join(f"<{i}>" for i in iris)


class Lookup:
    """The questions pages ask of ``store``; answers are plain strings, dicts and lists."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.article_text = lru_cache(maxsize=64)(self._article_text)

    def rows(self, query: str, **bindings) -> list[dict]:
        """The solutions of a SELECT as dicts of plain values (IRI or literal text); unbound variables left out."""
        for name, iri in bindings.items():
            query = query.replace(f"${name}", f"<{iri}>")
        result = self.store.query(query, use_default_graph_as_union=True, prefixes=PREFIX_IRIS)
        names = [v.value for v in result.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in result]

    def ask(self, query: str, **bindings) -> bool:
        for name, iri in bindings.items():
            query = query.replace(f"${name}", f"<{iri}>")
        return bool(self.store.query(query, use_default_graph_as_union=True, prefixes=PREFIX_IRIS))

    def labels(self, iris) -> dict:
        """IRI -> its label (rdfs:label, skos:prefLabel, dcterms:title or a claim's statement), for those with one."""
        iris = sorted({i for i in iris if i.startswith(("http://", "https://", "urn:"))})
        found: dict = {}
        for start in range(0, len(iris), 200):
            chunk = iris[start:start + 200]
            for prop in _LABELS:
                for row in self.rows(f"SELECT ?x ?l {{ VALUES ?x {{ {_iri_list(chunk)} }} ?x {prop} ?l }}"):
                    found.setdefault(row["x"], row["l"])
        return found

    def statement_labels(self, iris, curie) -> dict:
        """Reified statements among ``iris`` -> "subject · property · object" in labels (or ``curie`` forms)."""
        iris = sorted(i for i in iris if "/statement/" in i)
        if not iris:
            return {}
        rows = self.rows(f"SELECT ?x ?s ?p ?o {{ VALUES ?x {{ {_iri_list(iris)} }} "
                         "?x rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }")
        names = self.labels({r[k] for r in rows for k in ("s", "p", "o")})
        return {r["x"]: " · ".join(names.get(r[k]) or (curie(r[k]) if "://" in r[k] else r[k])
                                   for k in ("s", "p", "o")) for r in rows}

    def exists(self, iri: str) -> bool:
        """Whether ``iri`` occurs as a subject, object or graph name of the dataset."""
        node = ox.NamedNode(iri)
        return (next(iter(self.store.quads_for_pattern(node, None, None)), None) is not None
                or next(iter(self.store.quads_for_pattern(None, None, node)), None) is not None
                or self.store.contains_named_graph(node))

    def outgoing(self, iri: str) -> list[tuple]:
        """(property, value term) of every triple about ``iri``, duplicates across graphs once."""
        seen = {(q.predicate, q.object) for q in self.store.quads_for_pattern(ox.NamedNode(iri), None, None)}
        return sorted(seen, key=lambda po: (po[0].value, str(po[1])))

    def incoming(self, iri: str, limit: int = 500) -> list[tuple]:
        """(subject, property) of triples pointing at ``iri``, at most ``limit`` of them."""
        seen = set()
        for q in self.store.quads_for_pattern(None, None, ox.NamedNode(iri)):
            seen.add((q.subject, q.predicate))
            if len(seen) >= limit:
                break
        return sorted(seen, key=lambda sp: (sp[1].value, str(sp[0])))

    def triples(self, iri: str) -> list:
        """The triples in and out of ``iri`` (its RDF description), each once."""
        node = ox.NamedNode(iri)
        out = {q.triple for q in self.store.quads_for_pattern(node, None, None)}
        out |= {q.triple for q in self.store.quads_for_pattern(None, None, node)}
        return sorted(out, key=str)

    def _article_text(self, doc: str) -> str:
        rows = self.rows("SELECT ?t { $doc fp:text ?t } LIMIT 1", doc=doc)
        return rows[0]["t"] if rows else ""

    def anchors(self, where: str, **bindings) -> list[dict]:
        """Text anchors of the claims matched by the SPARQL pattern ``where`` (binding ?claim): claim, kind,
        exact words, start, end, document, holder (whose view: fp:viewOf, else fp:assertedBy) and
        author, ordered by document and start."""
        return self.rows(f"""
            SELECT ?claim ?kind ?exact ?start ?end ?doc ?holder ?author ?modality WHERE {{
              {where}
              ?claim fp:hasTextAnchor ?anchor .
              ?anchor oa:hasTarget ?target . ?target oa:hasSource ?doc ;
                      oa:hasSelector ?quote , ?position .
              ?quote oa:exact ?exact . ?position oa:start ?start ; oa:end ?end .
              OPTIONAL {{ ?claim a ?kind . FILTER(?kind IN (fp:Belief, fp:Assessment, fp:Prediction,
                                                            fp:Recommendation, fp:ReportedFact)) }}
              OPTIONAL {{ ?claim fp:viewOf ?viewOf }}
              OPTIONAL {{ ?claim fp:assertedBy ?assertedBy }}
              BIND(COALESCE(?viewOf, ?assertedBy) AS ?holder)
              OPTIONAL {{ ?doc dcterms:creator ?author }}
              OPTIONAL {{ ?claim fp:modality ?m . ?m skos:prefLabel ?modality }}
            }} ORDER BY ?doc ?start ?claim""", **bindings)

    def dedupe(self, anchors: list[dict]) -> list[dict]:
        """One row per claim anchor (a claim with several kinds or holders keeps the first)."""
        seen, out = set(), []
        for a in anchors:
            key = (a["claim"], a["start"])
            if key not in seen:
                seen.add(key)
                out.append(a)
        return out
