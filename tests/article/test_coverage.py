"""The seed annotation covers what the article argues: every paragraph, the five concerns, the dated events."""

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from kg.annotate.loader import load_article
from kg.rdf.namespaces import FP, FPK, FPR, WD, graph_iri

DOC = "mibae-2018-china-north-korea"
PREFIXES = {"fp": FP, "fpr": FPR, "fpk": FPK}
FURNITURE = ("No comments:", "Post a Comment")


def local(kind: str, name: str) -> URIRef:
    return FPR[f"{DOC}/{kind}/{name}"]


def test_furniture_lines_are_left_out_of_the_body(article, seed_text_path):
    """The last two lines of the file (comment widgets) are in the file but are no paragraph of the article."""
    lines = seed_text_path.read_text(encoding="utf-8").split("\n")
    assert tuple(lines[-2:]) == FURNITURE
    assert [p.text for p in article.paragraphs] == lines[:-2]
    texts = {str(t) for t in article.union().objects(None, FP.text)}
    assert not texts & set(FURNITURE)


def test_every_body_paragraph_and_the_biography_has_a_claim(union, seed_text_path):
    """Paragraphs 1 to 15 (file lines 2 to 16: the body and the author's biography) each anchor at least one claim."""
    body_count = len(seed_text_path.read_text(encoding="utf-8").split("\n")) - len(FURNITURE)
    rows = union.query("""SELECT ?i (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?c fp:hasTextAnchor/fp:inParagraph/fp:paragraphIndex ?i } GROUP BY ?i""", initNs=PREFIXES)
    covered = {r.i.toPython(): r.n.toPython() for r in rows}
    assert set(range(1, body_count)) <= set(covered)
    assert covered[body_count - 1] >= 1  # the biography, "Taisuke Mibae is a visiting senior fellow ..."


def test_five_concerns_each_have_rank_kind_and_a_cause_with_an_actor(union):
    """China's five numbered concerns have ranks 1-5, a concern kind, and causes that are policy actions."""
    expected = {
        1: ("refugee-crisis", FPK.RefugeeCrisis, {"excessive-sanctions", "us-military-actions"}),
        2: ("us-military-presence", FPK.MilitaryPresence, {"us-military-buildup"}),
        3: ("blame-and-punishment", FPK.Blame, {"us-punishment"}),
        4: ("economic-harm", FPK.EconomicHarm, {"un-sanctions"}),
        5: ("nuclear-accident", FPK.NuclearAccident, {"north-korean-nuclear-tests"}),
    }
    concerns = set(union.objects(FPR.China, FP.hasConcern))
    assert len(concerns) == 5
    for rank, (name, kind, causes) in expected.items():
        iri = local("concern", name)
        assert iri in concerns
        assert union.value(iri, FP.concernRank) == Literal(rank, datatype=XSD.positiveInteger)
        assert union.value(iri, FP.concernKind) == kind
        found = set(union.objects(iri, FP.causedBy))
        assert {str(c).rsplit("/", 1)[1] for c in found} == causes
        assert any(union.value(c, FP.hasActor) is not None for c in found), name


def test_most_concerns_are_caused_by_us_actions(union):
    """"Most of these concerns are linked to U.S. actions": three of the five are caused by actions of the U.S."""
    rows = union.query("""SELECT DISTINCT ?c WHERE { fpr:China fp:hasConcern ?c .
        ?c fp:causedBy/fp:hasActor fpr:UnitedStates }""", initNs=PREFIXES)
    assert {str(r.c).rsplit("/", 1)[1] for r in rows} == {"refugee-crisis", "us-military-presence",
                                                         "blame-and-punishment"}


def test_stability_is_prioritized_over_denuclearization(union):
    """China's stability interest is put above denuclearization, as a fp:Priority and as fp:prioritizedOver."""
    rows = list(union.query("""SELECT ?p WHERE { ?p a fp:Priority ; fp:priorityHolder fpr:China ;
        fp:higherPriority ?hi ; fp:lowerPriority ?lo . ?hi fp:interestKind fpk:RegionalStability .
        ?lo fp:interestKind fpk:Denuclearization . ?hi fp:prioritizedOver ?lo }""", initNs=PREFIXES))
    assert len(rows) == 1


def test_dated_events_have_the_text_date_and_the_encoder_date_apart(article):
    """The four dated events carry the date as worded in the assertions and the full date only in the background."""
    assertions = article.dataset.graph(graph_iri(DOC, "assertions"))
    background = article.dataset.graph(graph_iri(DOC, "background"))
    expected = {
        "abe-xi-summit": ("October 26", Literal("2018-10-26", datatype=XSD.date)),
        "xi-kim-summit": ("March", Literal("2018-03", datatype=XSD.gYearMonth)),
        "singapore-summit": ("June 12", Literal("2018-06-12", datatype=XSD.date)),
        "nk-70th-anniversary": ("September", Literal("2018-09-09", datatype=XSD.date)),
    }
    for name, (stated, date) in expected.items():
        event = local("event", name)
        assert assertions.value(event, FP.dateAsStated) == Literal(stated)
        assert background.value(event, FP.date) == date
        assert assertions.value(event, FP.date) is None


def test_encoder_knowledge_stays_out_of_the_assertions(article):
    """Labels, Wikidata items, ISO codes and full dates are only in the background graph."""
    assertions = article.dataset.graph(graph_iri(DOC, "assertions"))
    for prop in (RDFS.label, SKOS.exactMatch, FP.iso3166Alpha3, FP.date):
        assert not list(assertions.triples((None, prop, None))), prop


def test_states_carry_wikidata_items_and_iso_codes(article):
    """The five states have their Wikidata items and ISO 3166-1 alpha-3 codes in the background graph."""
    background = article.dataset.graph(graph_iri(DOC, "background"))
    states = {"China": ("Q148", "CHN"), "UnitedStates": ("Q30", "USA"), "Japan": ("Q17", "JPN"),
              "SouthKorea": ("Q884", "KOR"), "NorthKorea": ("Q423", "PRK")}
    for name, (qid, iso) in states.items():
        assert background.value(FPR[name], SKOS.exactMatch) == WD[qid]
        assert background.value(FPR[name], FP.iso3166Alpha3) == Literal(iso)


def test_views_of_others_are_held_by_them(union):
    """Views the article attributes to others are held by "many experts", Chinese officials and experts, and China."""
    def claims_of(holder):
        return {str(c).rsplit("/", 1)[1] for c in union.subjects(FP.viewOf, holder)}
    assert "experts-cynical" in claims_of(local("group", "many-experts"))
    assert claims_of(local("group", "chinese-officials-and-experts")) == {"us-uses-north-korea-as-excuse"}
    assert {"washington-reaction-threat", "soft-landing"} <= claims_of(FPR.China)


def test_recommendations_name_addressees_and_what_they_recommend(union):
    """Every recommendation has an addressee; the allied strategy is recommended to the U.S., Japan and South Korea."""
    recs = set(union.subjects(None, FP.Recommendation))
    assert len(recs) >= 4
    assert all(union.value(r, FP.addressee) is not None for r in recs)
    claim = FPR[f"{DOC}/claim/allied-strategy"]
    assert set(union.objects(claim, FP.addressee)) == {FPR.UnitedStates, FPR.Japan, FPR.SouthKorea}
    assert union.value(claim, FP.recommends) == local("action", "allied-china-strategy")


def test_relationship_trends(union):
    """U.S.-China relations are deteriorating and U.S.-Japan ties strengthening."""
    assert union.value(local("relationship", "us-china-relations"), FP.trend) == FPK.Deteriorating
    assert union.value(local("relationship", "us-japan-relations"), FP.trend) == FPK.Strengthening


def test_same_inputs_give_the_same_triples(article, seed_annotation):
    """Loading the annotation twice gives identical quads, with no blank nodes anywhere."""
    again = load_article(seed_annotation)
    first = set(article.dataset.quads((None, None, None, None)))
    assert first == set(again.dataset.quads((None, None, None, None)))
    assert not any(isinstance(term, BNode) for quad in first for term in quad[:3])


def test_every_node_written_in_the_annotation_knows_its_line(article, seed_annotation, line_of):
    """Every subject IRI the loader mints has an origin, and a claim's origin is its '- id:' line."""
    subjects = {s for s, _, _, _ in article.dataset.quads((None, None, None, None))}
    missing = {s for s in subjects if str(s) not in article.origins and s != FPR["agent/encoder"]}
    assert not missing
    claim = FPR[f"{DOC}/claim/main-concerns"]
    assert article.origins[str(claim)] == (str(seed_annotation), line_of(seed_annotation, "- id: main-concerns"))
