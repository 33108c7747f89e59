"""The ontology's competency questions (ontology/queries/*.rq), run on the seed article, give the article's answers.

The store is built as `kg build` builds it: the article's three graphs, the ontology in fpg:ontology and the
reasoner's additions in fpg:inferred; the default graph is the union of all graphs. The expected answers are
read off the article (paragraph numbers count the byline as 0).
"""

from collections import Counter

import pyoxigraph as ox
import pytest
import yaml

from kg.rdf.namespaces import FPR, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.reason.reasoning import reason
from kg.annotate.loader import load_article
from kg.check.ontology import load_ontology

DOC = "mibae-2018-china-north-korea"
DOC_PREFIX = f"{FPR}{DOC}/"
SHORTEN = ((DOC_PREFIX, ""), (str(FPR), ""), ("https://w3id.org/fpkg/kinds/", "fpk:"),
           ("https://w3id.org/fpkg/ontology#", "fp:"))


def short(term) -> str | None:
    """An IRI without the article's and the namespaces' prefixes (``concern/refugee-crisis``), a literal's text."""
    if term is None:
        return None
    text = term.value
    for long, brief in SHORTEN:
        if isinstance(term, ox.NamedNode) and text.startswith(long):
            return brief + text[len(long):]
    return text


#: The three articles of the cross-article questions (cq21-cq23), named so that other articles in seeds/ do not
#: change their answers.
CORPUS = ("mibae-2018-china-north-korea", "varga-2023-black-sea-grain-deal", "karimi-2022-iran-nuclear-file")


def built_store(*articles) -> ox.Store:
    """A store laid out as `kg build` lays it out: the articles' graphs, fpg:ontology and fpg:inferred."""
    union = articles[0].union()
    for other in articles[1:]:
        union += other.union()
    result = reason(union)
    assert result.consistent, result.explanation
    st = ox.Store()
    for article in articles:
        st.load(article.dataset.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    st.load(load_ontology().serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    st.load(result.inferred.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(str(INFERRED_GRAPH)))
    return st


def asker(store, ontology_dir):
    def run(name: str) -> list[dict]:
        [path] = ontology_dir.glob(f"queries/{name}-*.rq")
        solutions = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [{n: short(row[n]) for n in names} for row in solutions]
    return run


@pytest.fixture(scope="module")
def store(article, ontology_dir):
    return built_store(article)


@pytest.fixture(scope="module")
def ask(store, ontology_dir):
    return asker(store, ontology_dir)


@pytest.fixture(scope="module")
def corpus_ask(seeds_dir, ontology_dir):
    """The competency questions over the three seed articles built together."""
    return asker(built_store(*(load_article(seeds_dir / f"{name}.yaml") for name in CORPUS)), ontology_dir)


def test_cq01_china_puts_stability_first(ask):
    """China ranks stability over denuclearization (¶4) and long-term stability over the short-term gains (¶11)."""
    pairs = {(r["higher"], r["lower"]) for r in ask("cq01")}
    assert pairs == {("interest/china-stability", "interest/china-denuclearization"),
                     ("interest/china-stability", "interest/china-economic-exchange"),
                     ("interest/china-stability", "interest/china-us-force-reduction")}
    assert {r["higherKind"] for r in ask("cq01")} == {"regional stability"}


def test_cq02_five_concerns_in_order_with_causes(ask):
    """Beijing's five numbered concerns (¶5) come back in their order, each with what causes it."""
    rows = ask("cq02")
    assert [(r["rank"], r["concern"]) for r in rows] == [
        ("1", "concern/refugee-crisis"), ("2", "concern/us-military-presence"),
        ("3", "concern/blame-and-punishment"), ("4", "concern/economic-harm"), ("5", "concern/nuclear-accident")]
    causes = [set(short(ox.NamedNode(c)) for c in r["causes"].split()) for r in rows]
    assert causes == [{"action/excessive-sanctions", "action/us-military-actions"}, {"action/us-military-buildup"},
                      {"action/us-punishment"}, {"action/un-sanctions"}, {"event/north-korean-nuclear-tests"}]
    assert rows[3]["affects"] == f"{FPR}NortheastChina"


def test_cq03_concerns_caused_by_us_actions(ask):
    """"Most of these concerns are linked to U.S. actions": concerns 1-3 are caused by U.S. actions."""
    assert {(r["rank"], r["action"]) for r in ask("cq03")} == {
        ("1", "action/us-military-actions"), ("2", "action/us-military-buildup"), ("3", "action/us-punishment")}


def test_cq04_reasoner_links_concerns_to_us_actions(ask):
    """The reasoner derives fp:linkedToActionsOf the United States for the same three concerns."""
    assert [r["rank"] for r in ask("cq04")] == ["1", "2", "3"]


def test_cq05_stability_claim_holder_and_words(ask, seed_text_path):
    """The stability-priority claim is the author's, anchored on its sentence in paragraph 4."""
    sentence = "When it comes to North Korea, China prioritizes stability over all else, including denuclearization."
    start = seed_text_path.read_text(encoding="utf-8").index(sentence)
    assert ask("cq05") == [{"holder": "TaisukeMibae", "holderLabel": "Taisuke Mibae", "exact": sentence,
                            "start": str(start), "end": str(start + len(sentence)), "paragraphIndex": "4"}]


def test_cq06_views_of_others(ask):
    """Experts (¶2), Chinese officials and experts (¶9) and Beijing (¶4, ¶5, ¶10); the author asserts every one."""
    rows = ask("cq06")
    assert Counter(r["holder"] for r in rows) == {"group/many-experts": 3, "group/chinese-officials-and-experts": 1,
                                                  "China": 10}
    assert {r["assertedBy"] for r in rows} == {"TaisukeMibae"}


def test_cq26_beijings_views_include_its_five_concerns(ask):
    """"Beijing's main concerns ... are" reports Beijing's view: the five concerns are claims whose view is China's."""
    claims = {r["claim"] for r in ask("cq26")}
    assert {f"claim/concern-{n}" for n in ("1-refugee-crisis", "2-us-military-presence", "3-blame-and-punishment",
                                           "4-economic-harm", "5-nuclear-accident")} <= claims
    assert {"claim/washington-reaction-threat", "claim/soft-landing", "claim/main-concerns"} <= claims


def test_cq07_claims_by_kind_match_the_annotation(ask, seed_annotation):
    """The claim counts per kind equal those of the annotation file, read here with plain YAML; all five kinds occur."""
    kinds = Counter(c["kind"] for c in yaml.safe_load(seed_annotation.read_text(encoding="utf-8"))["claims"])
    names = {"belief": "fp:Belief", "assessment": "fp:Assessment", "prediction": "fp:Prediction",
             "recommendation": "fp:Recommendation", "reported-fact": "fp:ReportedFact"}
    assert {r["kind"]: int(r["claims"]) for r in ask("cq07")} == {names[k]: n for k, n in kinds.items()}
    assert len(kinds) == 5


def test_cq08_dated_events(ask):
    """The dated events (the Xi-Kim summit twice: Kim's visit and Xi's hosting), with the date as worded, the full date, the place and the participants."""
    rows = {(r["event"], r["date"], r["dateAsStated"], r["place"]): set((r["participants"] or "").split())
            for r in ask("cq08") if r["date"]}
    people = {name: f"{FPR}{name}" for name in ("XiJinping", "ShinzoAbe", "KimJongUn", "DonaldTrump")}
    assert rows == {
        ("event/abe-xi-summit", "2018-10-26", "October 26", "Beijing"): {people["ShinzoAbe"], people["XiJinping"]},
        ("event/xi-kim-summit", "2018-03", "March", "Beijing"): {people["XiJinping"], people["KimJongUn"]},
        ("event/xi-hosts-kim", "2018-03", "March", "Beijing"): {people["XiJinping"], people["KimJongUn"]},
        ("event/singapore-summit", "2018-06-12", "June 12", "Singapore"): {people["DonaldTrump"],
                                                                           people["KimJongUn"]},
        ("event/nk-70th-anniversary", "2018-09-09", "September", "Pyongyang"): set(),
    }


def test_cq09_recommendations_and_addressees(ask):
    """Five recommendations (¶3, ¶12 twice, ¶13, ¶14), with their addressees."""
    rows = {r["recommendation"]: {short(ox.NamedNode(a)) for a in r["addressees"].split()} for r in ask("cq09")}
    allies = {"UnitedStates", "Japan", "SouthKorea"}
    assert rows == {"claim/understand-china-motivations": {"group/policy-makers"},
                    "claim/recognize-strategic-aims": {"group/us-and-allies"},
                    "claim/guard-against-china": {"group/us-and-allies"},
                    "claim/allied-strategy": allies, "claim/abe-xi-opportunity": allies}


def test_cq10_us_china_relations_deteriorate(ask):
    """"U.S.-China relations are increasingly deteriorating" (¶13)."""
    assert [(r["relationship"], r["trend"]) for r in ask("cq10")] == [
        ("relationship/us-china-relations", "deteriorating")]


def test_cq11_encoder_knowledge_is_the_background_graph(ask):
    """Wikidata items, ISO codes and the years of the dates come from the background graph only."""
    rows = ask("cq11")
    assert {r["graph"] for r in rows} == {f"https://w3id.org/fpkg/graph/{DOC}/background"}
    facts = {(r["s"], r["p"], r["o"]) for r in rows}
    match = "http://www.w3.org/2004/02/skos/core#exactMatch"
    for state, qid, iso in (("China", "Q148", "CHN"), ("UnitedStates", "Q30", "USA"), ("Japan", "Q17", "JPN"),
                            ("SouthKorea", "Q884", "KOR"), ("NorthKorea", "Q423", "PRK")):
        assert (state, match, f"http://www.wikidata.org/entity/{qid}") in facts
        assert (state, "fp:iso3166Alpha3", iso) in facts
    assert ("event/abe-xi-summit", "fp:date", "2018-10-26") in facts
    assert (DOC, "http://purl.org/dc/terms/issued", "2018") in facts


def test_cq12_every_paragraph_but_the_byline_supports_a_claim(ask):
    """Paragraphs 1-15 (body and biography) support claims, the byline none; the list of concerns (¶5) the most."""
    counts = {int(r["index"]): int(r["claims"]) for r in ask("cq12")}
    assert sorted(counts) == list(range(16)) and counts[0] == 0
    assert all(counts[i] >= 1 for i in range(1, 16))
    assert max(counts, key=counts.get) == 5


def test_cq13_cameo_codes(ask):
    """Abe's visit is 042, Singapore 044, sanctions 163, THAAD 154, the call for cooperation 022, tests 150."""
    codes = {(r["action"], r["code"]) for r in ask("cq13")}
    assert {("event/abe-xi-summit", "042"), ("event/singapore-summit", "044"), ("action/un-sanctions", "163"),
            ("action/thaad-deployment", "154"), ("action/us-call-for-chinese-cooperation", "022"),
            ("action/china-thaad-opposition", "110"), ("event/north-korean-nuclear-tests", "150")} <= codes


def test_cq14_china_interests(ask):
    """China's interests cover the six kinds the article names (¶4, ¶9-¶12)."""
    rows = ask("cq14")
    assert {r["actor"] for r in rows} == {"China"}
    assert {r["kind"] for r in rows} == {"regional stability", "denuclearization", "economic exchange",
                                         "regional influence", "national security", "strategic environment"}


def test_cq15_us_actions(ask):
    """The U.S. runs the maximum pressure campaign on North Korea, deploys THAAD, calls on China for cooperation."""
    rows = {(r["action"], r["target"]) for r in ask("cq15")}
    assert {("action/maximum-pressure-campaign", "NorthKorea"), ("action/thaad-deployment", None),
            ("action/us-call-for-chinese-cooperation", "China"), ("action/us-military-buildup", None)} <= rows


def test_actions_the_us_took_leave_out_the_feared_and_the_recommended(ask, store):
    """The U.S. actions Beijing only fears and the strategy the author only recommends are U.S. actions in the graph,
    with their status, but not actions the U.S. took."""
    took = {r["action"] for r in ask("cq15")}
    status = {r["thing"]: r["status"] for r in ask("cq25")}
    not_taken = {"action/us-military-actions": "fpk:Feared", "action/us-punishment": "fpk:Feared",
                 "action/allied-china-strategy": "fpk:Recommended"}
    assert {a: status[a] for a in not_taken} == not_taken
    assert not took & set(not_taken)
    assert all(status[a] == "fpk:Actual" for a in took)


def test_cq16_stability_claim_asserts_the_priority(ask):
    """The stability-priority claim supports the triple china-stability fp:prioritizedOver china-denuclearization."""
    assert {"claim": "claim/stability-priority", "subject": "interest/china-stability",
            "predicate": "fp:prioritizedOver", "object": "interest/china-denuclearization"} in ask("cq16")


def test_cq17_metonyms(ask):
    """Beijing, Washington and Pyongyang stand for their governments."""
    assert {(r["place"], r["actor"]) for r in ask("cq17")} == {
        ("Beijing", "China"), ("Washington", "UnitedStates"), ("Pyongyang", "NorthKorea")}


def test_cq18_xi_absence_could_have_been_a_signal(ask, store):
    """Xi's absence "could have been a signal" to Pyongyang (¶8): a possible signal with its hedge, not a fact."""
    assert [(r["signal"], r["actor"], r["receiver"], r["modality"], r["hedge"]) for r in ask("cq18")] == [
        ("action/xi-absence", "XiJinping", "NorthKorea", "fpk:PS-plus", "could have been")]
    asserted = store.query(f"ASK {{ GRAPH <https://w3id.org/fpkg/graph/{DOC}/assertions> {{ ?s fp:signalsTo ?o }} }}",
                           prefixes={"fp": "https://w3id.org/fpkg/ontology#"})
    assert not bool(asserted)


def test_cq19_author_affiliations(ask):
    """Visiting senior fellow and minister in Washington as of 2018; minister for Korean affairs in Beijing ended (¶15)."""
    assert {(r["organization"], r["role"], r["validAsOf"], r["endedBy"]) for r in ask("cq19")} == {
        ("AsiaSecurityInitiative", "visiting senior fellow", "2018", None),
        ("EmbassyOfJapanWashington", "minister", "2018", None),
        ("EmbassyOfJapanBeijing", "minister covering Korean affairs", None, "2018")}


def test_cq20_inferred_links_and_inverses(ask):
    """The reasoner adds the chain-derived links and the inverse properties."""
    rows = {(r["s"], r["p"], r["o"]) for r in ask("cq20")}
    assert ("concern/refugee-crisis", "fp:linkedToActionsOf", "UnitedStates") in rows
    assert ("concern/nuclear-accident", "fp:linkedToActionsOf", "NorthKorea") in rows
    assert ("concern/economic-harm", "fp:concernOf", "China") in rows


def documents_of(row) -> set[str]:
    """The document ids of a row's space-separated ``documents`` IRIs."""
    return {d.removeprefix(str(FPR)) for d in row["documents"].split()}


def test_cq21_states_in_several_articles_by_their_wikidata_item(ask, corpus_ask):
    """The United States is in all three articles, China in the Korea and Iran ones, Russia in the Black Sea and
    Iran ones, found through their Wikidata items; one article alone has no such state."""
    assert ask("cq21") == []
    found = {r["item"]: documents_of(r) for r in corpus_ask("cq21")}
    korea, grain, iran = CORPUS
    assert found == {"http://www.wikidata.org/entity/Q30": {korea, grain, iran},
                     "http://www.wikidata.org/entity/Q148": {korea, iran},
                     "http://www.wikidata.org/entity/Q159": {grain, iran}}


def test_cq22_every_recommendation_by_whom_to_whom(ask, corpus_ask):
    """Every recommendation of the three articles with its author and addressees, each in its own article."""
    rows = corpus_ask("cq22")
    by_claim = {}
    for r in rows:
        by_claim.setdefault((r["document"], r["recommendation"].rsplit("/", 1)[1], r["by"]), set()).add(r["to"])
    korea, grain, iran = CORPUS
    assert {k: v for k, v in by_claim.items() if k[0] != korea} == {
        (grain, "do-not-wait", "ElenaVarga"): {f"{grain}/group/western-governments"},
        (grain, "expand-routes", "ElenaVarga"): {"UnitedStates", "EuropeanUnion"},
        (grain, "keep-channel-open", "ElenaVarga"): {"Turkey", "UnitedNations"},
        (iran, "offer-phased-relief", "OmidKarimi"): {"UnitedStates", "UnitedKingdom", "France", "Germany"},
        (iran, "restore-access", "OmidKarimi"): {"Iran"}}
    korean = {k: v for k, v in by_claim.items() if k[0] == korea}
    assert len(korean) == len({r["recommendation"] for r in ask("cq22")}) >= 4
    assert {k[2] for k in korean} == {"TaisukeMibae"}


def test_cq23_actions_by_cameo_root_across_articles(ask, corpus_ask):
    """Actions that happened, by CAMEO root with its quad class, and the articles reporting them: reduce relations
    (16) in all three, consult (04) in two, fight (19) only over the Black Sea; the recommended, feared and
    hypothetical ones (aid 06, yield 08, the feared port attacks, the snapback) are not counted."""
    korea, grain, iran = CORPUS
    seed = {r["code"] for r in ask("cq23")}
    assert seed == {"02", "04", "11", "15", "16"}
    rows = {r["code"]: r for r in corpus_ask("cq23")}
    documents = {code: documents_of(r) for code, r in rows.items()}
    assert documents == {"02": {korea}, "03": {grain}, "04": {korea, iran}, "05": {grain, iran},
                         "07": {iran}, "10": {grain}, "11": {korea}, "12": {iran}, "15": {korea},
                         "16": {korea, grain, iran}, "19": {grain}}
    assert (rows["19"]["actions"], rows["16"]["actions"]) == ("1", "4")
    assert (rows["19"]["name"], rows["19"]["quadClass"]) == ("Fight", "4")
    assert (rows["04"]["name"], rows["04"]["quadClass"]) == ("Consult", "1")


def test_cq24_dyadic_events_with_plover_and_quad_class(ask, corpus_ask):
    """Events as event data rows: Kim's visit (042) and Xi's hosting (043) of the March summit, each with its
    source and target, PLOVER category and quad class derived from the code; across articles the grain-deal exit
    and the JCPOA withdrawal, both shared by their keys."""
    row = ("event", "source", "target", "code", "plover", "quadClass", "date", "place")
    seed = {tuple(r[c] for c in row) for r in ask("cq24")}
    assert seed == {("event/xi-kim-summit", "KimJongUn", "XiJinping", "042", "CONSULT", "1", "2018-03", "Beijing"),
                    ("event/xi-hosts-kim", "XiJinping", "KimJongUn", "043", "CONSULT", "1", "2018-03", "Beijing")}
    corpus = {tuple(r[c] for c in row) for r in corpus_ask("cq24")}
    assert {("action/black-sea-grain-initiative-exit-2023", "Russia", "Ukraine", "160", "SANCTION", "4",
             "2023-07-17", None),
            ("action/us-jcpoa-withdrawal-2018", "UnitedStates", "Iran", "160", "SANCTION", "4", "2018-05-08", None),
            ("varga-2023-black-sea-grain-deal/action/odesa-port-strikes", "Russia", "Ukraine", "195", "ASSAULT", "4",
             None, "Odesa")} <= corpus
    assert seed <= corpus


def test_cq25_what_happened_and_what_china_fears(ask):
    """China fears the three actions its concerns name; the recommended strategies are recommended, not actual."""
    rows = ask("cq25")
    feared = {r["thing"]: r["fearedBy"] for r in rows if r["status"] == "fpk:Feared"}
    assert feared == {"action/excessive-sanctions": "China", "action/us-military-actions": "China",
                      "action/us-punishment": "China"}
    assert {r["thing"] for r in rows if r["status"] == "fpk:Recommended"} == {
        "action/allied-china-strategy", "action/guard-against-china"}
    assert {"event/singapore-summit", "action/thaad-deployment"} <= {
        r["thing"] for r in rows if r["status"] == "fpk:Actual"}


def test_cq27_evidence_for_the_excuse_belief_is_the_thaad_opposition(ask):
    """"This belief was demonstrated by Beijing's opposition to THAAD": the opposition is evidence for the belief."""
    evidence = [(r["from"], r["connective"]) for r in ask("cq27")
                if r["relation"] == "fp:evidenceFor" and r["to"] == "claim/us-uses-north-korea-as-excuse"]
    assert evidence == [("claim/thaad-opposition", "This belief was demonstrated by")]


def test_cq27_connectives_link_the_claims_they_connect(ask):
    """"however", "Therefore", "This is why" and "Consequently" each link the two claims the text connects."""
    rows = {(r["from"], r["relation"], r["to"], r["connective"]) for r in ask("cq27")}
    assert {("claim/chinese-diplomacy-can-help", "fp:contrastsWith", "claim/experts-cynical", "however"),
            ("claim/understand-china-motivations", "fp:consequenceOf", "claim/chinese-diplomacy-can-help",
             "Therefore"),
            ("claim/beijing-looks-to-washington", "fp:consequenceOf", "claim/concerns-linked-to-us-actions",
             "This is why"),
            ("claim/response-focuses-on-us", "fp:consequenceOf", "claim/concerns-linked-to-us-actions",
             "Consequently")} <= rows


def test_what_china_sees_as_the_most_immediate_threat_is_one_triple_pattern(store):
    """One triple pattern answers "what does China perceive as the most immediate threat?"."""
    rows = list(store.query("SELECT ?threat WHERE { <https://w3id.org/fpkg/resource/China> "
                            "<https://w3id.org/fpkg/ontology#perceivesAsMostImmediateThreat> ?threat }",
                            use_default_graph_as_union=True))
    assert {short(r["threat"]) for r in rows} == {"action/us-reaction-to-north-korea"}


def test_cq28_threats_and_what_they_threaten(ask):
    """China sees Washington's reaction as the most immediate threat, to stability; the denied threats are absent."""
    assert [(r["actor"], r["threat"], r["mostImmediate"], r["threatens"]) for r in ask("cq28")] == [
        ("China", "action/us-reaction-to-north-korea", "true", "interest/china-stability")]


def test_cq29_interests_in_conflict_over_what_in_whose_view(ask):
    """China and the U.S. and its allies are at odds: over North Korea for many experts, over denuclearization for
    the author."""
    assert {(r["party"], r["other"], r["regarding"], r["view"]) for r in ask("cq29")} == {
        ("China", "group/us-and-allies", "NorthKorea", "group/many-experts"),
        ("China", "group/us-and-allies", "interest/china-denuclearization", "TaisukeMibae")}


def test_cq30_every_hedge_is_anchored_to_its_words(ask, seed_text_path):
    """Each hedge or booster comes back with its modality, and its offsets give back its words in the article."""
    text = seed_text_path.read_text(encoding="utf-8")
    rows = ask("cq30")
    assert all(text[int(r["start"]):int(r["end"])] == r["hedge"] for r in rows)
    assert {(r["claim"], r["modality"], r["hedge"]) for r in rows} >= {
        ("claim/xi-absence-signal", "fpk:PS-plus", "could have been"),
        ("claim/no-further-tests", "fpk:CT-plus", "definitely"),
        ("claim/washington-reaction-threat", "fpk:CT-plus", "in many ways"),
        ("claim/north-korea-no-direct-threat", "fpk:CT-minus", "neither")}


def test_cq31_offices_are_dated_memberships(ask):
    """Abe, Xi, Kim and Trump hold their offices as dated memberships, valid as of the dates of the events."""
    rows = {(r["person"], r["role"], r["organization"], r["validAsOf"]) for r in ask("cq31")}
    assert {("ShinzoAbe", "fpk:HeadOfGovernment", "Japan", "2018-10-26"),
            ("XiJinping", "fpk:HeadOfState", "China", "2018-10-26"),
            ("KimJongUn", "fpk:Leader", "NorthKorea", "2018-03"),
            ("DonaldTrump", "fpk:HeadOfState", "UnitedStates", "2018")} <= rows


def test_articles_of_different_years_merge_without_undated_offices(corpus_ask):
    """Across the three articles every office is dated and belongs to its article: Trump's appears twice, once per
    article that names it, and Erdogan's and Putin's as of 2023."""
    rows = corpus_ask("cq31")
    trump = sorted((r["document"], r["validAsOf"]) for r in rows if r["person"] == "DonaldTrump")
    assert trump == [("karimi-2022-iran-nuclear-file", "2018-05"), ("mibae-2018-china-north-korea", "2018")]
    assert {(r["person"], r["validAsOf"]) for r in rows if r["document"] == "varga-2023-black-sea-grain-deal"} == {
        ("RecepTayyipErdogan", "2023-07"), ("VladimirPutin", "2023-07")}
    assert all(r["validAsOf"] or r["endedBy"] for r in rows)
