"""HermiT on the ontology and data: consistency, clear inconsistency reports, inferences, pruned input."""

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.rdf.namespaces import FP, FPR
from kg.reason.reasoning import prune, reason, reasoner_input
from kg.check.ontology import load_ontology

FIXTURES = Path(__file__).parent / "fixtures"
CONTRADICTIONS = sorted((FIXTURES / "reasoning").glob("contradictory-*.ttl"))


def _r(path: str) -> URIRef:
    return FPR[path]


@pytest.fixture(scope="module")
def chains_result():
    data = Graph().parse(FIXTURES / "reasoning" / "chains.ttl", format="turtle")
    return data, reason(data)


def test_ontology_alone_is_consistent():
    """HermiT finds the ontology (with its concept schemes) consistent."""
    assert reason(Graph()).consistent


def test_valid_base_fixture_is_consistent_and_adds_only_new_triples():
    """The valid base fixture is consistent, and nothing in `inferred` was already asserted."""
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    result = reason(data)
    assert result.consistent, result.explanation
    assert len(result.inferred) > 0
    assert not [t for t in result.inferred if t in data]


@pytest.mark.parametrize("fixture", CONTRADICTIONS, ids=lambda f: f.stem)
def test_contradictory_fixture_is_reported_inconsistent_with_clear_message(fixture):
    """A contradictory fixture gives consistent=False and an explanation naming the clash."""
    expected = fixture.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    result = reason(Graph().parse(fixture, format="turtle"))
    assert not result.consistent
    assert expected in result.explanation, result.explanation
    assert len(result.inferred) == 0


def test_chain_derives_linked_to_actions_of(chains_result):
    """fp:linkedToActionsOf follows fp:causedBy then fp:hasActor, for every actor of every cause."""
    _, result = chains_result
    concern = _r("c/concern/refugees")
    linked = set(result.inferred.objects(concern, FP.linkedToActionsOf))
    assert linked == {FPR.UnitedStates, FPR.UNSecurityCouncil}


def test_priorities_give_transitive_prioritized_over(chains_result):
    """Each fp:Priority yields fp:prioritizedOver, and its transitive closure is added too."""
    _, result = chains_result
    stability = _r("c/interest/stability")
    assert set(result.inferred.objects(stability, FP.prioritizedOver)) == {
        _r("c/interest/denuclearization"), _r("c/interest/trade")}
    assert (_r("c/interest/denuclearization"), FP.prioritizedOver, _r("c/interest/trade")) in result.inferred


def test_inverses_symmetry_and_location_chain(chains_result):
    """Inverse (concernOf), symmetric (alliedWith) and locatedIn-along-partOf values are inferred."""
    _, result = chains_result
    assert (_r("c/concern/refugees"), FP.concernOf, FPR.China) in result.inferred
    assert (FPR.UnitedStates, FP.alliedWith, FPR.Japan) in result.inferred
    assert (FPR.EmbassyOfJapan, FP.locatedIn, FPR.UnitedStates) in result.inferred


def test_inferred_types_include_named_superclasses(chains_result):
    """A fp:Summit is inferred to be a fp:DiplomaticMeeting, fp:PolicyAction and fp:Event."""
    _, result = chains_result
    summit = _r("c/event/summit")
    types = set(result.inferred.objects(summit, RDF.type))
    assert {FP.DiplomaticMeeting, FP.PolicyAction, FP.Event} <= types


def test_inferred_graph_has_no_noise(chains_result):
    """No owl:Thing / owl:NamedIndividual types, no reflexive triples, no literals, only fp: terms on fpr: nodes."""
    _, result = chains_result
    for s, p, o in result.inferred:
        assert s != o and str(s).startswith(str(FPR))
        assert o not in (OWL.Thing, OWL.NamedIndividual)
        assert str(p).startswith(str(FP)) or (p == RDF.type and str(o).startswith(str(FP)))


def test_dates_and_reification_are_kept_from_the_reasoner():
    """xsd:date/gYear literals and rdf:Statement reification are left out of HermiT's input, and counted."""
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    merged, skipped = reasoner_input(data, load_ontology())
    assert skipped >= 7
    assert not [o for o in merged.objects(None, FP.date)]
    assert not list(merged.subjects(RDF.type, RDF.Statement))


def test_reasoning_over_500_individuals(synthetic_graph):
    """Ontology plus ~500 individuals is classified by HermiT, consistent, with every concern linked to the
    actions' actor (its time is measured by the benchmarks)."""
    data = synthetic_graph(500)
    result = reason(data)
    assert result.consistent, result.explanation
    assert len(set(result.inferred.subject_objects(FP.linkedToActionsOf))) == len(
        set(data.subjects(RDF.type, FP.Concern)))


def _prune_fixture() -> Graph:
    return Graph().parse(data="""
        @prefix fp: <https://w3id.org/fpkg/ontology#> .
        @prefix oa: <http://www.w3.org/ns/oa#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @base <https://w3id.org/fpkg/resource/> .
        <d/claim/a> a fp:Belief ; rdfs:label "a" ; fp:about <China> ; fp:statement "China worries." ;
            fp:hasTextAnchor <d/claim/a/anchor> .
        <d/claim/a/anchor> a oa:Annotation ; oa:hasBody <d/claim/a> ; oa:exact "worries" .
        <odd> fp:about <China> .
        <d/claim/a/odd-anchor> a oa:Annotation, fp:State .
        """, format="turtle")


def test_prune_leaves_out_annotations_plumbing_and_redundant_values():
    """Labels, oa:-only nodes with their links, and a typed claim's fp:about/fp:statement are not given to HermiT."""
    data = _prune_fixture()
    merged, _ = reasoner_input(data, load_ontology())
    pruned = prune(merged, load_ontology())
    claim, anchor = _r("d/claim/a"), _r("d/claim/a/anchor")
    assert not list(pruned.triples((None, RDFS.label, None)))
    assert not list(pruned.triples((anchor, None, None))) and not list(pruned.triples((None, None, anchor)))
    assert not list(pruned.triples((claim, FP.about, None))) and not list(pruned.triples((claim, FP.statement, None)))
    assert (claim, RDF.type, FP.Belief) in pruned
    assert len(pruned) < len(merged)


def test_prune_keeps_what_could_matter():
    """A value whose domain the subject lacks, and an annotation node typed with an fp: class, are kept."""
    data = _prune_fixture()
    pruned = prune(reasoner_input(data, load_ontology())[0], load_ontology())
    assert (_r("odd"), FP.about, FPR.China) in pruned
    assert (_r("d/claim/a/odd-anchor"), RDF.type, FP.State) in pruned
    assert (FP.hasConcern, RDF.type, OWL.ObjectProperty) in pruned


def test_pruned_input_still_finds_a_clash_on_an_annotated_claim():
    """A claim of two disjoint kinds is found inconsistent though its anchor and labels were pruned."""
    data = _prune_fixture()
    data.add((_r("d/claim/a"), RDF.type, FP.Recommendation))
    result = reason(data)
    assert not result.consistent
    assert "is both fp:Belief and fp:Recommendation" in result.explanation
