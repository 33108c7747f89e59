"""Data-driven SHACL tests: every fixture under fixtures/shapes/<shape>/ is validated together with base.ttl.

``valid*.ttl`` must conform; ``invalid-*.ttl`` must fail with a violation from ``fp:<shape>`` whose message
contains the fragment on the fixture's first line (``# expect: ...``).
"""

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from kg.rdf.namespaces import SH
from kg.check.ontology import load_shapes
from kg.check.shacl import validate_graph

FIXTURES = Path(__file__).parent / "fixtures"
SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*/*.ttl"))


def _with_base(fixture: Path) -> Graph:
    graph = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    return graph.parse(fixture, format="turtle")


def _expected(fixture: Path) -> str:
    first = fixture.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{fixture} lacks its '# expect:' line"
    return first[len("# expect: "):]


def test_base_fixture_conforms():
    """The shared base graph, which holds one instance of every checked class, conforms to the shapes."""
    result = validate_graph(Graph().parse(FIXTURES / "base.ttl", format="turtle"))
    assert result.conforms, "\n".join(map(str, result.violations))


@pytest.mark.parametrize("fixture", [f for f in SHAPE_FIXTURES if f.stem.startswith("valid")],
                         ids=lambda f: f"{f.parent.name}/{f.stem}")
def test_valid_fixture_conforms(fixture):
    """A valid fixture, added to the base graph, produces no SHACL result at all."""
    result = validate_graph(_with_base(fixture))
    assert result.conforms, "\n".join(map(str, result.violations))
    assert result.violations == []


@pytest.mark.parametrize("fixture", [f for f in SHAPE_FIXTURES if f.stem.startswith("invalid")],
                         ids=lambda f: f"{f.parent.name}/{f.stem}")
def test_invalid_fixture_fails_with_expected_message(fixture):
    """An invalid fixture fails, and the expected shape reports the expected human message."""
    result = validate_graph(_with_base(fixture))
    assert not result.conforms
    rule = f"fp:{fixture.parent.name}"
    messages = [v.message for v in result.violations if v.rule == rule]
    assert any(_expected(fixture) in m for m in messages), (
        f"expected {_expected(fixture)!r} from {rule}; got:\n" + "\n".join(map(str, result.violations)))


def test_every_targeted_shape_has_a_valid_and_an_invalid_fixture():
    """Each node shape with a target has a fixture folder with at least one valid and one invalid file."""
    shapes = load_shapes()
    targeted = {str(s).split("#")[-1] for s in shapes.subjects(RDF.type, SH.NodeShape)
                if (s, SH.targetClass, None) in shapes or (s, SH.targetSubjectsOf, None) in shapes}
    assert len(targeted) >= 25
    for name in sorted(targeted):
        stems = [f.stem for f in (FIXTURES / "shapes" / name).glob("*.ttl")]
        assert any(s.startswith("valid") for s in stems), f"{name}: no valid fixture"
        assert any(s.startswith("invalid") for s in stems), f"{name}: no invalid fixture"


def test_shapes_pass_shacl_shacl():
    """The shapes graph conforms to the SHACL-SHACL meta-shapes (pySHACL meta_shacl)."""
    shapes = load_shapes()
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=shapes, meta_shacl=True, inference="none")
    assert conforms, text


def test_every_shape_and_property_shape_has_a_message():
    """Every node shape and every property shape carries a human sh:message."""
    shapes = load_shapes()
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.objects(None, SH.property))
    missing = [n for n in nodes if shapes.value(n, SH.message) is None]
    assert not missing, missing


def test_shapes_use_no_sparql_constraints():
    """The shapes stay within SHACL Core: no sh:sparql constraints or targets."""
    shapes = load_shapes()
    assert not list(shapes.subject_objects(SH.sparql)) and not list(shapes.subjects(RDF.type, SH.SPARQLTarget))


def test_violation_reads_as_one_plain_line_with_origin():
    """A violation on a node with a known origin prints as 'file:line: <node> path: message [shape]'."""
    data = _with_base(FIXTURES / "shapes" / "ClaimShape" / "invalid-no-view.ttl")
    node = "https://w3id.org/fpkg/resource/t/claim/c1"
    result = validate_graph(data, origins={node: ("seeds/x.yaml", 42)})
    line = next(str(v) for v in result.violations if v.path == "fp:viewOf")
    assert line == (f"seeds/x.yaml:42: <{node}> fp:viewOf: A claim must name whose view it reports, "
                    "at least one fp:Actor (fp:viewOf) [fp:ClaimShape]")


def test_sh_class_sees_subclasses_without_inference():
    """sh:class fp:PolicyAction accepts a fp:Summit through rdfs:subClassOf of the mixed-in ontology."""
    data = _with_base(FIXTURES / "shapes" / "ConcernShape" / "valid.ttl")
    data.parse(data="""@prefix fp: <https://w3id.org/fpkg/ontology#> .
        <https://w3id.org/fpkg/resource/t/concern/presence>
            fp:causedBy <https://w3id.org/fpkg/resource/t/event/xi-kim-summit> .""", format="turtle")
    assert validate_graph(data).conforms


def test_range_axioms_do_not_mask_class_violations():
    """Without RDFS inference, a range axiom (fp:causedBy -> fp:PolicyAction) does not make a state pass."""
    data = _with_base(FIXTURES / "shapes" / "ConcernShape" / "invalid-caused-by-state.ttl")
    assert any(v.path == "fp:causedBy" for v in validate_graph(data).violations)


def test_dataset_is_validated_as_union_of_its_graphs():
    """A Dataset whose named graphs together conform is accepted; its triples are not validated apart."""
    from rdflib import Dataset, URIRef
    whole = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    dataset = Dataset()
    first, second = dataset.graph(URIRef("urn:g:1")), dataset.graph(URIRef("urn:g:2"))
    for i, triple in enumerate(sorted(whole)):
        (first if i % 2 else second).add(triple)
    assert validate_graph(dataset).conforms


def test_a_soft_rule_is_a_warning_not_an_error():
    """A state with no ISO code gives a result of severity Warning: SHACL says it does not conform, but the result
    is among the warnings, not the errors that refuse data."""
    result = validate_graph(_with_base(FIXTURES / "shapes" / "StateShape" / "invalid-warning-no-iso-code.ttl"))
    assert not result.conforms and result.errors == []
    assert [(v.rule, v.severity, v.node) for v in result.warnings] == [
        ("fp:StateShape", "Warning", "<https://w3id.org/fpkg/resource/Kosovo>")]


@pytest.mark.parametrize("good, typo, hint", [
    ("fpk:Deteriorating", "fpk:Deterioratng",
     "(allowed: fpk:Deteriorating, fpk:Improving, fpk:Strengthening, fpk:Weakening)"),
    ("fpk:RegionalStability", "fpk:RegionalStabilty", "(the ontology has fpk:Denuclearization, "),
])
def test_a_concept_outside_its_scheme_is_reported_with_the_allowed_ones(good, typo, hint):
    """RDF naming a concept that is not in the property's scheme gets the scheme's concepts in the message (with
    the note that an article may add its own when the scheme is open), as the annotation reader's did-you-mean."""
    text = (FIXTURES / "base.ttl").read_text(encoding="utf-8")
    assert good in text
    result = validate_graph(Graph().parse(data=text.replace(good, typo, 1), format="turtle"))
    assert any(hint in v.message for v in result.errors), "\n".join(map(str, result.violations))
