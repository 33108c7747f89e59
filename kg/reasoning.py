"""OWL reasoning over the ontology plus data with owlready2 and HermiT: consistency and inferred triples.

owlready2 is imported here only (the server never needs it). Each call works in its own owlready2 ``World``
so calls do not leak individuals into each other. HermiT runs in Java (``java`` must be on the PATH).

What the reasoner is given, and why some data is left out of its input:

- reified statements (``rdf:Statement``, ``rdf:subject``/``rdf:predicate``/``rdf:object``): rdf: terms are
  reserved vocabulary in OWL 2 DL, and ``rdf:predicate fp:hasConcern`` would pun a property as an individual;
- literals typed ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``: they are outside the OWL 2 datatype map,
  and HermiT rejects the whole input on meeting one (the dates are checked by SHACL instead);
- triples whose predicate, or ``rdf:type`` whose class, the ontology does not declare (e.g. ``wdt:`` links):
  they carry no OWL meaning, and undeclared terms would make the input leave OWL 2 DL.

``inferred`` holds only new triples about ``fpr:`` resources with ``fp:`` predicates or ``fp:`` classes: the
types HermiT finds plus their named ``fp:`` superclasses (so SPARQL without reasoning finds a ``fp:Summit`` as a
``fp:PolicyAction``), property values from chains (``fp:linkedToActionsOf``, ``fp:prioritizedOver``),
transitivity, inverses and symmetry. Never literals, ``owl:Thing``, ``owl:NamedIndividual`` or ``x p x`` noise.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from itertools import combinations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.errors import KgError
from kg.namespaces import FP, FPR, PREFIXES
from kg.validation import load_ontology

#: Datatypes HermiT does not know (outside the OWL 2 datatype map); data with them is not given to it.
UNSUPPORTED_DATATYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay, XSD.gDay, XSD.gMonth})
_REIFICATION = frozenset({RDF.subject, RDF.predicate, RDF.object})
_DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@dataclass
class ReasoningResult:
    """``consistent``; ``inferred`` (new triples only); ``explanation`` of an inconsistency, or what was left out."""

    consistent: bool
    inferred: Graph = field(default_factory=Graph)
    explanation: str = ""
    seconds: float = 0.0


def _declared(ontology: Graph) -> set:
    return {s for t in _DECLARATIONS for s in ontology.subjects(RDF.type, t)}


def reasoner_input(data: Graph, ontology: Graph) -> tuple[Graph, int]:
    """The ontology plus the part of ``data`` the reasoner can use, and how many data triples were left out."""
    declared = _declared(ontology)
    merged = Graph()
    merged += ontology
    skipped = 0
    for s, p, o in data:
        if p in _REIFICATION or (p == RDF.type and o == RDF.Statement):
            skipped += 1
        elif isinstance(o, Literal) and o.datatype in UNSUPPORTED_DATATYPES:
            skipped += 1
        elif p == RDF.type and o not in declared and o not in (OWL.NamedIndividual, OWL.Thing):
            skipped += 1
        elif p != RDF.type and p not in declared and not str(p).startswith((str(RDFS), str(OWL))):
            skipped += 1
        else:
            merged.add((s, p, o))
    return merged, skipped


def _superclasses(ontology: Graph) -> dict:
    """Named class -> all its named superclasses (itself included), from rdfs:subClassOf."""
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    return {c: {x for x in ontology.transitive_objects(c, RDFS.subClassOf) if isinstance(x, URIRef)}
            for c in classes}


def _disjoint_pairs(ontology: Graph) -> dict:
    """frozenset({A, B}) -> how the ontology says A and B are disjoint."""
    pairs = {}
    for a, b in ontology.subject_objects(OWL.disjointWith):
        pairs[frozenset((a, b))] = "owl:disjointWith"
    for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(ontology.items(ontology.value(axiom, OWL.members)))
        for a, b in combinations(members, 2):
            pairs[frozenset((a, b))] = "owl:AllDisjointClasses"
    return pairs


def _short(term) -> str:
    for prefix, ns in PREFIXES.items():
        if str(term).startswith(str(ns)):
            return f"{prefix}:{str(term)[len(str(ns)):]}"
    return f"<{term}>"


def explain_clash(data: Graph, ontology: Graph) -> str:
    """Name the individuals whose types (asserted, or implied by a property's domain or range) are disjoint,
    and functional data properties with several values: the usual reasons HermiT finds data inconsistent.

    >>> from kg.validation import load_ontology
    >>> g = Graph().parse(data='''@prefix fp: <https://w3id.org/fpkg/ontology#> .
    ...     <https://w3id.org/fpkg/resource/x> a fp:State, fp:Person .''', format="turtle")
    >>> print(explain_clash(g, load_ontology()))
    fpr:x is both fp:Person and fp:State, which are disjoint (owl:AllDisjointClasses)
    """
    supers = _superclasses(ontology)
    disjoint = _disjoint_pairs(ontology)
    types: dict = {}
    asserted: dict = {}
    for s, o in data.subject_objects(RDF.type):
        types.setdefault(s, set()).add(o)
        asserted.setdefault(s, set()).add(o)
    for p, domain in ontology.subject_objects(RDFS.domain):
        for s in data.subjects(p, None):
            types.setdefault(s, set()).add(domain)
    for p, range_ in ontology.subject_objects(RDFS.range):
        if (p, RDF.type, OWL.ObjectProperty) in ontology:
            for o in data.objects(None, p):
                types.setdefault(o, set()).add(range_)
    lines = []
    for node in sorted(types, key=str):
        closure = set().union(*(supers.get(t, {t}) for t in types[node]))
        direct = asserted.get(node, set())
        # Name the asserted classes when they clash themselves: "State and Person", not "Place and Person".
        clashes = sorted({(min(a, b), max(a, b), how) for pair, how in disjoint.items()
                          for a, b in [tuple(pair)] if a in closure and b in closure},
                         key=lambda c: (-(c[0] in direct) - (c[1] in direct), str(c)))
        for a, b, how in clashes[:1]:  # the first clash per individual is enough to act on
            lines.append(f"{_short(node)} is both {_short(a)} and {_short(b)}, which are disjoint ({how})")
    for p in sorted(ontology.subjects(RDF.type, OWL.FunctionalProperty), key=str):
        for s in sorted(set(data.subjects(p, None)), key=str):
            values = set(data.objects(s, p))
            if len(values) > 1 and all(isinstance(v, Literal) for v in values):
                shown = ", ".join(sorted(str(v) for v in values))
                lines.append(f"{_short(s)} has {len(values)} values of functional {_short(p)}: {shown}")
    return "\n".join(lines)


def _completion(graph: Graph, ontology: Graph) -> Graph:
    """Inverse and symmetric property values and named fp: superclass types entailed by ``graph``."""
    extra = Graph()
    inverses = {}
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverses.setdefault(p, set()).add(q)
        inverses.setdefault(q, set()).add(p)
    for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
        inverses.setdefault(p, set()).add(p)
    for p, qs in inverses.items():
        for s, o in graph.subject_objects(p):
            if isinstance(o, URIRef):
                for q in qs:
                    extra.add((o, q, s))
    supers = _superclasses(ontology)
    for s, t in graph.subject_objects(RDF.type):
        for sup in supers.get(t, ()):
            extra.add((s, RDF.type, sup))
    return extra


def _keep(triple) -> bool:
    """Only types and object-property values of fpr: resources: HermiT infers no data values, and owlready2
    hands asserted strings back typed xsd:string, which rdflib would not match against the plain originals."""
    s, p, o = triple
    if not str(s).startswith(str(FPR)) or s == o or isinstance(o, Literal):
        return False
    if p == RDF.type:
        return str(o).startswith(str(FP))
    return str(p).startswith(str(FP))


def reason(data: Graph, ontology: Graph | None = None) -> ReasoningResult:
    """Check ``data`` (a Graph or Dataset) with the ontology for consistency with HermiT and collect new triples.

    Inconsistency is reported as ``consistent=False`` with an explanation, never raised.

    :raises KgError: if Java or HermiT fails for another reason than inconsistency (message from Java).
    """
    import owlready2  # heavy and Java-bound: imported only when reasoning is asked for

    started = time.perf_counter()
    ontology = load_ontology() if ontology is None else ontology
    if hasattr(data, "quads"):
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        data = union
    merged, skipped = reasoner_input(data, ontology)
    note = (f"{skipped} data triple(s) not given to the reasoner (reification, xsd:date/gYear/gYearMonth "
            f"literals, or terms the ontology does not declare)" if skipped else "")

    world = owlready2.World()
    try:
        onto = world.get_ontology("https://w3id.org/fpkg/reasoner-input")
        onto.load(fileobj=io.BytesIO(merged.serialize(format="nt", encoding="utf-8")), format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            why = explain_clash(data, ontology) or "HermiT gave no detail and no disjoint types were found"
            return ReasoningResult(consistent=False, explanation=f"inconsistent: {why}",
                                   seconds=time.perf_counter() - started)
        except owlready2.OwlReadyJavaError as exc:
            raise KgError(f"HermiT failed: {exc}", rule="owl-reasoning") from exc
        after = world.as_rdflib_graph()
        entailed = Graph()
        for triple in after:
            if _keep(triple):
                entailed.add(triple)
    finally:
        world.close()

    entailed += _completion(entailed + data, ontology)
    inferred = Graph()
    for prefix, ns in PREFIXES.items():
        inferred.bind(prefix, ns)
    for triple in entailed:
        if _keep(triple) and triple not in data:
            inferred.add(triple)
    return ReasoningResult(consistent=True, inferred=inferred, explanation=note,
                           seconds=time.perf_counter() - started)
