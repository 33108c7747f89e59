"""Rules derived from the ontology's axioms (kg.reason.rules) against HermiT (kg.reason.reasoning) on real inputs, no mocks."""

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import InconsistencyError, KgError
from kg.rdf.namespaces import FP, FPR, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.reason.reasoning import reason
from kg.reason.classification import ontology_check
from kg.reason.axioms import HANDLED, IGNORED, unhandled_axioms
from kg.reason.rules import infer
from kg.pipeline.articles import load_articles, union
from kg.check.ontology import load_ontology

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
CONSISTENT = [FIXTURES / "base.ttl", FIXTURES / "reasoning" / "chains.ttl",
              *sorted((FIXTURES / "rules").glob("[!c]*.ttl"))]
CONTRADICTORY = [*sorted((FIXTURES / "reasoning").glob("contradictory-*.ttl")),
                 *sorted((FIXTURES / "rules").glob("contradictory-*.ttl"))]
SEED = REPO / "seeds" / "mibae-2018-china-north-korea.yaml"
PREFIXES = """@prefix fp: <https://w3id.org/fpkg/ontology#> . @prefix fpr: <https://w3id.org/fpkg/resource/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _store(graph: Graph, graph_name: str = "https://w3id.org/fpkg/graph/test/assertions") -> ox.Store:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(graph_name))
    return store


def _dataset_store(*datasets) -> ox.Store:
    """A store with every named graph of the rdflib ``datasets``."""
    store = ox.Store()
    for dataset in datasets:
        for graph in dataset.graphs():
            if len(graph):
                store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES,
                           to_graph=ox.NamedNode(str(graph.identifier)))
    return store


def _triples(quads) -> set:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in quads}


def _hermit(data: Graph, ontology: Graph | None = None):
    """HermiT's verdict and inferred triples, plus the super-property values its output leaves out.

    HermiT's command line (``-Y``, HierarchyDumperFSS.printInferredProperties) prints each property's own known
    values, not those of its sub-properties: ``fp:leaderOf`` is not listed for a ``fp:headOfStateOf`` although
    it is entailed, and kg.reason.reasoning's completion adds inverses and symmetry but not super-properties. Those values
    are added here from the asserted rdfs:subPropertyOf axioms.
    """
    ontology = load_ontology() if ontology is None else ontology
    result = reason(data, ontology)
    inferred = {tuple(str(t) for t in triple) for triple in result.inferred}
    if result.consistent:
        for sub in set(ontology.subjects(RDFS.subPropertyOf)):
            for sup in ontology.transitive_objects(sub, RDFS.subPropertyOf):
                if sup != sub and str(sup).startswith(str(FP)):
                    for s, o in data.subject_objects(sub):
                        if str(s).startswith(str(FPR)) and (s, sup, o) not in data:
                            inferred.add((str(s), str(sup), str(o)))
    return result, inferred


def _agree(data: Graph, store: ox.Store) -> tuple:
    hermit, expected = _hermit(data)
    rules = infer(store)
    assert rules.consistent == hermit.consistent, (hermit.explanation, rules.explanation)
    assert _triples(rules.inferred) == expected
    return hermit, rules


@pytest.fixture(scope="module")
def seed():
    article = load_articles([SEED])[0]
    return union(article.dataset), _dataset_store(article.dataset)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--articles", "6", "--mode", "yaml",
                    "--out", str(out)], check=True, capture_output=True)
    datasets = [a.dataset for a in load_articles(sorted(out.rglob("*.yaml")))]
    return union(*datasets), _dataset_store(*datasets)


def test_seed_article_gives_what_hermit_gives(seed):
    """On the seed article the rules find it consistent and infer exactly HermiT's triples."""
    data, store = seed
    hermit, rules = _agree(data, store)
    assert rules.consistent and len(hermit.inferred) >= 160
    predicates = {q.predicate.value for q in rules.inferred} | {q.object.value for q in rules.inferred
                                                                 if q.predicate.value == str(RDF.type)}
    for term in ("hasView", "linkedToActionsOf", "interestOf", "concernOf", "higherPriorityIn", "alliedWith",
                 "locatedIn", "partOf", "Actor", "PolicyAction", "Place", "Event"):
        assert str(FP[term]) in predicates, term


def test_synthetic_articles_give_what_hermit_gives(synthetic):
    """On six generated articles (about 10k triples) the rules infer exactly HermiT's triples."""
    data, store = synthetic
    _, rules = _agree(data, store)
    assert rules.consistent and len(rules.inferred) > 500


@pytest.mark.parametrize("fixture", CONSISTENT, ids=lambda f: f.stem)
def test_consistent_fixture_gives_what_hermit_gives(fixture):
    """Each consistent fixture (chains, inverses, equality, unions, literal values) infers exactly HermiT's triples."""
    data = Graph().parse(fixture, format="turtle")
    _, rules = _agree(data, _store(data))
    assert rules.consistent and rules.inferred and rules.explanation == ""


@pytest.mark.parametrize("fixture", CONTRADICTORY, ids=lambda f: f.stem)
def test_contradictory_fixture_is_inconsistent_for_both(fixture):
    """Each contradictory fixture is inconsistent for HermiT and for the rules, which name the clash."""
    expected = fixture.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    data = Graph().parse(fixture, format="turtle")
    hermit, rules = _agree(data, _store(data))
    assert not rules.consistent and rules.inferred == []
    assert expected in rules.explanation, rules.explanation
    assert rules.explanation.startswith("inconsistent: ")
    if fixture.parent.name == "reasoning":  # the clashes explain_clash can name are worded the same
        assert rules.explanation == hermit.explanation


def test_ill_typed_literal_is_a_clash_where_hermit_refuses_the_input():
    """A literal not valid for its datatype makes the rules report a clash; HermiT rejects the input outright."""
    data = Graph().parse(data=PREFIXES + 'fpr:c a fp:Concern ; fp:concernRank "first"^^xsd:positiveInteger .',
                         format="turtle")
    rules = infer(_store(data))
    assert not rules.consistent
    assert 'fpr:c has fp:concernRank "first"^^xsd:positiveInteger, not a valid xsd:positiveInteger' in rules.explanation
    with pytest.raises(KgError, match="HermiT failed"):
        reason(data)


def test_graphs_of_the_store_count_except_ontology_and_inferred():
    """Triples in the default and named graphs are data; fpg:ontology and fpg:inferred are neither data nor asserted."""
    store = ox.Store()
    data = Graph().parse(data=PREFIXES + "fpr:China a fp:State . fpr:China fp:hasConcern fpr:refugees .",
                         format="turtle")
    store.load(data.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)  # the default graph
    stale = (PREFIXES + "fpr:China a fp:Person . fpr:refugees fp:concernOf fpr:China .").encode()
    for graph in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
        store.load(stale, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(graph)))
    result = infer(store)
    assert result.consistent, result.explanation
    assert (str(FPR.refugees), str(FP.concernOf), str(FPR.China)) in _triples(result.inferred)
    assert all(q.graph_name == ox.DefaultGraph() for q in result.inferred)


def test_inferred_triples_have_no_noise(seed):
    """Only new fp: types and fp: property values of fpr: individuals: no literals, owl: classes or x p x."""
    data, store = seed
    asserted = {tuple(str(t) for t in triple) for triple in data}
    for s, p, o in _triples(infer(store).inferred):
        assert s.startswith(str(FPR)) and s != o and (s, p, o) not in asserted
        assert p.startswith(str(FP)) or (p == str(RDF.type) and o.startswith(str(FP)))


def test_every_axiom_of_the_ontology_is_handled_or_deliberately_ignored():
    """Every triple of the ontology is of a kind the rules handle (HANDLED) or ignore (IGNORED): none is left out."""
    ontology = load_ontology()
    assert unhandled_axioms(ontology) == []
    schema = {str(p) for p in ontology.predicates() if str(p).startswith((str(RDFS), str(OWL)))}
    schema |= {str(o) for o in ontology.objects(None, RDF.type) if str(o).startswith(str(OWL))}
    named = {f"{'rdfs' if term.startswith(str(RDFS)) else 'owl'}:{term.rsplit('#', 1)[1]}" for term in schema}
    plumbing = {"owl:Class", "owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty", "owl:Ontology",
                "owl:NamedIndividual", "owl:versionIRI", "owl:versionInfo", "owl:members", "owl:unionOf",
                "rdfs:label", "rdfs:comment", "rdfs:isDefinedBy", "rdfs:seeAlso", "owl:deprecated", "owl:priorVersion"}
    assert named - plumbing <= set(HANDLED), named - plumbing - set(HANDLED)
    assert "declarations" in IGNORED and "annotations" in IGNORED


NEW_AXIOMS = {
    "asymmetric": "fp:partOf a owl:AsymmetricProperty .",
    "restriction": "fp:Alliance rdfs:subClassOf [ a owl:Restriction ; owl:onProperty fp:hasParty ; "
                   "owl:minCardinality 2 ] .",
    "equivalent-property": "fp:hasView owl:equivalentProperty fp:interestOf .",
    "intersection-domain": "fp:deploys rdfs:domain [ a owl:Class ; owl:intersectionOf ( fp:Sanction fp:Signal ) ] .",
    "data-subproperty": "fp:sha256 rdfs:subPropertyOf fp:sourceFile .",
    "datatype-restriction": "fp:concernRank rdfs:range [ a rdfs:Datatype ; owl:onDatatype xsd:integer ; "
                            "owl:withRestrictions ( [ xsd:maxInclusive 5 ] ) ] .",
}


@pytest.mark.parametrize("axiom", NEW_AXIOMS.values(), ids=NEW_AXIOMS.keys())
def test_an_axiom_of_a_kind_not_handled_is_refused(axiom):
    """An ontology gaining an axiom the rules do not handle is listed by unhandled_axioms and refused by infer."""
    ontology = Graph()
    ontology += load_ontology()
    ontology.parse(data=PREFIXES + axiom, format="turtle")
    assert unhandled_axioms(ontology)
    with pytest.raises(KgError, match="axioms the rules do not handle"):
        infer(ox.Store(), ontology)


@pytest.fixture
def cache(tmp_path, use_settings):
    use_settings(cache_dir=tmp_path, cache=True)
    return tmp_path / "ontology-check"


def test_ontology_check_is_cached_by_the_ontology_files(cache):
    """HermiT classifies the ontology once; the hierarchy is then read from a small JSON named by its hash."""
    first = ontology_check()
    files = list(cache.glob("*"))
    assert not first.cached and len(files) == 1
    assert json.loads(files[0].read_bytes().partition(b"\n")[2])["superclasses"][str(FP.Summit)]  # after its checksum
    second = ontology_check()
    assert second.cached
    assert second.superclasses == first.superclasses and second.unsatisfiable == first.unsatisfiable == set()
    assert {str(FP.DiplomaticMeeting), str(FP.PolicyAction), str(FP.Event), "http://www.w3.org/ns/prov#Activity"
            } <= first.superclasses[str(FP.Summit)]
    assert [p.name for p in cache.iterdir()] == [files[0].name]  # no temporary file left


def test_ontology_check_cache_can_be_turned_off(cache, use_settings):
    """With the cache off (KG_CACHE=0) HermiT runs every time and nothing is written."""
    use_settings(cache=False)
    assert not ontology_check().cached
    assert not ontology_check().cached
    assert not cache.exists()


def test_inconsistent_ontology_is_raised():
    """An ontology HermiT finds inconsistent by itself raises InconsistencyError naming the clash."""
    ontology = Graph()
    ontology += load_ontology()
    ontology.parse(data=PREFIXES + "<https://w3id.org/fpkg/kinds/Odd> a owl:NamedIndividual, fp:State, fp:Person .",
                   format="turtle")
    with pytest.raises(InconsistencyError) as raised:
        ontology_check(ontology)
    assert any("is both fp:Person and fp:State" in str(v) for v in raised.value.violations)


def test_classification_comes_from_hermit_not_only_from_subclass_triples():
    """Superclasses through owl:equivalentClass and classes HermiT finds empty are applied to the data."""
    ontology = Graph()
    ontology += load_ontology()
    ontology.parse(data=PREFIXES + """
        fp:Collective a owl:Class ; owl:equivalentClass fp:Group .
        fp:Panel a owl:Class ; rdfs:subClassOf fp:Collective .
        fp:Statesman a owl:Class ; rdfs:subClassOf fp:State , fp:Person .""", format="turtle")
    panel = infer(_store(Graph().parse(data=PREFIXES + "fpr:experts a fp:Panel .", format="turtle")), ontology)
    assert {(str(FPR.experts), str(RDF.type), str(FP[c])) for c in ("Collective", "Group", "Actor")
            } <= _triples(panel.inferred)
    data = Graph().parse(data=PREFIXES + "fpr:x a fp:Statesman .", format="turtle")
    statesman = infer(_store(data), ontology)
    assert not statesman.consistent and not reason(data, ontology).consistent
    assert "fpr:x is a fp:Statesman, a class that can have no member" in statesman.explanation


def test_twenty_thousand_individuals(synthetic_graph):
    """About 20,000 individuals (HermiT would take minutes) are reasoned over, consistent, every concern linked
    to the actions' actor (the time is measured by the benchmarks)."""
    data = synthetic_graph(20000)
    store = _store(data)
    result = infer(store)
    assert result.consistent, result.explanation
    linked = {(q.subject.value, q.object.value) for q in result.inferred if q.predicate.value == str(
        FP.linkedToActionsOf)}
    assert len(linked) == len(set(data.subjects(RDF.type, FP.Concern)))
