"""The ontology's axioms as rules: which kinds of axiom the rule reasoner (:mod:`kg.reason.rules`) handles, the
check that refuses any other kind, and the compiled form it reasons with.

Per-individual case analysis is complete for this ontology because no axiom carries a type from one individual to
another (no ``owl:someValuesFrom``, ``allValuesFrom`` or ``hasValue``): an individual's types follow from its own
classes, domains, ranges and unions. What would escape the rules, and so is refused (:func:`unhandled_axioms`:
the reasoner raises rather than silently diverge from HermiT): class expressions other than unions of named
classes in domains and ranges (restrictions, intersections, complements, enumerations, cardinalities, in any
position), ``owl:equivalentProperty``, inverse-functional, reflexive, irreflexive and asymmetric properties,
disjoint properties, keys, negative property assertions, datatype restrictions, and individual axioms in the
ontology other than types and property values. The class hierarchy is HermiT's classification of the ontology
(:func:`kg.reason.classification.ontology_check`), not only the asserted ``rdfs:subClassOf`` triples.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import KgError
from kg.rdf.namespaces import FP
from kg.reason.classification import ontology_check
from kg.reason.literals import DATATYPE_RANGES, XSD_NS
from kg.reason.reasoning import _disjoint_pairs, _short

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
                    "rdfs:Datatype (codes such as fpk:CAMEOCode, used in annotations only), "
                    "owl:NamedIndividual, owl:Ontology and its owl:versionIRI",
}
_BUILTIN_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo,
                                  OWL.deprecated, OWL.priorVersion})
_DECLARATIONS = frozenset({OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                           RDFS.Datatype, OWL.NamedIndividual, OWL.Ontology})
_CHARACTERISTICS = frozenset({OWL.FunctionalProperty, OWL.SymmetricProperty, OWL.TransitiveProperty})


_FP = str(FP)


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


@dataclass
class Rules:
    """The ontology compiled for :func:`kg.reason.rules.infer`: what each class and property implies."""

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
    return ox.Literal(str(lit), datatype=ox.NamedNode(str(lit.datatype or XSD_NS + "string")))


def _head(rule: tuple) -> str:
    return rule[2] if rule[0] in ("sub", "inv") else rule[1]


def _bodies(rule: tuple) -> tuple:
    return rule[2] if rule[0] == "chain" else (rule[1],)


def compile_rules(ontology: Graph, project: bool) -> Rules:
    """The rules of ``ontology``'s axioms (``project``: the project's ontology files), with HermiT's class hierarchy.

    :raises KgError: if the ontology has axioms of a kind the rules do not handle (checked before HermiT runs).
    """
    unhandled = unhandled_axioms(ontology)
    if unhandled:
        raise KgError("the ontology has axioms the rules do not handle (see kg.reason.axioms.HANDLED):\n"
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
    return Rules(
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
def project_rules() -> Rules:
    from kg.check.ontology import load_ontology

    return compile_rules(load_ontology(), project=True)
