"""The ontology leaves other people's Web Annotations alone: with the W3C Web Annotation Data Model's own examples
(tests/ontology/fixtures/web-annotation/, each naming its example and licence) HermiT finds the ontology plus the
examples consistent and concludes nothing of ours about them (no fp: class, no fp: property value).

HermiT is the project's own run of it (:func:`kg.reason.hermit.run_hermit`), on the whole ontology and the
examples as they are: unlike a build's input, the Web Annotation nodes are not pruned, since they are what is
tested. The examples' blank nodes (textual bodies, targets, selectors) are skolemized so that HermiT names them in
its answer, and their terms the ontology does not declare are declared (a property with literal values as a data
property, any other as an object property, a type as a class), so the input stays OWL 2 DL.
"""

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from kg.check.ontology import load_ontology
from kg.rdf.namespaces import FP, OA
from kg.reason.hermit import run_hermit
from kg.reason.reasoning import hermit_conclusions

EXAMPLES = sorted((Path(__file__).parent / "fixtures" / "web-annotation").glob("example-*.ttl"))
_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def example(path: Path) -> Graph:
    """The example's triples, blank nodes made IRIs (skolemized with the file's name, so examples do not share)."""
    return Graph().parse(path, format="turtle").skolemize(basepath=f"https://example.invalid/{path.stem}/")


def declarations(data: Graph, ontology: Graph) -> Graph:
    """OWL declarations of the terms ``data`` uses that ``ontology`` does not declare."""
    declared = {s for kind in _KINDS for s in ontology.subjects(RDF.type, kind)}
    extra = Graph()
    for p in set(data.predicates()) - declared - {RDF.type}:
        literal = all(isinstance(o, Literal) for o in data.objects(None, p))
        extra.add((p, RDF.type, OWL.DatatypeProperty if literal else OWL.ObjectProperty))
    for c in set(data.objects(None, RDF.type)) - declared:
        extra.add((c, RDF.type, OWL.Class))
    return extra


def ours(term) -> bool:
    return str(term).startswith(str(FP))


@pytest.fixture(scope="module")
def reasoned() -> tuple[str | None, dict]:
    """HermiT's answer on the ontology plus all the examples, and each example's nodes."""
    ontology = load_ontology()
    data, nodes = Graph(), {}
    for path in EXAMPLES:
        one = example(path)
        data += one
        nodes[path.name] = {t for s, _, o in one for t in (s, o) if isinstance(t, URIRef)}
    merged = Graph()
    merged += ontology
    merged += declarations(data, ontology)
    merged += data
    return run_hermit(merged.serialize(format="nt", encoding="utf-8")), nodes


def test_the_examples_cover_bodies_and_selectors():
    """The fixtures hold a textual body, an external body, several bodies, a quote and a position selector."""
    data = Graph()
    for path in EXAMPLES:
        data.parse(path, format="turtle")
    for cls in ("TextualBody", "TextQuoteSelector", "TextPositionSelector", "SpecificResource"):
        assert (None, RDF.type, OA[cls]) in data, cls
    bodies = {a: set(data.objects(a, OA.hasBody)) for a in data.subjects(RDF.type, OA.Annotation)}
    assert max(len(b) for b in bodies.values()) >= 2
    assert any(isinstance(b, URIRef) and (b, RDF.type, None) not in data for bs in bodies.values() for b in bs)
    for path in EXAMPLES:
        assert "W3C Document License" in path.read_text(encoding="utf-8"), path.name


def test_ontology_and_web_annotation_examples_are_consistent(reasoned):
    """HermiT finds the ontology together with the W3C examples consistent, and its answer speaks of the examples'
    nodes (so that nothing said of them would go unseen)."""
    output, nodes = reasoned
    assert output is not None, "HermiT: the ontology plus the Web Annotation examples is inconsistent"
    about = {s for s in hermit_conclusions(output).subjects()}
    assert all(about & example_nodes for example_nodes in nodes.values())


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_nothing_of_ours_is_concluded_about_a_web_annotation_example(reasoned, name):
    """HermiT gives no node of the example an fp: class or an fp: property value (our ontology does not reclassify
    third-party annotations; with fp:hasTextAnchor owl:inverseOf oa:hasBody every body became an fp:Claim)."""
    output, nodes = reasoned
    assert output is not None
    leaked = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in hermit_conclusions(output)
                    if (s in nodes[name] or o in nodes[name]) and (ours(p) or (p == RDF.type and ours(o))))
    assert leaked == []
