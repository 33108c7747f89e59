"""The ontology does not bend vocabularies it does not own (PROV-O, Web Annotation, ORG, SKOS, Dublin Core, ...).

About a term of another vocabulary, the ontology files (all but shapes.ttl) may only declare it (``prov:Entity a
owl:Class``, so the ontology stays OWL 2 DL without importing it), restate an axiom its owner states (listed in
:data:`OWNERS_AXIOMS` with where the owner says so), or mark it with one of our own annotation properties for the
loader (``org:Membership fp:iriSegment "membership"``: no logical meaning). Our terms may point up to external ones
(``fp:PolicyAction rdfs:subClassOf prov:Activity``, ``fp:assertedBy rdfs:subPropertyOf prov:wasAttributedTo``) and
use them in their own domains and ranges. Nothing may add a domain, range, inverse, characteristic,
super-class or -property, disjointness or equivalence to an external term, or make it a subclass of ours: every
other tool reading our data with our ontology would then draw conclusions about that vocabulary's own data
(``fp:hasTextAnchor owl:inverseOf oa:hasBody`` made every body of every Web Annotation an ``fp:Claim``).
"""

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.rdf.namespaces import OA, ORG, PREFIXES
from kg.resources import ontology_dir

OWN = "https://w3id.org/fpkg/"
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
DECLARATIONS = frozenset({OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                          OWL.NamedIndividual})

#: Axioms about external terms that their owners state themselves, restated so that reasoners and SHACL (which
#: sees the ontology's rdfs:subClassOf) know them without importing the vocabularies.
OWNERS_AXIOMS = {
    (PROV.Person, RDFS.subClassOf, PROV.Agent): "PROV-O, W3C Recommendation 30 April 2013, prov:Person",
    (PROV.Organization, RDFS.subClassOf, PROV.Agent): "PROV-O, W3C Recommendation 30 April 2013, prov:Organization",
    (PROV.SoftwareAgent, RDFS.subClassOf, PROV.Agent): "PROV-O, W3C Recommendation 30 April 2013, "
                                                       "prov:SoftwareAgent",
    (OA.Motivation, RDFS.subClassOf, SKOS.Concept): "Web Annotation Vocabulary, W3C Recommendation 23 February "
                                                    "2017, section 3.1 oa:Motivation",
    (OA.identifying, RDF.type, OA.Motivation): "Web Annotation Vocabulary, W3C Recommendation 23 February 2017, "
                                               "section 3.4 oa:identifying",
    (ORG.Role, RDFS.subClassOf, SKOS.Concept): "The Organization Ontology, W3C Recommendation 16 January 2014, "
                                               "org:Role",
    (ORG.role, RDFS.range, ORG.Role): "The Organization Ontology, W3C Recommendation 16 January 2014, org:role",
}

#: Predicates that say something about their object as much as about their subject.
BOTH_WAYS = frozenset({OWL.inverseOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.disjointWith,
                       OWL.propertyDisjointWith, OWL.complementOf, OWL.sameAs, OWL.differentFrom})
#: Axioms on a list of terms that constrain every member.
LIST_AXIOMS = {(RDF.type, OWL.AllDisjointClasses): OWL.members, (RDF.type, OWL.AllDisjointProperties): OWL.members,
               (RDF.type, OWL.AllDifferent): OWL.distinctMembers}

ONTOLOGY_FILES = sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def external(term) -> bool:
    """Whether ``term`` is an IRI of a vocabulary we do not own (RDF, RDFS, OWL and XSD are the language)."""
    return isinstance(term, URIRef) and not str(term).startswith((OWN, *BUILT_IN))


def short(graph: Graph, term) -> str:
    if isinstance(term, BNode):
        members = graph.value(term, OWL.unionOf) or graph.value(term, OWL.intersectionOf)
        return f"[ {' '.join(short(graph, m) for m in Collection(graph, members))} ]" if members else "[]"
    for prefix, ns in PREFIXES.items():
        if isinstance(term, URIRef) and str(term).startswith(str(ns)) and prefix:
            return f"{prefix}:{str(term)[len(str(ns)):]}"
    return term.n3()


def mentions_external(graph: Graph, node, seen=None) -> bool:
    """Whether a class or property expression (a blank node and what hangs off it) names an external term."""
    if not isinstance(node, BNode):
        return external(node)
    seen = set() if seen is None else seen
    if node in seen:
        return False
    seen.add(node)
    return any(mentions_external(graph, o, seen) for _, o in graph.predicate_objects(node))


def bending_axioms(graph: Graph) -> list[str]:
    """The triples of ``graph`` that bend an external term, each as ``subject predicate object``."""
    own_annotations = {p for p in graph.subjects(RDF.type, OWL.AnnotationProperty) if str(p).startswith(OWN)}
    found = []
    for s, p, o in sorted(graph, key=str):
        if external(s):
            allowed = ((p == RDF.type and o in DECLARATIONS) or p in own_annotations or (s, p, o) in OWNERS_AXIOMS)
        elif p in BOTH_WAYS:  # fp:x owl:inverseOf oa:y, fp:X owl:equivalentClass [ owl:unionOf (prov:Y ...) ]
            allowed = not mentions_external(graph, o) or (s, p, o) in OWNERS_AXIOMS
        elif isinstance(s, BNode) and p == RDFS.subClassOf:  # a general class axiom: [ ... prov:Y ... ] ⊑ fp:X
            allowed = not mentions_external(graph, s)
        elif (p, o) in LIST_AXIOMS:
            members = list(Collection(graph, graph.value(s, LIST_AXIOMS[(p, o)])))
            allowed = not any(external(m) for m in members)
            if not allowed:
                found.append(f"[ {short(graph, p)} {short(graph, o)} ; {short(graph, LIST_AXIOMS[(p, o)])} "
                             f"( {' '.join(short(graph, m) for m in members)} ) ]")
                continue
        elif p == OWL.disjointUnionOf:  # fp:X owl:disjointUnionOf ( prov:Y ... ) makes prov:Y a subclass of ours
            allowed = not any(external(m) for m in Collection(graph, o))
        else:
            allowed = True
        if not allowed:
            found.append(f"{short(graph, s)} {short(graph, p)} {short(graph, o)}")
    return found


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_no_axiom_bends_an_external_term(path: Path):
    """No ontology file adds a domain, range, inverse, characteristic, hierarchy, disjointness or equivalence to
    a term it does not own; the offending triples are listed."""
    assert bending_axioms(Graph().parse(path, format="turtle")) == []


def merged_ontology() -> Graph:
    merged = Graph()
    for path in ONTOLOGY_FILES:
        merged.parse(path, format="turtle")
    return merged


def test_restated_owner_axioms_are_in_the_ontology():
    """Every axiom allowed as the owner's own is really restated by the ontology (the list stays the true one)."""
    merged = merged_ontology()
    assert [t for t in OWNERS_AXIOMS if t not in merged] == []


PREFIX_LINES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items() if p)


def with_axiom(turtle: str) -> Graph:
    """A small ontology graph (one of our annotation properties declared) plus the Turtle ``turtle``."""
    return Graph().parse(data=PREFIX_LINES + "fp:iriSegment a owl:AnnotationProperty .\n" + turtle, format="turtle")


@pytest.mark.parametrize("turtle,offending", [
    ("fp:hasTextAnchor owl:inverseOf oa:hasBody .", "fp:hasTextAnchor owl:inverseOf oa:hasBody"),
    ("oa:hasBody owl:inverseOf fp:hasTextAnchor .", "oa:hasBody owl:inverseOf fp:hasTextAnchor"),
    ("prov:wasAttributedTo rdfs:domain fp:Claim .", "prov:wasAttributedTo rdfs:domain fp:Claim"),
    ("oa:hasTarget rdfs:range oa:SpecificResource .", "oa:hasTarget rdfs:range oa:SpecificResource"),
    ("prov:wasAttributedTo a owl:FunctionalProperty .", "prov:wasAttributedTo rdf:type owl:FunctionalProperty"),
    ("prov:Entity rdfs:subClassOf fp:Claim .", "prov:Entity rdfs:subClassOf fp:Claim"),
    ("prov:used rdfs:subPropertyOf fp:about .", "prov:used rdfs:subPropertyOf fp:about"),
    ("fp:Claim owl:disjointWith oa:Annotation .", "fp:Claim owl:disjointWith oa:Annotation"),
    ("[] a owl:AllDisjointClasses ; owl:members ( fp:Claim prov:Activity ) .",
     "[ rdf:type owl:AllDisjointClasses ; owl:members ( fp:Claim prov:Activity ) ]"),
    ("fp:Claim owl:equivalentClass prov:Entity .", "fp:Claim owl:equivalentClass prov:Entity"),
    ("fp:Event owl:equivalentClass [ a owl:Class ; owl:unionOf ( fp:Celebration prov:Activity ) ] .",
     "fp:Event owl:equivalentClass [ fp:Celebration prov:Activity ]"),
    ("fp:viewOf owl:equivalentProperty prov:wasAttributedTo .",
     "fp:viewOf owl:equivalentProperty prov:wasAttributedTo"),
    ("prov:Entity rdfs:label \"entity\"@en .", "prov:Entity rdfs:label"),
], ids=["inverse-of-external", "external-inverse-of-ours", "domain", "range", "characteristic",
        "external-under-ours", "external-subproperty", "disjoint", "all-disjoint", "equivalent-class",
        "equivalent-union", "equivalent-property", "relabelled"])
def test_each_kind_of_bending_is_reported_with_its_triple(turtle, offending):
    """Given an axiom that bends an external term, the check reports that triple."""
    found = bending_axioms(with_axiom(turtle))
    assert any(line.startswith(offending) for line in found), found


@pytest.mark.parametrize("turtle", [
    "fp:Broken a owl:Class ; rdfs:subClassOf prov:Activity .",
    "fp:broken a owl:ObjectProperty ; rdfs:subPropertyOf prov:wasAttributedTo ; rdfs:domain prov:Entity ; "
    "rdfs:range oa:Annotation .",
    "prov:Plan a owl:Class .",
    "oa:commenting a owl:NamedIndividual .",
    "prov:Plan fp:iriSegment \"plan\" .",
], ids=["our-class-under-external", "our-property-over-external-terms", "declaration", "individual",
        "our-annotation"])
def test_what_the_policy_allows_is_not_reported(turtle):
    """Our terms pointing up to external ones, declarations and our own annotations are not reported."""
    assert bending_axioms(with_axiom(turtle)) == []


def test_every_reused_external_term_is_listed_with_why_in_the_readme():
    """Every external term the ontology declares is named, as `prefix:name`, in ontology/README.md's table of
    reused terms (with why it is reused), and every owner's axiom restated is named there too."""
    readme = (ontology_dir() / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Reused external terms and why"):readme.index("## New terms and why")]
    merged = merged_ontology()
    declared = {s for kind in DECLARATIONS for s in merged.subjects(RDF.type, kind) if external(s)}
    assert declared and sorted(t for t in (short(merged, s) for s in declared) if f"`{t}`" not in table) == []
    assert all(f"`{short(merged, s)}`" in table for s, _, _ in OWNERS_AXIOMS)
