"""OWL reasoning over a corpus by rules derived from the ontology's axioms, evaluated on a pyoxigraph store.

Why: HermiT (:mod:`kg.reason.reasoning`) is exact for OWL 2 DL but starts a JVM per call and does not scale to a corpus:
one call over 100k triples took 41-77 s and up to 1.6 GB, and 1M triples would need more than its 2 GB heap and
about 13 minutes. So the work is split. HermiT checks the **ontology alone**
(:func:`kg.reason.classification.ontology_check`: consistency and the class hierarchy, kept in :mod:`kg.cache` under the
sha256 of the ontology files), and the **data-level** consequences and clashes are computed here (:func:`infer`) by
rules read off the ontology's axioms, to a fixpoint, in seconds.

What :func:`infer` computes, for the union of the store's graphs (but ``fpg:ontology`` and ``fpg:inferred``), the
ontology's own individual assertions (the SKOS concepts) included:

- types: each individual's asserted classes, the named classes and ``owl:unionOf`` classes of the ``rdfs:domain``
  of every property it has a value of and of the ``rdfs:range`` of every object property it is a value of, and
  all their superclasses in HermiT's classification of the ontology (so ``rdfs:subClassOf`` and
  ``owl:equivalentClass`` between named classes, and whatever else HermiT derives between them);
- property values: ``rdfs:subPropertyOf``, ``owl:inverseOf``, ``owl:SymmetricProperty``,
  ``owl:TransitiveProperty`` and ``owl:propertyChainAxiom``, run semi-naively to a fixpoint;
- equality: two values of an ``owl:FunctionalProperty`` object property (or an ``owl:sameAs`` in the data) are one
  individual, which then has every type and value either has;
- unions: an individual that must be in an ``owl:unionOf`` (a domain or range) is given the classes every
  consistent choice of its members implies, by case analysis over the disjointness axioms;
- clashes (``consistent=False``): an individual in two disjoint classes (``owl:disjointWith``,
  ``owl:AllDisjointClasses``) or in a class HermiT finds unsatisfiable, a union none of whose members it can be
  in, two different values of a functional data property, a literal outside its property's datatype range or not
  valid for its own datatype, and ``owl:differentFrom`` individuals that are the same.

``inferred`` holds what :func:`kg.reason.reasoning.reason` gives: new triples only (asserted in no graph), types with
``fp:`` classes and values of ``fp:`` object properties, of ``fpr:`` individuals, never ``x p x`` (its ``_keep``).
As for HermiT, triples of undeclared terms, reification and ``xsd:date``/``gYear``/``gYearMonth`` literals
carry no OWL meaning here. The data is read with one index lookup per class and per property that has axioms
(constants in the pattern, no SPARQL ``FILTER``), then reasoned over in Python sets: on 2 cores, 0.3 s for the
100k-triple benchmark corpus and about 3 s (Python's allocations peaking near 180 MB) for the 1M one, where one
HermiT call over 100k triples took 41-77 s.

Per-individual case analysis is complete for this ontology because no axiom carries a type from one individual to
another (no ``owl:someValuesFrom``, ``allValuesFrom`` or ``hasValue``): an individual's types follow from its own
classes, domains, ranges and unions. What would escape these rules, and so is refused (:func:`unhandled_axioms`:
:func:`infer` raises rather than silently diverge from HermiT): class expressions other than unions of named
classes in domains and ranges (restrictions, intersections, complements, enumerations, cardinalities, in any
position), ``owl:equivalentProperty``, inverse-functional, reflexive, irreflexive and asymmetric properties,
disjoint properties, keys, negative property assertions, datatype restrictions, and individual axioms in the
ontology other than types and property values. Ontology axioms written into the data (``rdfs:subClassOf`` triples
in an article) are not read: the data is assertions (types, property values, ``owl:sameAs``,
``owl:differentFrom``). Literals are checked for validity only for properties with a range or a functional axiom;
values that are blank nodes are reasoned over but, as with HermiT, never reported.

Agreement with HermiT is tested (``tests/ontology/test_rules.py``) by running :func:`kg.reason.reasoning.reason` and
:func:`infer` on the seed article, six synthetic articles and every reasoning fixture (consistent ones, every
contradictory one, and fixtures for equality, unions and literal values): the same verdict and the same inferred
triples, with one allowance on HermiT's side. Its command line prints each property's own values, not those of
its sub-properties, so ``kg.reason.reasoning`` lacks values entailed by ``rdfs:subPropertyOf`` alone (``fp:leaderOf``
of an ``fp:headOfStateOf``: 3 triples on the seed); the rules give them, and the tests add them to HermiT's
answer. Where HermiT rejects the input outright (a literal not valid for its datatype) the rules report a clash.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'''@prefix fp: <https://w3id.org/fpkg/ontology#> . @prefix fpr: <https://w3id.org/fpkg/resource/> .
...     fpr:refugees fp:causedBy fpr:sanctions . fpr:sanctions fp:hasActor fpr:UnitedStates .''',
...     ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/fpkg/graph/doc/assertions"))
>>> result = infer(store)
>>> result.consistent
True
>>> for q in result.inferred:
...     print(*(t.value.rsplit("/", 1)[-1].replace("ontology#", "fp:") for t in (q.subject, q.predicate, q.object)))
UnitedStates 22-rdf-syntax-ns#type fp:Actor
refugees 22-rdf-syntax-ns#type fp:Concern
sanctions 22-rdf-syntax-ns#type fp:PolicyAction
refugees fp:linkedToActionsOf UnitedStates
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import product

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.reason.classification import ontology_check
from kg.errors import KgError
from kg.rdf.namespaces import FP, FPR, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.reason.reasoning import UNSUPPORTED_DATATYPES, Reasoned, _disjoint_pairs, _short

#: Axiom kinds the rules handle, and how (see the module docstring).
HANDLED = {
    "rdfs:subClassOf": "between named classes: HermiT's classification gives every superclass",
    "owl:equivalentClass": "between named classes: as rdfs:subClassOf both ways",
    "owl:disjointWith": "between named classes: an individual in both is a clash",
    "owl:AllDisjointClasses": "named classes, pairwise disjoint",
    "rdfs:domain": "a named class or an owl:unionOf of named classes: the subject's type",
    "rdfs:range": "of an object property as rdfs:domain, for the value; of a data property a datatype the "
                  "literal's value must be in",
    "rdfs:subPropertyOf": "between object properties: values of the sub-property are values of it",
    "owl:inverseOf": "between object properties: each value gives the inverse value",
    "owl:SymmetricProperty": "each value gives the reverse value",
    "owl:TransitiveProperty": "closed transitively",
    "owl:propertyChainAxiom": "a list of object properties: each path gives a value",
    "owl:FunctionalProperty": "object property: its values are one individual; data property: two values clash",
    "individual assertions": "types and property values in the ontology (the SKOS concepts) are data",
}
#: What is deliberately ignored: it carries no data-level meaning.
IGNORED = {
    "annotations": "values of annotation properties (labels, definitions, notes, provenance)",
    "declarations": "owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty, "
                    "owl:NamedIndividual, owl:Ontology and its owl:versionIRI",
}
_INTEGERS = {  # XSD integer types: (least, greatest) value, None when unbounded
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1),
    "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 2**8 - 1),
}
_XSD = "http://www.w3.org/2001/XMLSchema#"  # not rdflib's XSD, which warns when doctest collection probes it
_LITERAL = str(RDFS.Literal)
#: Datatypes a data property's range may be: those whose value spaces the rules know.
DATATYPE_RANGES = frozenset({_LITERAL, *(_XSD + t for t in ("string", "boolean", "decimal", "float", "double",
                                                             *_INTEGERS))})
_BUILTIN_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
                                  OWL.deprecated})
_DECLARATIONS = frozenset({OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                           OWL.NamedIndividual, OWL.Ontology})
_CHARACTERISTICS = frozenset({OWL.FunctionalProperty, OWL.SymmetricProperty, OWL.TransitiveProperty})
_EXCLUDED_GRAPHS = frozenset({ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))})
_TYPE = ox.NamedNode(str(RDF.type))
_FP, _FPR = str(FP), str(FPR)
_UNSUPPORTED = frozenset(str(d) for d in UNSUPPORTED_DATATYPES)


# --------------------------------------------------------------------------------------------------------------
# Axiom kinds


def _list(graph: Graph, head) -> tuple[list, list]:
    """The members of the RDF list at ``head`` and its list nodes."""
    members, nodes = [], []
    while head is not None and head != RDF.nil:
        nodes.append(head)
        members.append(graph.value(head, RDF.first))
        head = graph.value(head, RDF.rest)
    return members, nodes


def unhandled_axioms(ontology: Graph) -> list[str]:
    """One line per triple of ``ontology`` that is neither of a kind in :data:`HANDLED` nor in :data:`IGNORED`:
    an axiom these rules would silently not apply. Empty for the project's ontology."""
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILTIN_ANNOTATIONS
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} | {OWL.Thing}
    objects = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    datas = set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    list_nodes: dict = {}  # list node -> what its members must be

    def named_list(head, allowed) -> bool:
        members, nodes = _list(ontology, head)
        ok = bool(members) and all(m in allowed for m in members)
        list_nodes.update(dict.fromkeys(nodes, ok))
        return ok

    unions = {u for u in ontology.subjects(OWL.unionOf, None)
              if isinstance(u, BNode) and named_list(ontology.value(u, OWL.unionOf), classes)
              and set(ontology.predicates(None, u)) <= {RDFS.domain, RDFS.range}
              and set(ontology.predicate_objects(u)) <= {(RDF.type, OWL.Class),
                                                         (OWL.unionOf, ontology.value(u, OWL.unionOf))}}
    disjoint_axioms = {a for a in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
                       if isinstance(a, BNode) and named_list(ontology.value(a, OWL.members), classes)}
    for p in objects:
        for chain in ontology.objects(p, OWL.propertyChainAxiom):
            named_list(chain, objects)
    lines = []
    for s, p, o in sorted(ontology, key=str):
        if p in annotation or (p == OWL.versionIRI and (s, RDF.type, OWL.Ontology) in ontology):
            continue
        if p == RDF.type:
            ok = (o in _DECLARATIONS and (o != OWL.Class or isinstance(s, URIRef) or s in unions)
                  or o in _CHARACTERISTICS and (s in objects or (s in datas and o == OWL.FunctionalProperty))
                  or o == OWL.AllDisjointClasses and s in disjoint_axioms
                  or o in classes and isinstance(s, URIRef))
        elif p in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
            ok = s in classes and o in classes
        elif p == OWL.members:
            ok = s in disjoint_axioms
        elif p == RDFS.domain:
            ok = (s in objects or s in datas) and (o in classes or o in unions)
        elif p == RDFS.range:
            ok = (s in objects and (o in classes or o in unions)) or (s in datas and str(o) in DATATYPE_RANGES)
        elif p in (RDFS.subPropertyOf, OWL.inverseOf):
            ok = s in objects and o in objects
        elif p == OWL.propertyChainAxiom:
            ok = s in objects and list_nodes.get(o, False)
        elif p == OWL.unionOf:
            ok = s in unions
        elif p in (RDF.first, RDF.rest):
            ok = list_nodes.get(s, False)
        elif p in objects or p in datas:
            ok = isinstance(s, URIRef) and (p in datas) == isinstance(o, Literal)
        else:
            ok = False
        if not ok:
            lines.append(f"{_short(s)} {_short(p)} {_short(o) if not isinstance(o, Literal) else o.n3()}")
    return lines


# --------------------------------------------------------------------------------------------------------------
# Rules compiled from the axioms


@dataclass
class _Rules:
    classes: frozenset
    supers: dict           # class -> its superclasses, itself included
    unsatisfiable: frozenset
    disjoint: dict         # frozenset({A, B}) -> "owl:disjointWith" | "owl:AllDisjointClasses"
    domains: dict          # property -> [named class, or tuple of the members of a union]
    ranges: dict           # object property -> likewise
    datatype_ranges: dict  # data property -> [datatype]
    edge_rules: list       # ("sub" | "inv", p, q), ("sym", p), ("trans", p), ("chain", head, (p1, ..., pn))
    edge_props: frozenset  # object properties the edge rules or equality read or write
    functional: frozenset  # functional object properties
    functional_data: frozenset
    objects: frozenset
    datas: frozenset
    abox: list             # the ontology's own assertions (s, p, o): IRIs as strings, literals as pyoxigraph's


def _ox_literal(lit: Literal) -> ox.Literal:
    if lit.language:
        return ox.Literal(str(lit), language=lit.language)
    return ox.Literal(str(lit), datatype=ox.NamedNode(str(lit.datatype or _XSD + "string")))


def _head(rule: tuple) -> str:
    return rule[2] if rule[0] in ("sub", "inv") else rule[1]


def _bodies(rule: tuple) -> tuple:
    return rule[2] if rule[0] == "chain" else (rule[1],)


def _compile(ontology: Graph, project: bool) -> _Rules:
    """The rules of ``ontology``'s axioms (``project``: the project's ontology files), with HermiT's class hierarchy.

    :raises KgError: if the ontology has axioms of a kind the rules do not handle (checked before HermiT runs).
    """
    unhandled = unhandled_axioms(ontology)
    if unhandled:
        raise KgError("the ontology has axioms the rules do not handle (see kg.reason.rules.HANDLED):\n"
                      + "\n".join(unhandled), rule="owl-reasoning")
    classification = ontology_check(None if project else ontology)
    classes = frozenset(str(c) for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    objects = frozenset(str(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty))
    datas = frozenset(str(p) for p in ontology.subjects(RDF.type, OWL.DatatypeProperty))

    def expressions(axiom) -> dict:
        out: dict = {}
        for p, c in ontology.subject_objects(axiom):
            if isinstance(c, BNode):
                members = _list(ontology, ontology.value(c, OWL.unionOf))[0]
                out.setdefault(str(p), []).append(tuple(sorted(str(m) for m in members)))
            elif str(c) in classes:
                out.setdefault(str(p), []).append(str(c))
        return out

    rules: list = [("sub", str(p), str(q)) for p, q in ontology.subject_objects(RDFS.subPropertyOf)]
    for p, q in ontology.subject_objects(OWL.inverseOf):
        rules += [("inv", str(p), str(q)), ("inv", str(q), str(p))]
    rules += [("sym", str(p)) for p in ontology.subjects(RDF.type, OWL.SymmetricProperty)]
    rules += [("trans", str(p)) for p in ontology.subjects(RDF.type, OWL.TransitiveProperty)]
    rules += [("chain", str(p), tuple(str(m) for m in _list(ontology, chain)[0]))
              for p, chain in ontology.subject_objects(OWL.propertyChainAxiom)]
    functional = {str(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
    domains, ranges = expressions(RDFS.domain), expressions(RDFS.range)
    # Values matter if they are kept (fp: properties), give types, must be single, or feed a rule whose values
    # matter; a rule deriving nothing that matters is dropped (prov:wasDerivedFrom from fp:statedIn).
    useful = {p for p in objects if p.startswith(_FP) or p in domains or p in ranges or p in functional}
    while more := {b for r in rules if _head(r) in useful for b in _bodies(r)} - useful:
        useful |= more
    rules = [r for r in rules if _head(r) in useful]
    edge_props = {p for r in rules for p in (_head(r), *_bodies(r))} | (functional & objects)
    asserting = objects | datas
    abox = [(str(s), str(p), _ox_literal(o) if isinstance(o, Literal) else str(o)) for s, p, o in ontology
            if isinstance(s, URIRef) and (str(p) in asserting or p == RDF.type and str(o) in classes)]
    return _Rules(
        classes=classes,
        supers={c: frozenset((classification.superclasses.get(c, frozenset()) | {c}) & classes) for c in classes},
        unsatisfiable=classification.unsatisfiable & classes,
        disjoint={frozenset(str(c) for c in pair): how for pair, how in _disjoint_pairs(ontology).items()},
        domains=domains, ranges={p: r for p, r in ranges.items() if p in objects},
        datatype_ranges={p: [str(d) for d in ontology.objects(URIRef(p), RDFS.range)] for p in datas
                         if (URIRef(p), RDFS.range, None) in ontology},
        edge_rules=rules, edge_props=frozenset(edge_props), functional=frozenset(functional & objects),
        functional_data=frozenset(functional & datas), objects=objects, datas=datas, abox=abox)


@lru_cache(maxsize=1)
def _project_rules() -> _Rules:
    from kg.check.ontology import load_ontology

    return _compile(load_ontology(), project=True)


# --------------------------------------------------------------------------------------------------------------
# Literals: values, validity, ranges


def _literal_value(lit: ox.Literal) -> tuple | None:
    """A key equal for literals with the same data value (``"1"^^xsd:integer`` and ``"01"^^xsd:positiveInteger``),
    or None if the lexical form is not valid for its datatype."""
    if lit.language:
        return ("lang", lit.value, lit.language.lower())
    datatype = lit.datatype.value
    if not datatype.startswith(_XSD):
        return ("other", datatype, lit.value)
    local, text = datatype[len(_XSD):], lit.value.strip()
    if local == "string":
        return ("string", lit.value)
    if local == "boolean":
        return ("boolean", text in ("true", "1")) if text in ("true", "false", "1", "0") else None
    if local == "decimal" or local in _INTEGERS:
        if not re.fullmatch(r"[+-]?\d+" if local in _INTEGERS else r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            return None
        number = Decimal(text)
        return ("number", number) if local == "decimal" or _in_datatype(("number", number), datatype) else None
    if local in ("float", "double"):
        if not re.fullmatch(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN", text):
            return None
        return (local, float(text.replace("INF", "inf")))
    return ("other", datatype, lit.value)


def _show(lit: ox.Literal) -> str:
    """``"0"^^xsd:integer``, ``"x"@en``, ``"x"``."""
    if lit.language:
        return f'"{lit.value}"@{lit.language}'
    datatype = lit.datatype.value
    return f'"{lit.value}"' if datatype == _XSD + "string" else f'"{lit.value}"^^{_term(datatype)}'


def _in_datatype(value: tuple, datatype: str) -> bool:
    """Whether a literal's value (:func:`_literal_value`) is in the value space of ``datatype``."""
    if datatype == _LITERAL:
        return True
    local = datatype[len(_XSD):]
    if local in _INTEGERS:
        least, greatest = _INTEGERS[local]
        return (value[0] == "number" and value[1] == value[1].to_integral_value()
                and (least is None or value[1] >= least) and (greatest is None or value[1] <= greatest))
    return value[0] == {"decimal": "number"}.get(local, local)


# --------------------------------------------------------------------------------------------------------------
# Reading the store


def _node(term) -> str:
    return term.value if type(term) is ox.NamedNode else "_:" + term.value


def _quads(store: ox.Store, predicate: str, obj=None):
    for q in store.quads_for_pattern(None, ox.NamedNode(predicate), obj):
        if q.graph_name not in _EXCLUDED_GRAPHS:
            yield q


class _Edges:
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


class _Equality:
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


# --------------------------------------------------------------------------------------------------------------
# Reasoning


def _chain_pairs(edges: _Edges, chain: tuple, i: int, delta: set) -> set:
    """Paths along the properties ``chain`` whose ``i``-th step is in ``delta``, as (first node, last node)."""
    paths = set(delta)
    for p in chain[i + 1:]:
        out = edges.out.get(p, {})
        paths = {(a, c) for a, b in paths for c in out.get(b, ())}
    for p in reversed(chain[:i]):
        inn = edges.inn.get(p, {})
        paths = {(a, c) for b, c in paths for a in inn.get(b, ())}
    return paths


def _close_edges(edges: _Edges, rules: _Rules, equality: _Equality, delta: dict) -> None:
    """Apply the property rules and the equality of functional values, semi-naively, until nothing is new."""
    while delta:
        derived: dict[str, set] = {}
        for rule in rules.edge_rules:
            kind, p = rule[0], rule[1]
            if kind == "chain":
                for i, step in enumerate(rule[2]):
                    if step in delta:
                        derived.setdefault(p, set()).update(_chain_pairs(edges, rule[2], i, delta[step]))
            elif p not in delta:
                continue
            elif kind == "sub":
                derived.setdefault(rule[2], set()).update(delta[p])
            elif kind in ("inv", "sym"):
                derived.setdefault(rule[-1], set()).update((o, s) for s, o in delta[p])
            elif kind == "trans":
                derived.setdefault(p, set()).update(_chain_pairs(edges, (p, p), 0, delta[p]),
                                                    _chain_pairs(edges, (p, p), 1, delta[p]))
        grown: set = set()
        for p in rules.functional & set(delta):
            out = edges.out[p]
            for s in {s for s, _ in delta[p]}:
                if len(out[s]) > 1:
                    grown |= equality.merge(out[s])
        for p, pairs in edges.spread(grown, equality.same).items():
            derived.setdefault(p, set()).update(pairs)
        delta = {}
        for p, pairs in derived.items():
            new = edges.add(p, pairs)
            if new:
                delta[p] = new


def _term(node: str) -> str:
    return node if node.startswith("_:") else _short(URIRef(node))


def _clash_line(node: str, types: set, asserted: set, rules: _Rules) -> str:
    """The first disjoint pair among ``types`` (of asserted classes first), worded as explain_clash words it."""
    pairs = [(min(a, b), max(a, b), how) for pair, how in rules.disjoint.items() for a, b in [tuple(pair)]
             if a in types and b in types]
    a, b, how = min(pairs, key=lambda c: (-(c[0] in asserted) - (c[1] in asserted),
                                          str((URIRef(c[0]), URIRef(c[1]), c[2]))))
    return f"{_term(node)} is both {_term(a)} and {_term(b)}, which are disjoint ({how})"


def _consistent_choices(types: frozenset, constraints: list, rules: _Rules) -> list[set]:
    """The closure of ``types`` with each choice of one member per union of ``constraints`` that has no two
    disjoint classes."""
    found = []
    for choice in product(*(members for members, _ in constraints)):
        closure = set(types).union(*(rules.supers[c] for c in choice))
        if not closure & rules.unsatisfiable and not any(pair <= closure for pair in rules.disjoint):
            found.append(closure)
    return found


def _literal_clashes(literals: dict, rules: _Rules, equality: _Equality) -> list[str]:
    """Literals not valid for their datatype or outside their property's range; functional data properties with
    two values."""
    lines = []
    for p in sorted(literals):
        by_node: dict[str, dict] = {}
        for s, lit in literals[p]:
            value = _literal_value(lit)
            if value is None:
                lines.append(f"{_term(s)} has {_term(p)} {_show(lit)}, not a valid {_term(lit.datatype.value)}")
                continue
            lines += [f"{_term(s)} has {_term(p)} {_show(lit)}, outside its range {_term(d)}"
                      for d in rules.datatype_ranges.get(p, ()) if not _in_datatype(value, d)]
            by_node.setdefault(min(equality.same(s)), {}).setdefault(value, lit)
        if p in rules.functional_data:
            for s, values in sorted(by_node.items()):
                if len(values) > 1:
                    one_type = len({lit.datatype for lit in values.values()}) == 1
                    shown = ", ".join(sorted(lit.value if one_type else _show(lit) for lit in values.values()))
                    lines.append(f"{_term(s)} has {len(values)} values of functional {_term(p)}: {shown}")
    return lines


@dataclass
class _Data:
    """What the store (and the ontology's own individuals) assert, as far as the rules read it."""

    types: dict       # class -> the individuals asserted to be in it
    values: dict      # property of the edge rules -> asserted (subject, value) pairs
    subjects: dict    # other property with a domain, range or check -> its subjects
    objects: dict     # other object property with a domain or range -> its values
    literals: dict    # data property with a range or functional -> [(subject, literal)] to check


def _read(store: ox.Store, rules: _Rules) -> _Data:
    """Read the asserted triples the rules use: one pattern per class and per property with axioms."""
    data = _Data({c: {_node(q.subject) for q in _quads(store, _TYPE.value, ox.NamedNode(c))} for c in rules.classes},
                 {p: {(_node(q.subject), _node(q.object)) for q in _quads(store, p) if type(q.object) is not ox.Literal}
                  for p in rules.edge_props}, {}, {}, {})
    for p in (set(rules.domains) | set(rules.ranges)) & (rules.objects - rules.edge_props):
        pairs = [(_node(q.subject), _node(q.object)) for q in _quads(store, p) if type(q.object) is not ox.Literal]
        data.subjects[p], data.objects[p] = {s for s, _ in pairs}, {o for _, o in pairs}
    for p in rules.datas & (set(rules.domains) | set(rules.datatype_ranges) | rules.functional_data):
        data.subjects[p] = set()
        if p in rules.datatype_ranges or p in rules.functional_data:
            data.literals[p] = []
        # A plain string is valid, and in a range xsd:string or rdfs:Literal: only other literals need checking.
        unchecked = {_XSD + "string"} if p not in rules.functional_data and set(rules.datatype_ranges.get(
            p, ())) <= {_XSD + "string", _LITERAL} else set()
        for q in _quads(store, p):
            if type(q.object) is ox.Literal and (datatype := q.object.datatype.value) not in _UNSUPPORTED:
                data.subjects[p].add(_node(q.subject))
                if p in data.literals and datatype not in unchecked:
                    data.literals[p].append((_node(q.subject), q.object))
    for s, p, o in rules.abox:
        if p == _TYPE.value:
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


def _same_values(store: ox.Store, rules: _Rules, data: _Data, equality: _Equality) -> dict[str, set]:
    """Values of the object properties outside the edge rules, of individuals that are the same as others (rare:
    read individual by individual), given to each of them; their asserted values are added to ``data``."""
    spread: dict[str, set] = {}
    for n in list(equality.classes):
        term = ox.BlankNode(n[2:]) if n.startswith("_:") else ox.NamedNode(n)
        for q in [*store.quads_for_pattern(term, None, None), *store.quads_for_pattern(None, None, term)]:
            p = q.predicate.value
            if (p in rules.objects and p not in rules.edge_props and type(q.object) is not ox.Literal
                    and q.graph_name not in _EXCLUDED_GRAPHS):
                s, o = _node(q.subject), _node(q.object)
                data.values.setdefault(p, set()).add((s, o))
                spread.setdefault(p, set()).update((a, b) for a in equality.same(s) for b in equality.same(o))
    return spread


def _types(rules: _Rules, data: _Data, edges: _Edges, equality: _Equality) -> tuple[dict, dict]:
    """Class -> its members (asserted, by domain and range, superclasses, shared by the same individuals); and
    individual -> the unions it must be in, each with the axiom that says so."""
    direct = {c: set(nodes) for c, nodes in data.types.items()}
    must: dict[str, set] = {}

    def typed(p: str, nodes, axioms: dict, where: str) -> None:
        for expression in axioms.get(p, ()):
            if isinstance(expression, tuple):
                constraint = (expression, f"{where} of {_term(p)}")
                for n in nodes:
                    must.setdefault(n, set()).add(constraint)
            else:
                direct[expression].update(nodes)

    for p in rules.edge_props:
        typed(p, edges.out.get(p, {}).keys(), rules.domains, "domain")
        typed(p, edges.inn.get(p, {}).keys(), rules.ranges, "range")
    for p, nodes in data.subjects.items():
        typed(p, nodes, rules.domains, "domain")
    for p, nodes in data.objects.items():
        typed(p, nodes, rules.ranges, "range")
    members: dict[str, set] = {c: set() for c in rules.classes}
    for c, nodes in direct.items():
        for sup in rules.supers[c]:
            members[sup] |= nodes
    for same in set(equality.classes.values()):
        for nodes in members.values():
            if same & nodes:
                nodes |= same
    return members, must


def _type_clashes(rules: _Rules, data: _Data, members: dict, must: dict, equality: _Equality) -> list[str]:
    """Individuals in disjoint or unsatisfiable classes; then, for the others, unions by case analysis: the
    classes every consistent choice implies are added to ``members``, no consistent choice is a clash."""
    lines = []
    clashing: set = set().union(*(members[a] & members[b] for a, b in map(tuple, rules.disjoint)))
    for n in sorted(clashing):
        types = {c for c in rules.classes if n in members[c]}
        lines.append(_clash_line(n, types, {c for c in types if n in data.types[c]}, rules))
    for c in sorted(rules.unsatisfiable):
        lines += [f"{_term(n)} is a {_term(c)}, a class that can have no member" for n in sorted(members[c])]
        clashing |= members[c]
    for n in sorted({min(equality.same(n)) for n in must} - clashing):
        same = equality.same(n)
        constraints = sorted({m for node in same for m in must.get(node, ())
                              if not any(n in members[c] for c in m[0])})
        if not constraints:
            continue
        types = frozenset(c for c in rules.classes if n in members[c])
        choices = _consistent_choices(types, constraints, rules)
        if not choices:
            needs = " and ".join(f"{' or '.join(_term(c) for c in m)} ({w})" for m, w in constraints)
            known = ", ".join(sorted(_term(c) for c in types)) or "no class"
            lines.append(f"{_term(n)} must be {needs}, but every choice has two disjoint classes (its types: {known})")
            continue
        for c in set.intersection(*choices) - types:
            members[c] |= same
    return lines


def _new_triples(rules: _Rules, data: _Data, members: dict, edges: _Edges, same_values: dict) -> list[ox.Quad]:
    """The entailed triples asserted nowhere, about fpr: individuals, as kg.reason.reasoning._keep keeps them."""
    inferred = []
    for c in sorted(rules.classes):
        if c.startswith(_FP):
            cls = ox.NamedNode(c)
            inferred += [ox.Quad(ox.NamedNode(n), _TYPE, cls) for n in sorted(members[c] - data.types[c])
                         if n.startswith(_FPR)]
    for p in sorted(rules.edge_props | set(same_values)):
        if p.startswith(_FP):
            prop = ox.NamedNode(p)
            new = (edges.pairs.get(p, set()) | same_values.get(p, set())) - data.values.get(p, set())
            inferred += [ox.Quad(ox.NamedNode(s), prop, ox.NamedNode(o)) for s, o in sorted(new)
                         if s.startswith(_FPR) and s != o and not o.startswith("_:")]
    return inferred


def infer(store: ox.Store, ontology: Graph | None = None) -> Reasoned:
    """Consequences and clashes of the data in ``store`` under ``ontology`` (default the project's), by rules.

    The data is the union of every graph of ``store`` but ``fpg:ontology`` and ``fpg:inferred``. ``inferred``
    holds the new triples :func:`kg.reason.reasoning.reason` gives (quads in the default graph); when the data is
    inconsistent it is empty and ``explanation`` is ``inconsistent:`` then one line per clash, as there.

    :raises KgError: if the ontology has axioms the rules do not handle (:func:`unhandled_axioms`), or HermiT
        fails on the ontology (:func:`kg.reason.classification.ontology_check`).
    :raises InconsistencyError: if the ontology itself is inconsistent.
    """
    started = time.perf_counter()
    rules = _project_rules() if ontology is None else _compile(ontology, project=False)
    data = _read(store, rules)
    edges, equality = _Edges(), _Equality()
    for q in _quads(store, str(OWL.sameAs)):
        equality.merge({_node(q.subject), _node(q.object)})
    delta = {p: edges.add(p, pairs) for p, pairs in data.values.items() if pairs}
    for p, pairs in edges.spread(list(equality.classes), equality.same).items():
        delta.setdefault(p, set()).update(edges.add(p, pairs))
    _close_edges(edges, rules, equality, delta)
    same_values = _same_values(store, rules, data, equality)
    members, must = _types(rules, data, edges, equality)
    lines = _type_clashes(rules, data, members, must, equality) + _literal_clashes(data.literals, rules, equality)
    for q in _quads(store, str(OWL.differentFrom)):
        if _node(q.object) in equality.same(_node(q.subject)):
            lines.append(f"{_term(_node(q.subject))} and {_term(_node(q.object))} are owl:differentFrom but are "
                         f"the same individual")
    if lines:
        return Reasoned(False, "inconsistent: " + "\n".join(dict.fromkeys(lines)), [], time.perf_counter() - started)
    return Reasoned(True, "", _new_triples(rules, data, members, edges, same_values), time.perf_counter() - started)
