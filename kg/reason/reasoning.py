"""OWL reasoning over the ontology plus data with HermiT (as bundled by owlready2): consistency and inferences.

HermiT runs in Java (``java`` must be on the PATH); owlready2 provides it and is imported by :mod:`kg.reason.hermit`
only (the server never needs it). HermiT's command line is run directly (:mod:`kg.reason.hermit`), with owlready2's own
``JAVA_EXE`` and HermiT build (with its ``-Y`` option), instead of through ``owlready2.sync_reasoner_hermit``,
because that call cost more than the reasoning itself: it always asks for property classification
(``-O -D``), which nothing here uses, and round-trips the data through owlready2's SQLite world. This module runs
``-c -I -Y`` on the pruned input below and reads its ``Type(...)`` and property-instance lines: the same
consistency verdicts and inferred triples (measurements: docs/architecture.md).

The input is also pruned of what carries no OWL meaning here: annotation assertions (labels, definitions: no logical meaning); the Web Annotation plumbing
(nodes typed only with ``oa:`` classes: anchors, targets, selectors) and the links to them; and values of
properties whose only axiom is a domain (and range) that the subject (and object) already has by an asserted type,
e.g. a typed claim's ``fp:about``, ``fp:asserts``, ``fp:statement`` or a paragraph's ``fp:text``: such a triple
entails nothing new and cannot clash. Explanations of an inconsistency are still computed on the whole data.

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

import re
import time
from dataclasses import dataclass, field
from itertools import combinations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.reason.hermit import run_hermit
from kg.rdf.namespaces import FP, FPR, PREFIXES
from kg.check.ontology import load_ontology

#: Datatypes HermiT does not know (outside the OWL 2 datatype map); data with them is not given to it.
UNSUPPORTED_DATATYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay, XSD.gDay, XSD.gMonth})
_REIFICATION = frozenset({RDF.subject, RDF.predicate, RDF.object})
_DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_OA = "http://www.w3.org/ns/oa#"
_BUILTIN_ANNOTATIONS = frozenset({RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo})
_PLAIN_STRING = (None, XSD.string)
#: The lines of HermiT's output read back: instance types (-I) and object property values (-Y).
_TYPE_LINE = re.compile(r"^Type\( <([^>]+)> <([^>]+)> \)$", re.MULTILINE)
_VALUES_LINE = re.compile(r"^<([^>]+)> \(known instances:\s*(.*?)\s*\|\s*possible instances:", re.MULTILINE)
_PAIR = re.compile(r"\(<([^>]+)>, <([^>]+)>\)")


@dataclass
class ReasoningResult:
    """``consistent``; ``inferred`` (new triples only); ``explanation`` of an inconsistency, or what was left out."""

    consistent: bool
    inferred: Graph = field(default_factory=Graph)
    explanation: str = ""
    seconds: float = 0.0


@dataclass
class Reasoned:
    """A reasoner's verdict as the build uses it, whichever reasoner gave it: ``inferred`` as pyoxigraph triples
    (default-graph quads), ``explanation`` of an inconsistency one clash per line."""

    consistent: bool
    explanation: str
    inferred: list
    seconds: float


def _declared(ontology: Graph) -> set:
    return {s for t in _DECLARATIONS for s in ontology.subjects(RDF.type, t)}


def _usable(data: Graph, ontology: Graph) -> tuple[list, int]:
    """The triples of ``data`` the reasoner can use, and how many were left out."""
    declared = _declared(ontology)
    kept, skipped = [], 0
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
            kept.append((s, p, o))
    return kept, skipped


def reasoner_input(data: Graph, ontology: Graph) -> tuple[Graph, int]:
    """The ontology plus the part of ``data`` the reasoner can use, and how many data triples were left out."""
    kept, skipped = _usable(data, ontology)
    merged = Graph()
    merged += ontology
    merged += kept
    return merged, skipped


def _simple_properties(ontology: Graph) -> dict:
    """Property -> (domains, ranges) for properties whose only axioms are a declaration, domains and ranges:
    no characteristics, inverses, sub-properties, chains or restrictions (the property is nobody's object)."""
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILTIN_ANNOTATIONS
    referenced = set(ontology.objects())
    simple = {}
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for p in ontology.subjects(RDF.type, kind):
            axioms = [(q, o) for q, o in ontology.predicate_objects(p) if q not in annotation]
            if p not in referenced and all(q in (RDFS.domain, RDFS.range) or (q, o) == (RDF.type, kind)
                                           for q, o in axioms):
                simple[p] = (kind, set(ontology.objects(p, RDFS.domain)), set(ontology.objects(p, RDFS.range)))
    return simple


def _has_class(ontology: Graph, closure: set, cls) -> bool:
    """Whether an individual of the classes ``closure`` (superclasses included) is a ``cls`` (a named class or
    an ``owl:unionOf``)."""
    if isinstance(cls, BNode):
        members = ontology.value(cls, OWL.unionOf)
        return members is not None and any(m in closure for m in ontology.items(members))
    return cls in closure


def prune(merged, ontology: Graph) -> Graph:
    """``merged`` (triples of the ontology plus data) without what cannot change HermiT's verdict or the kept
    inferences:
    annotation assertions, Web Annotation plumbing (nodes typed only with ``oa:`` classes, and links to them),
    and values of :func:`_simple_properties` whose domain and range their subject and object already have by
    their asserted types (data values only when plain strings, which cannot be ill-typed)."""
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | _BUILTIN_ANNOTATIONS
    supers = _superclasses(ontology)
    terms = set(ontology.subjects())
    types: dict = {}
    for s, p, o in merged:
        if p == RDF.type and s not in terms:
            types.setdefault(s, set()).add(o)
    plumbing = {s for s, ts in types.items() if all(str(t).startswith(_OA) for t in ts)}
    closure = {s: set().union(*(supers.get(t, {t}) for t in ts)) for s, ts in types.items()}
    simple = _simple_properties(ontology)

    def redundant(s, p, o) -> bool:
        kind, domains, ranges = simple[p]
        if not all(_has_class(ontology, closure.get(s, set()), d) for d in domains):
            return False
        if kind == OWL.DatatypeProperty:
            return (isinstance(o, Literal) and o.datatype in _PLAIN_STRING and not o.language
                    and ranges <= {XSD.string, RDFS.Literal})
        return not isinstance(o, Literal) and all(_has_class(ontology, closure.get(o, set()), r) for r in ranges)

    pruned = Graph()
    pruned += (t for t in merged if not (t[1] in annotation or t[0] in plumbing or t[2] in plumbing
                                         or (t[1] in simple and t[0] not in terms and redundant(*t))))
    return pruned


def _used_individuals_only(ontology: Graph, data) -> list:
    """The ontology without the assertions about its own individuals (the SKOS concepts and schemes: the whole
    CAMEO codebook) that ``data`` never mentions. They cannot change a verdict about the data or a kept
    inference, and the ontology alone, all of them included, is checked by
    :func:`kg.reason.classification.ontology_check`; without them HermiT reads ~4,000 fewer triples."""
    individuals = set(ontology.subjects(RDF.type, OWL.NamedIndividual))
    used = {node for s, _, o in data for node in (s, o)}
    unused = individuals - used
    return [t for t in ontology if t[0] not in unused and t[2] not in unused]


def hermit_conclusions(output: str) -> Graph:
    """Every type and object property value HermiT's command line states in ``output`` (its ``-I`` and ``-Y``)."""
    found = Graph()
    for individual, cls in _TYPE_LINE.findall(output):
        found.add((URIRef(individual), RDF.type, URIRef(cls)))
    for prop, known in _VALUES_LINE.findall(output):
        for a, b in _PAIR.findall(known):
            found.add((URIRef(a), URIRef(prop), URIRef(b)))
    return found


def _entailed(output: str) -> Graph:
    """The types and object property values in HermiT's output that :func:`_keep` keeps."""
    entailed = hermit_conclusions(output)
    for triple in [t for t in entailed if not _keep(t)]:
        entailed.remove(triple)
    return entailed


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

    >>> from kg.check.ontology import load_ontology
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


def _completion(graphs: tuple[Graph, ...], ontology: Graph) -> Graph:
    """What HermiT's output leaves out but the union of ``graphs`` entails: inverse, symmetric and super-property
    values (HermiT's command line prints each property's own values only, not those of its sub-properties), to a
    fixpoint since each can feed the others, and named fp: superclass types."""
    extra = Graph()
    inverses: dict = {}
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverses.setdefault(p, set()).add(q)
        inverses.setdefault(q, set()).add(p)
    for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
        inverses.setdefault(p, set()).add(p)
    super_properties = {p: set(ontology.transitive_objects(p, RDFS.subPropertyOf)) - {p}
                        for p in set(ontology.subjects(RDFS.subPropertyOf, None))}
    supers = _superclasses(ontology)
    frontier = [(s, p, o) for graph in graphs for p in inverses.keys() | super_properties.keys()
                for s, o in graph.subject_objects(p) if isinstance(o, URIRef)]
    while frontier:
        derived = [(o, q, s) for s, p, o in frontier for q in inverses.get(p, ())]
        derived += [(s, q, o) for s, p, o in frontier for q in super_properties.get(p, ())]
        frontier = [t for t in dict.fromkeys(derived) if t not in extra]
        for triple in frontier:
            extra.add(triple)
    for graph in graphs:
        for s, t in graph.subject_objects(RDF.type):
            for sup in supers.get(t, ()):
                extra.add((s, RDF.type, sup))
    return extra


def _keep(triple) -> bool:
    """Only types and object-property values of fpr: resources: HermiT is asked for no data values."""
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
    started = time.perf_counter()
    ontology = load_ontology() if ontology is None else ontology
    if hasattr(data, "quads"):
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        data = union
    kept, skipped = _usable(data, ontology)
    note = (f"{skipped} data triple(s) not given to the reasoner (reification, xsd:date/gYear/gYearMonth "
            f"literals, or terms the ontology does not declare)" if skipped else "")
    output = run_hermit(prune([*_used_individuals_only(ontology, kept), *kept], ontology)
                        .serialize(format="nt", encoding="utf-8"))
    if output is None:
        why = explain_clash(data, ontology) or "HermiT gave no detail and no disjoint types were found"
        return ReasoningResult(consistent=False, explanation=f"inconsistent: {why}",
                               seconds=time.perf_counter() - started)
    entailed = _entailed(output)
    entailed += _completion((entailed, data), ontology)
    inferred = Graph()
    for prefix, ns in PREFIXES.items():
        inferred.bind(prefix, ns)
    for triple in entailed:
        if _keep(triple) and triple not in data:
            inferred.add(triple)
    return ReasoningResult(consistent=True, inferred=inferred, explanation=note,
                           seconds=time.perf_counter() - started)
