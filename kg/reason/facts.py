"""What the rule reasoner reads from a store: the asserted types and property values it needs (one index lookup
per class and per property with axioms, constants in the pattern), and the structures it grows while reasoning:
property values indexed both ways, and classes of individuals that are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.rdf.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.reason.axioms import Rules
from kg.reason.literals import RDFS_LITERAL, XSD_NS
from kg.reason.reasoning import UNSUPPORTED_DATATYPES

EXCLUDED_GRAPHS = frozenset({ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))})
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
UNSUPPORTED = frozenset(str(d) for d in UNSUPPORTED_DATATYPES)


def node_id(term) -> str:
    return term.value if type(term) is ox.NamedNode else "_:" + term.value


def asserted_quads(store: ox.Store, predicate: str, obj=None):
    for q in store.quads_for_pattern(None, ox.NamedNode(predicate), obj):
        if q.graph_name not in EXCLUDED_GRAPHS:
            yield q


class Edges:
    """Values of the object properties the property rules read or write: pairs, with an index each way."""

    def __init__(self):
        self.pairs: dict[str, set] = {}
        self.out: dict[str, dict] = {}
        self.inn: dict[str, dict] = {}

    def add(self, p: str, pairs) -> set:
        """Add ``pairs`` to ``p``; return those that were new."""
        have = self.pairs.setdefault(p, set())
        new = {pair for pair in pairs if pair not in have}
        if new:
            have |= new
            out, inn = self.out.setdefault(p, {}), self.inn.setdefault(p, {})
            for s, o in new:
                out.setdefault(s, set()).add(o)
                inn.setdefault(o, set()).add(s)
        return new

    def spread(self, nodes, same) -> dict[str, set]:
        """The values of ``nodes`` given to every individual each is the same as (``same(node)``)."""
        spread: dict[str, set] = {}
        for n in nodes:
            for p in self.pairs:
                spread.setdefault(p, set()).update(
                    [(m, o) for o in self.out.get(p, {}).get(n, ()) for m in same(n)]
                    + [(s, m) for s in self.inn.get(p, {}).get(n, ()) for m in same(n)])
        return spread


class Equality:
    """Individuals that are the same, each class of them a frozenset."""

    def __init__(self):
        self.classes: dict[str, frozenset] = {}

    def merge(self, nodes) -> set:
        """Make ``nodes`` one individual; return the nodes whose class grew."""
        merged = set(nodes).union(*(self.classes.get(n, ()) for n in nodes))
        if len(merged) < 2 or all(self.classes.get(n) == merged for n in merged):
            return set()
        cls = frozenset(merged)
        for n in cls:
            self.classes[n] = cls
        return set(cls)

    def same(self, n: str) -> frozenset:
        return self.classes.get(n) or frozenset((n,))


@dataclass
class Data:
    """What the store (and the ontology's own individuals) assert, as far as the rules read it."""

    types: dict       # class -> the individuals asserted to be in it
    values: dict      # property of the edge rules -> asserted (subject, value) pairs
    subjects: dict    # other property with a domain, range or check -> its subjects
    objects: dict     # other object property with a domain or range -> its values
    literals: dict    # data property with a range or functional -> [(subject, literal)] to check


def read_data(store: ox.Store, rules: Rules) -> Data:
    """Read the asserted triples the rules use: one pattern per class and per property with axioms."""
    data = Data({c: {node_id(q.subject) for q in asserted_quads(store, RDF_TYPE.value, ox.NamedNode(c))} for c in rules.classes},
                 {p: {(node_id(q.subject), node_id(q.object)) for q in asserted_quads(store, p) if type(q.object) is not ox.Literal}
                  for p in rules.edge_props}, {}, {}, {})
    for p in (set(rules.domains) | set(rules.ranges)) & (rules.objects - rules.edge_props):
        pairs = [(node_id(q.subject), node_id(q.object)) for q in asserted_quads(store, p) if type(q.object) is not ox.Literal]
        data.subjects[p], data.objects[p] = {s for s, _ in pairs}, {o for _, o in pairs}
    for p in rules.datas & (set(rules.domains) | set(rules.datatype_ranges) | rules.functional_data):
        data.subjects[p] = set()
        if p in rules.datatype_ranges or p in rules.functional_data:
            data.literals[p] = []
        # A plain string is valid, and in a range xsd:string or rdfs:Literal: only other literals need checking.
        unchecked = {XSD_NS + "string"} if p not in rules.functional_data and set(rules.datatype_ranges.get(
            p, ())) <= {XSD_NS + "string", RDFS_LITERAL} else set()
        for q in asserted_quads(store, p):
            if type(q.object) is ox.Literal and (datatype := q.object.datatype.value) not in UNSUPPORTED:
                data.subjects[p].add(node_id(q.subject))
                if p in data.literals and datatype not in unchecked:
                    data.literals[p].append((node_id(q.subject), q.object))
    for s, p, o in rules.abox:
        if p == RDF_TYPE.value:
            data.types[o].add(s)
        elif p in rules.edge_props:
            data.values[p].add((s, o))
        elif p in data.subjects:
            data.subjects[p].add(s)
            if p in data.objects:
                data.objects[p].add(o)
            elif p in data.literals:
                data.literals[p].append((s, o))
    return data
