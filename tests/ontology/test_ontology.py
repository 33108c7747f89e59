"""The ontology files: they parse, declare every term of the shared spec, carry their header and pass the checks."""

import re
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg.rdf.namespaces import FP, FPG, FPK, PREFIXES, VANN
from kg.reason.reasoning import reason
from kg.check.ontology import check_ontology, load_ontology
from kg.resources import ontology_dir

ONTOLOGY_DIR = ontology_dir()
CHECKS_DIR = ONTOLOGY_DIR / "checks"

ONTOLOGY = URIRef("https://w3id.org/fpkg/ontology")
QUERIES = sorted((ONTOLOGY_DIR / "queries").glob("cq*.rq"))
FIXTURES = Path(__file__).parent / "fixtures"

SPEC_CLASSES = """Actor State Person Organization Embassy Group Place Province Region City Interest Priority Concern
    Event PolicyAction Sanction MilitaryAction MilitaryDeployment PressureCampaign EngagementPolicy DiplomaticOutreach
    Opposition Signal Strategy DiplomaticMeeting Summit Visit WeaponsTest NuclearTest MissileTest Celebration
    Relationship Alliance Claim Belief Assessment Prediction Recommendation ReportedFact Document Article
    Paragraph""".split()
SPEC_OBJECT_PROPERTIES = """hasMember leaderOf headOfStateOf headOfGovernmentOf representsState locatedIn standsFor
    partOf hasInterest interestOf interestKind regarding priorityHolder higherPriority lowerPriority prioritizedOver
    hasConcern concernOf concernKind causedBy affects linkedToActionsOf hasActor hasTarget hasParticipant atPlace
    actionKind respondsTo signalsTo hasParty relationshipKind trend alliedWith viewOf hasView statedIn about asserts
    hasTextAnchor addressee recommends inDocument inParagraph publicationKind graphRole""".split()
SPEC_DATATYPE_PROPERTIES = """iso3166Alpha3 roleLabel isCurrent concernRank date dateAsStated statement
    paragraphIndex text sourceFile sha256""".split()
SPEC_CONCEPTS = """RegionalStability Denuclearization EconomicExchange RegionalInfluence NationalSecurity
    StrategicEnvironment RefugeeCrisis MilitaryPresence Blame EconomicHarm NuclearAccident Alliance Engagement
    Rivalry Cooperation Deteriorating Improving Strengthening Weakening ArticleContent EncoderKnowledge BlogPost
    InterestKinds ConcernKinds ActionKinds Trends RelationshipKinds GraphRoles PublicationKinds""".split()
CAMEO = {"036", "040", "042", "043", "044", "046", "057", "020", "022", "0254", "100", "1042", "1056", "163", "1312",
         "085", "062", "152", "154"}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


def test_every_ontology_file_parses_as_turtle():
    """Each ontology/*.ttl file parses on its own."""
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        assert len(Graph().parse(path, format="turtle")) > 0, path


@pytest.mark.parametrize("kind,names", [(OWL.Class, SPEC_CLASSES), (OWL.ObjectProperty, SPEC_OBJECT_PROPERTIES),
                                        (OWL.DatatypeProperty, SPEC_DATATYPE_PROPERTIES)],
                         ids=["classes", "object-properties", "datatype-properties"])
def test_every_spec_term_is_declared_with_its_kind(onto, kind, names):
    """Every fp: term the shared spec names is declared with the right OWL type."""
    missing = [n for n in names if (FP[n], RDF.type, kind) not in onto]
    assert not missing


def test_every_spec_concept_exists(onto):
    """Every fpk: concept and scheme the shared spec names exists as a SKOS concept or scheme."""
    missing = [n for n in SPEC_CONCEPTS
               if (FPK[n], RDF.type, SKOS.Concept) not in onto and (FPK[n], RDF.type, SKOS.ConceptScheme) not in onto]
    assert not missing


def test_cameo_codes_are_notations_of_action_kinds(onto):
    """The CAMEO codes of the reference list are action kinds fpk:cameo-NNN with skos:notation "NNN"."""
    for code in CAMEO:
        concept = FPK[f"cameo-{code}"]
        assert (concept, SKOS.inScheme, FPK.ActionKinds) in onto, code
        assert Literal(code, datatype=FPK.CAMEOCode) in set(onto.objects(concept, SKOS.notation)), code


def test_fp_terms_are_declared_owl2_dl_style(onto):
    """Every fp: IRI used anywhere in the ontology is declared as a class or a property (no punning)."""
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and t.startswith(str(FP))}
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    declared = {t: {k for k in kinds if (t, RDF.type, k) in onto} for t in used}
    assert [t for t, k in declared.items() if len(k) != 1] == []


def test_header_has_fair_metadata(onto):
    """The ontology header has title, description, licence, creator, created, version IRI/info, citation, prefix."""
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY, OWL.versionIRI) == URIRef("https://w3id.org/fpkg/ontology/0.2.0")
    assert str(onto.value(ONTOLOGY, OWL.versionInfo)) == "0.2.0"
    assert onto.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "fp"
    assert str(onto.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(FP)
    assert str(onto.value(ONTOLOGY, DCTERMS.created)) == "2026-11-29"
    for field in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.bibliographicCitation):
        assert onto.value(ONTOLOGY, field) is not None, field


def test_quality_checks_find_nothing():
    """Every ontology/checks/*-violation.rq query returns no rows on the ontology."""
    assert check_ontology() == []


@pytest.mark.parametrize("check,broken", [
    ("missing-label", "fp:Broken a owl:Class ; skos:definition \"d\" ; rdfs:isDefinedBy <https://w3id.org/fpkg/ontology> ."),
    ("missing-definition", "fp:Broken a owl:Class ; rdfs:label \"broken\" ."),
    ("duplicate-label", "fp:Broken a owl:Class ; rdfs:label \"State\"@en ."),
    ("missing-isdefinedby", "fp:Broken a owl:Class ; rdfs:label \"broken\" ."),
    ("missing-domain-range", "fp:broken a owl:ObjectProperty ; rdfs:label \"broken\" ."),
    ("deprecated-without-replacement", "fp:Summit owl:deprecated true ."),
    ("undeclared-term", "fp:Summit rdfs:subClassOf <http://example.org/Undeclared> ."),
    ("concept-without-scheme", "fpk:broken a skos:Concept ."),
    ("broken-hierarchy", "fpk:ActionKinds skos:hasTopConcept fpk:02 ."),
    ("broken-hierarchy", "fpk:cameo-0254 skos:broader fpk:cameo-02 ."),
], ids=lambda x: x if "-" in x and " " not in x else "")
def test_each_check_catches_what_it_is_for(onto, check, broken):
    """Each quality check returns a row once the ontology is given the defect it looks for."""
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    damaged = Graph()
    damaged += onto
    damaged.parse(data=prefixes + broken, format="turtle")
    query = (CHECKS_DIR / f"{check}-violation.rq").read_text(encoding="utf-8")
    assert len(list(damaged.query(query))) > 0


def test_missing_header_check_catches_a_missing_licence(onto):
    """The header check reports dcterms:license when the ontology lacks it."""
    damaged = Graph()
    damaged += onto
    damaged.remove((ONTOLOGY, DCTERMS.license, None))
    rows = list(damaged.query((CHECKS_DIR / "missing-header-violation.rq").read_text(encoding="utf-8")))
    assert [str(r.field) for r in rows] == [str(DCTERMS.license)]


def test_linked_to_actions_of_has_its_property_chain(onto):
    """fp:linkedToActionsOf is defined by the chain (fp:causedBy fp:hasActor)."""
    chain = onto.value(FP.linkedToActionsOf, OWL.propertyChainAxiom)
    assert list(onto.items(chain)) == [FP.causedBy, FP.hasActor]
    assert (FP.prioritizedOver, RDF.type, OWL.TransitiveProperty) in onto


def test_claim_kinds_and_actor_kinds_are_disjoint(onto):
    """Claim kinds and the four actor kinds are declared pairwise disjoint."""
    member_sets = [set(onto.items(onto.value(a, OWL.members)))
                   for a in onto.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert {FP.Belief, FP.Assessment, FP.Prediction, FP.Recommendation, FP.ReportedFact} in member_sets
    assert {FP.State, FP.Person, FP.Organization, FP.Group} in member_sets


def test_at_least_fifteen_competency_questions_with_headers():
    """There are at least 15 competency-question queries, each with its question and expected answer."""
    assert len(QUERIES) >= 15
    for query in QUERIES:
        assert re.match(r"cq\d\d-[a-z0-9-]+$", query.stem), query
        text = query.read_text(encoding="utf-8")
        assert "# Question: " in text and "# Expected for the seed article" in text, query


@pytest.fixture(scope="module")
def base_dataset(onto) -> Dataset:
    """The base fixture in a dataset laid out like the store: ontology, assertions and inferred graphs."""
    dataset = Dataset(default_union=True)
    data = dataset.graph(FPG["t/assertions"])
    data.parse(FIXTURES / "base.ttl", format="turtle")
    ontology_graph = dataset.graph(FPG.ontology)
    for triple in onto:
        ontology_graph.add(triple)
    inferred = dataset.graph(FPG.inferred)
    for triple in reason(data).inferred:
        inferred.add(triple)
    return dataset


def test_every_competency_question_has_a_test_of_its_rows():
    """Every ontology/queries/cqNN-*.rq is pinned, with the rows it must give on the seed article, by a
    test_cqNN_* test of tests/article/test_competency.py: a new question cannot go untested."""
    tests = (Path(__file__).resolve().parents[1] / "article" / "test_competency.py").read_text(encoding="utf-8")
    pinned = set(re.findall(r"^def test_(cq\d\d)_\w+\(", tests, re.M))
    assert QUERIES and {q.stem[:4] for q in QUERIES} <= pinned


@pytest.mark.parametrize("stem,column,expected", [
    ("cq01-state-priorities", "lowerKind", {"denuclearization"}),
    ("cq03-concerns-caused-by-actor", "concern", {"https://w3id.org/fpkg/resource/t/concern/refugees"}),
    ("cq04-concerns-linked-inferred", "concern", {"https://w3id.org/fpkg/resource/t/concern/refugees"}),
    ("cq08-events-where-when", "type", {str(FP.Summit), str(FP.Celebration)}),
    ("cq10-relationship-trend", "trend", {"deteriorating"}),
    ("cq13-action-cameo-codes", "code", {"040", "154", "163"}),
    ("cq15-actions-by-actor", "type", {str(FP.Sanction), str(FP.MilitaryDeployment), str(FP.Strategy)}),
    ("cq17-metonyms", "actor", {"https://w3id.org/fpkg/resource/China", "https://w3id.org/fpkg/resource/UnitedStates"}),
], ids=lambda x: x if isinstance(x, str) and x.startswith("cq") else "")
def test_competency_question_answers_on_base_fixture(base_dataset, stem, column, expected):
    """On the base fixture, selected competency questions give exactly the answers the fixture encodes."""
    rows = base_dataset.query((ONTOLOGY_DIR / "queries" / f"{stem}.rq").read_text(encoding="utf-8"))
    assert {str(r[column]) for r in rows} == expected
