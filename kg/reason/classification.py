"""HermiT on the ontology alone: is it consistent, and what is each class's place in the hierarchy.

:mod:`kg.reason.rules` reasons over a corpus with rules read off the ontology's axioms; the class hierarchy those rules
use is HermiT's classification, not only the asserted ``rdfs:subClassOf`` triples, so an ``owl:equivalentClass``
or anything else HermiT derives between named classes is honoured, and classes that can have no member are known.
One HermiT call costs seconds; the answer depends only on the ontology files, so it is kept in :mod:`kg.cache`
under their sha256 and a build pays for it only when the ontology changed.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg import cache
from kg.errors import InconsistencyError
from kg.reason.reasoning import prune, reasoner_input

_CACHE_VERSION = 1
_HIERARCHY_LINE = re.compile(r"^(SubClassOf|EquivalentClasses)\((.*)\)\s*$", re.MULTILINE)
_HIERARCHY_TERM = re.compile(r"<([^>]+)>|owl:(Thing|Nothing)")
_THING, _NOTHING = str(OWL.Thing), str(OWL.Nothing)



@dataclass(frozen=True)
class Classification:
    """HermiT's verdict on the ontology alone (consistent, else :func:`ontology_check` raised): every named class
    with all its named superclasses (itself included), and the classes that can have no member."""

    superclasses: dict[str, frozenset[str]]
    unsatisfiable: frozenset[str]
    cached: bool
    seconds: float


def _ontology_key(ontology: Graph | None) -> str:
    """sha256 of the ontology files (``ontology`` None), else of ``ontology``'s sorted N-Triples."""
    from kg.resources import ontology_files

    if ontology is None:
        parts = [part for path in ontology_files() for part in (path.name.encode(), path.read_bytes())]
    else:
        parts = sorted(ontology.serialize(format="nt", encoding="utf-8").splitlines(keepends=True))
    return cache.digest(f"fpkg ontology check {_CACHE_VERSION}".encode(), *parts)


def _parse_hierarchy(output: str) -> tuple[dict[str, set[str]], set[str]]:
    """Direct superclasses and equivalents per class, and the unsatisfiable classes, from HermiT's ``-c`` lines."""
    up: dict[str, set[str]] = {}
    unsatisfiable: set[str] = set()
    for kind, body in _HIERARCHY_LINE.findall(output):
        terms = [iri or str(OWL[name]) for iri, name in _HIERARCHY_TERM.findall(body)]
        if kind == "SubClassOf":
            up.setdefault(terms[0], set()).add(terms[1])
        elif _NOTHING in terms:
            unsatisfiable.update(t for t in terms if t != _NOTHING)
        else:
            for a in terms:
                up.setdefault(a, set()).update(t for t in terms if t != a)
    return up, unsatisfiable


def _closure(up: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for sup in up.get(todo.pop(), ()):
            if sup not in seen:
                seen.add(sup)
                todo.append(sup)
    return seen


def ontology_check(ontology: Graph | None = None) -> Classification:
    """HermiT on the ontology alone (``ontology``, default the project's): consistency and the class hierarchy.

    Input is pruned as :func:`kg.reason.reasoning.reason` prunes it. The result is kept in :mod:`kg.cache` as a small JSON
    under the sha256 of the ontology files (of the graph's N-Triples when one is given), so a build pays HermiT only
    when the ontology changed; ``KG_CACHE=0`` turns the cache off. An inconsistent ontology is not cached.

    :raises InconsistencyError: if HermiT finds the ontology itself inconsistent.
    :raises KgError: if Java or HermiT fails otherwise.
    :raises LoadError: if an ontology file does not parse.
    """
    from kg.reason.hermit import run_hermit
    from kg.check.ontology import load_ontology

    started = time.perf_counter()
    key = _ontology_key(ontology)
    graph = load_ontology() if ontology is None else ontology
    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    try:
        stored = json.loads(cache.get("ontology-check", key) or b"null")
    except ValueError:
        stored = None
    if stored is not None and stored.get("version") == _CACHE_VERSION:
        return Classification({c: frozenset(s) for c, s in stored["superclasses"].items()},
                              frozenset(stored["unsatisfiable"]), True, time.perf_counter() - started)
    merged, _ = reasoner_input(Graph(), graph)
    output = run_hermit(prune(merged, graph).serialize(format="nt", encoding="utf-8"))
    if output is None:
        from kg.reason.reasoning import explain_clash

        why = explain_clash(graph, graph).splitlines() or ["HermiT gave no detail"]
        raise InconsistencyError("the ontology itself is inconsistent", violations=why, rule="owl-reasoning")
    up, unsatisfiable = _parse_hierarchy(output)
    superclasses = {c: frozenset(_closure(up, c) - {_THING}) for c in sorted(classes | set(up))}
    record = {"version": _CACHE_VERSION, "key": key, "unsatisfiable": sorted(unsatisfiable),
              "superclasses": {c: sorted(s) for c, s in superclasses.items()}}
    cache.put("ontology-check", key, json.dumps(record, indent=1, sort_keys=True).encode())
    return Classification(superclasses, frozenset(unsatisfiable), False, time.perf_counter() - started)
