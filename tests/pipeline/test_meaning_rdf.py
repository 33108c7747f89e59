"""RDF given to `kg validate` directly is checked graph by graph for what the graphs mean: the assertions graph
holds exactly what certain claims state, encoder knowledge is never a claim, and anchors' offsets give back their
quotes. Each test breaks one of these in a real TriG file and runs the real command."""

import re

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from kg.annotate.loader import load_article

from .conftest import REPO, run_kg

FP = "https://w3id.org/fpkg/ontology#"
OA = "http://www.w3.org/ns/oa#"
GRAPH = "https://w3id.org/fpkg/graph/test-small/"
FIXTURE = REPO / "tests" / "article" / "fixtures" / "valid-small.yaml"


@pytest.fixture
def dataset() -> Dataset:
    """The small valid article as the loader builds it, with the title the shapes require, to be broken one way
    per test."""
    built = load_article(FIXTURE).dataset
    graph(built, "provenance").add((URIRef("https://w3id.org/fpkg/resource/test-small"), DCTERMS.title,
                                    Literal("A small test article")))
    return built


def validate(dataset: Dataset, tmp_path):
    """`kg validate` of ``dataset`` written as TriG; every problem it reports must name the file and a line of it
    that begins the description of the problem's node, or of the rdf:Statement of the triple at fault."""
    path = tmp_path / "article.trig"
    path.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    result = run_kg("validate", "--no-reason", str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    for problem in (x for x in result.stderr.splitlines() if "[fp:" in x):
        where, node = re.match(r"(?:warning: )?" + re.escape(str(path)) + r":(\d+): <([^>]+)>", problem).groups()
        local = re.split(r"[/#]", node)[-1]
        assert local in lines[int(where) - 1] or "/statement/" in lines[int(where) - 1], (problem, where)
    return result


def graph(dataset: Dataset, role: str):
    return dataset.graph(URIRef(GRAPH + role))


def test_the_unbroken_article_validates(dataset, tmp_path):
    """The article as built passes; the soft rule (an author with no Wikidata item) is only a warning."""
    r = validate(dataset, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning:" in r.stderr and "[fp:meaning/no-wikidata]" in r.stderr


def test_a_certain_claims_triple_missing_from_the_assertions_is_refused(dataset, tmp_path):
    """A reified statement of a CT+ claim whose triple is not in the assertions graph is refused."""
    assertions = graph(dataset, "assertions")
    interest = next(t for t in assertions if str(t[1]) == FP + "hasInterest")
    assertions.remove(interest)
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    assert "[fp:meaning/statement-not-asserted]" in r.stderr and "does not hold it" in r.stderr


def test_a_triple_moved_from_background_into_assertions_is_refused(dataset, tmp_path):
    """Encoder knowledge moved into the assertions graph is a triple no claim states: refused, naming it."""
    background, assertions = graph(dataset, "background"), graph(dataset, "assertions")
    item = next(t for t in background if t[1] == SKOS.exactMatch)
    background.remove(item)
    assertions.add(item)
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    line = next(x for x in r.stderr.splitlines() if "[fp:meaning/asserted-without-claim]" in x)
    assert "skos/core#exactMatch" in line and "background graph" in line


def test_a_claim_in_the_background_graph_is_refused(dataset, tmp_path):
    """A claim typed in the background graph is refused: encoder knowledge is never a claim."""
    claim = next(graph(dataset, "provenance").subjects(RDF.type, URIRef(FP + "Claim")))
    graph(dataset, "background").add((claim, RDF.type, URIRef(FP + "Claim")))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1 and "[fp:meaning/claim-in-background]" in r.stderr


def test_offsets_that_do_not_give_the_quote_are_refused(dataset, tmp_path):
    """An anchor whose oa:start is off by one no longer gives back its quote: refused with what it gives."""
    provenance = graph(dataset, "provenance")
    position, start = next((s, o) for s, o in provenance.subject_objects(URIRef(OA + "start"))
                           if "/anchor/" in str(s))
    provenance.remove((position, URIRef(OA + "start"), start))
    provenance.add((position, URIRef(OA + "start"), Literal(int(start) + 1, datatype=XSD.nonNegativeInteger)))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1 and "[fp:meaning/anchor-offsets]" in r.stderr and "correct oa:start" in r.stderr


WD = "http://www.wikidata.org/entity/"
FPR = "https://w3id.org/fpkg/resource/"


def test_a_state_given_another_states_item_is_refused(dataset, tmp_path):
    """South Korea (ISO code KOR) given North Korea's Wikidata item Q423 is refused, naming the verified item."""
    background = graph(dataset, "background")
    korea = URIRef(FPR + "SouthKorea")
    background.add((korea, SKOS.exactMatch, URIRef(WD + "Q423")))
    background.add((korea, URIRef(FP + "iso3166Alpha3"), Literal("KOR")))
    graph(dataset, "assertions").add((korea, RDF.type, URIRef(FP + "State")))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    line = next(x for x in r.stderr.splitlines() if "[fp:meaning/wikidata-identity]" in x)
    assert "SouthKorea" in line and "Q423 is the Wikidata item of North Korea" in line and "Q884" in line


def test_two_entities_with_one_item_are_refused(dataset, tmp_path):
    """A second resource claiming China's Wikidata item is refused, naming the resource that has it."""
    graph(dataset, "background").add((URIRef(FPR + "PRC"), SKOS.exactMatch, URIRef(WD + "Q148")))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    line = next(x for x in r.stderr.splitlines() if "[fp:meaning/wikidata-unique]" in x)
    assert f"<{FPR}PRC> " in line and f"which <{FPR}China> already has" in line


def test_two_concerns_of_one_holder_with_one_rank_are_refused(dataset, tmp_path):
    """Two concerns China ranks first are refused: the article numbers its list once."""
    background = graph(dataset, "background")
    for name in ("refugees", "sanctions"):
        concern = URIRef(f"{FPR}test-small/concern/{name}")
        background.add((URIRef(FPR + "China"), URIRef(FP + "hasConcern"), concern))
        background.add((concern, URIRef(FP + "concernRank"), Literal(1, datatype=XSD.positiveInteger)))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    line = next(x for x in r.stderr.splitlines() if "[fp:meaning/concern-rank]" in x)
    assert "renumber one of them" in line and "/concern/refugees>" in line


def test_a_priority_cycle_is_refused(dataset, tmp_path):
    """Stability over denuclearization over stability is refused as a circle, through a Priority's two ends too."""
    background = graph(dataset, "background")
    stability, nukes = (URIRef(f"{FPR}test-small/interest/{n}") for n in ("china-stability", "denuclearization"))
    priority = URIRef(f"{FPR}test-small/priority/p1")
    background.add((stability, URIRef(FP + "prioritizedOver"), nukes))
    background.add((priority, URIRef(FP + "higherPriority"), nukes))
    background.add((priority, URIRef(FP + "lowerPriority"), stability))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    line = next(x for x in r.stderr.splitlines() if "[fp:meaning/priority-cycle]" in x)
    assert "go round in a circle" in line and "denuclearization" in line


@pytest.mark.parametrize("cls, role, what", [
    (FP + "Claim", "assertions", "a claim"), (OA + "Annotation", "background", "a text anchor"),
    (OA + "Annotation", "assertions", "a text anchor"), (str(RDF.Statement), "background", "a reified statement"),
])
def test_claims_and_anchors_belong_in_the_provenance_graph(dataset, tmp_path, cls, role, what):
    """A claim typed in the assertions graph, or a text anchor (oa:Annotation) or a claim's reified content in the
    background or assertions graph, is refused naming the graph: each graph is checked for what may be in it, not
    only their union."""
    provenance = graph(dataset, "provenance")
    node = next(provenance.subjects(RDF.type, URIRef(cls)))
    graph(dataset, role).add((node, RDF.type, URIRef(cls)))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    line = next(x for x in r.stderr.splitlines() if f"[fp:meaning/claim-in-{role}]" in x)
    assert f"in the {role} graph of test-small" in line and what in line


def test_a_shacl_warning_is_printed_and_refuses_nothing(tmp_path):
    """A state with no ISO code breaks a shape of severity sh:Warning: `kg validate` and `kg build` print it with the
    file and line of the state and still exit 0, and the build stores the article."""
    text = FIXTURE.read_text(encoding="utf-8").replace("wikidata: Q148, iso3: CHN}", "wikidata: Q148}")
    text = text.replace("  encoder: fpkg maintainer\n", "  encoder: fpkg maintainer\n  title: A small test\n")
    path = tmp_path / "no-iso.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "mibae-2018-china-north-korea.txt").write_bytes(FIXTURE.with_name(
        "mibae-2018-china-north-korea.txt").read_bytes())
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x.startswith("  China:"))
    for r in (run_kg("validate", "--no-reason", str(path)),
              run_kg("build", str(path), "--store-dir", str(tmp_path / "store"), "--no-cache", timeout=300)):
        assert r.returncode == 0, r.stderr
        [warning] = [x for x in r.stderr.splitlines() if "iso3166Alpha3" in x]
        assert warning.startswith(f"warning: {path}:{line}: <{FPR}China>") and "[fp:StateShape]" in warning
    assert (tmp_path / "store" / "dataset.nq").is_file()


def test_a_hedged_claims_triple_in_the_assertions_is_refused_naming_the_claim(dataset, tmp_path):
    """A claim made merely possible (PS+) whose triple stayed in the assertions graph is refused, naming the claim and
    its modality: hedged content is reified, not asserted."""
    provenance = graph(dataset, "provenance")
    modality = URIRef(FP + "modality")
    claim = next(c for c, _ in provenance.subject_objects(URIRef(FP + "asserts")) if "stability-first" in str(c))
    provenance.remove((claim, modality, None))
    provenance.add((claim, modality, URIRef("https://w3id.org/fpkg/kinds/PS-plus")))
    r = validate(dataset, tmp_path)
    assert r.returncode == 1
    lines = [x for x in r.stderr.splitlines() if "[fp:meaning/asserted-without-claim]" in x]
    assert lines and all("only claims not stated as certain" in x and "PS-plus" in x and str(claim) in x
                         for x in lines)
