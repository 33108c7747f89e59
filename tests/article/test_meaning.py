"""Mistakes of meaning in an annotation are refused, each with its rule and the line of the mistake.

Each ``fixtures/meaning-*.yaml`` is ``valid-small.yaml`` with one mistake an analyst makes when the words are
right but what they mean is not: a reported belief filed as the author's own, a prediction stated as a fact, an
undated office, an action only recommended that would pass for one that happened.
"""

import pytest

from kg.annotate.loader import load_article
from kg.errors import AnnotationError
from kg.rdf.namespaces import FP, FPR, doc_resource

# fixture -> (rule, text on the offending line, words the message must contain)
CASES = {
    "belief-held-by-author": ("belief-view", "- id: beijing-believes", "set 'view' to whose view it is"),
    "prediction-stated-as-fact": ("modality-kind", "modality: CT+", "never a fact"),
    "hedge-not-in-quote": ("hedge-in-quote", "hedge: might", "not in the claim's quote"),
    "holder-not-view": ("renamed-field", "holder: TaisukeMibae", "'holder' is now 'view'"),
    "undated-role": ("deprecated-property", "[XiJinping, headOfStateOf, China]", "org:Membership"),
    "recommended-action-without-status": ("status-unstated", "allied-strategy: {type: Strategy",
                                          "give it a status (actual, hypothetical, feared"),
    "unknown-claim-in-relation": ("unknown-claim", "consequence-of: stability-frist",
                                  "did you mean 'stability-first'?"),
    "connective-not-in-paragraph": ("connective-in-paragraph", "connective: Consequently", "not in the claim's"),
    "unknown-status": ("wrong-type", "status: happend", "one of actual, hypothetical, feared, predicted"),
    "state-given-another-states-item": ("wikidata-identity", "SouthKorea: {type: State",
                                        "Q423 is the Wikidata item of North Korea but 'KOR' is the ISO code of South Korea: South Korea is Q884, 'KOR'"),
    "turkey-given-chinas-item": ("wikidata-identity", "    wikidata: Q148",
                                 "Q148 is China's, but this is Turkey: give it Q43 and 'TUR'"),
    "iso-code-of-another-state": ("wikidata-identity", "SouthKorea: {type: State",
                                  "'PRK' is North Korea's, but this is South Korea: give it Q884 and 'KOR'"),
    "two-entities-one-item": ("wikidata-unique", "PRC: {type: State", "which 'China' already has at line 10"),
    "concern-rank-twice": ("concern-rank", "[sanctions-harm, concernRank, 1]", "renumber one of them"),
    "priority-cycle": ("priority-cycle", "[china-denuclearization, prioritizedOver, china-stability]",
                       "go round in a circle"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mistake_of_meaning_is_refused_at_its_line(name, fixtures_dir, line_of):
    """Each fixture fails with its rule, on the line of the mistake, with a message that says how to fix it."""
    rule, needle, words = CASES[name]
    path = fixtures_dir / f"meaning-{name}.yaml"
    with pytest.raises(AnnotationError) as caught:
        load_article(path)
    error = caught.value
    assert (error.rule, error.line) == (rule, line_of(path, needle)), str(error)
    assert words in error.message and "\n" not in str(error)


def test_only_certain_claims_reach_the_assertions_graph(fixtures_dir, tmp_path):
    """The same fact is a fact of the article when its claim is certain and only reified content when hedged."""
    text = (fixtures_dir / "valid-small.yaml").read_text(encoding="utf-8")
    (tmp_path / "mibae-2018-china-north-korea.txt").write_bytes(
        (fixtures_dir / "mibae-2018-china-north-korea.txt").read_bytes())
    fact_is_asserted = {}
    for modality in ("CT+", "PS+"):
        path = tmp_path / "a.yaml"
        path.write_text(text.replace('    quote: "China prioritizes stability over all else"\n',
                                     f'    modality: {modality}\n    quote: "China prioritizes stability over all else"\n'),
                        encoding="utf-8")
        article = load_article(path)
        assertions = next(g for g in article.dataset.graphs() if str(g.identifier).endswith("/assertions"))
        fact = (FPR.China, FP.hasInterest, doc_resource("test-small", "interest", "china-stability"))
        fact_is_asserted[modality] = fact in assertions
        reified = article.union().query("ASK { ?c <https://w3id.org/fpkg/ontology#asserts> ?st . "
                                        "?st <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> "
                                        "<https://w3id.org/fpkg/ontology#hasInterest> }")
        assert reified.askAnswer
    assert fact_is_asserted == {"CT+": True, "PS+": False}
