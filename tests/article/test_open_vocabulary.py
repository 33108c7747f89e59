"""Annotations of any conflict: entity types and properties come from the ontology, a corpus adds its own kinds
in a checked ``kinds`` section, any CAMEO code is usable, and events named by a shared key are one resource
across articles while each article's claims stay in its own graphs."""

import re
from pathlib import Path
from textwrap import dedent

import pytest
from rdflib import Literal
from rdflib.namespace import OWL, RDF, SKOS

from kg.annotate.loader import load_article
from kg.check.shacl import validate_graph
from kg.errors import AnnotationError
from kg.rdf.namespaces import FP, FPK, FPR, ORG, graph_iri
from kg.reason.reasoning import reason

TEXT = ("By Ann Analyst\n"
        "The militia, armed by Tehran, attacked shipping. Moscow left the grain deal in July. "
        "Singapore hosted the talks.\n")

HEAD = """\
    document:
      id: {doc}
      text: article.txt
      kind: {kind}
      author: AnnAnalyst
      encoder: Ann Analyst
      title: A test article
    entities:
      AnnAnalyst: {{type: Person, label: Ann Analyst}}
      Iran: {{type: State, label: Iran, wikidata: Q794, iso3: IRN}}
      Russia: {{type: State, label: Russia, wikidata: Q159, iso3: RUS}}
      Singapore: {{type: [State, City], label: Singapore, wikidata: Q334, iso3: SGP}}
      Beijing: {{type: [City, Province], label: Beijing, wikidata: Q956}}
      China: {{type: State, label: China, wikidata: Q148, iso3: CHN}}
      Militia: {{type: NonStateArmedGroup, label: the militia}}
      MilitiaCommander: {{type: Person, label: the militia's commander}}
      GrainDeal: {{type: Agreement, label: the grain deal}}
      exit: {{type: PolicyAction, label: Russia leaves the grain deal, key: grain-deal-exit-2023}}
      shipping-war: {{type: ArmedConflict, label: attacks on shipping}}
      commander-post: {{type: Membership, label: the militia's commander}}
"""
CLAIMS = """\
    claims:
      - id: sponsor
        kind: reported-fact
        view: AnnAnalyst
        quote: "The militia, armed by Tehran, attacked shipping."
        statement: Iran arms the militia, which attacked shipping.
        facts:
          - [Militia, sponsoredBy, Iran]
          - [commander-post, org:member, MilitiaCommander]
          - [commander-post, org:organization, Militia]
          - [commander-post, roleKind, fpk:Leader]
          - [commander-post, validAsOf, 2023]
          - [shipping-war, hasParticipant, Militia]
      - id: exit
        kind: reported-fact
        view: AnnAnalyst
        quote: "Moscow left the grain deal in July."
        statement: Russia left the grain deal in July.
        facts:
          - [Russia, partyTo, GrainDeal]
          - [exit, hasActor, Russia]
          - [exit, sourceActor, Russia]
          - [exit, instrument, GrainDeal]
          - [exit, actionKind, fpk:cameo-160]
          - [exit, dateAsStated, July]
    background:
      - fact: [Beijing, partOf, China]
        note: Beijing is a province-level municipality of China.
"""


def write(tmp_path: Path, body: str, name: str = "a.yaml") -> Path:
    """An annotation ``name`` beside the test article in ``tmp_path``."""
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / name
    path.write_text(dedent(body), encoding="utf-8")
    return path


def annotation(doc="world-test", kind="fpk:BlogPost", kinds="", claims=CLAIMS) -> str:
    return dedent(HEAD.format(doc=doc, kind=kind)) + dedent(kinds) + dedent(claims)


def rules_of(exc: AnnotationError) -> list[str]:
    return [v.rule for v in exc.violations] if exc.violations else [exc.rule]


def test_new_classes_and_properties_load_validate_and_reason(tmp_path):
    """Armed groups with a sponsor and a leader, agreements with parties, dyadic actions on an instrument, a
    city-state and a province-level city: loaded without a loader table, SHACL-valid and consistent."""
    article = load_article(write(tmp_path, annotation()))
    union = article.union()
    assert (FPR.Militia, RDF.type, FP.NonStateArmedGroup) in union
    post = next(union.subjects(ORG.member, FPR.MilitiaCommander))
    assert (post, ORG.organization, FPR.Militia) in union and (post, FP.roleKind, FPK.Leader) in union
    assert (FPR.GrainDeal, RDF.type, FP.Agreement) in union
    result = validate_graph(article.dataset, origins=article.origins)
    assert result.conforms, [str(v) for v in result.violations]
    reasoned = reason(union)
    assert reasoned.consistent, reasoned.explanation
    assert (FPR.Militia, RDF.type, FP.Actor) in reasoned.inferred


def test_a_key_makes_an_event_one_resource_across_articles(tmp_path):
    """Two articles naming an action with the same key speak of one IRI, each keeping its facts in its own graph."""
    first = load_article(write(tmp_path, annotation(doc="first"), "first.yaml"))
    second = load_article(write(tmp_path, annotation(doc="second"), "second.yaml"))
    shared = FPR["action/grain-deal-exit-2023"]
    for article in (first, second):
        assertions = article.dataset.graph(graph_iri(article.doc_id, "assertions"))
        assert (shared, FP.sourceActor, FPR.Russia) in assertions
        assert (shared, FP.actionKind, FPK["cameo-160"]) in assertions
    local = FPR["first/event/shipping-war"]
    assert (local, RDF.type, FP.ArmedConflict) in first.union()
    assert not list(second.union().triples((local, None, None)))


KINDS = """\
    kinds:
      ConstructedExample:
        scheme: PublicationKinds
        label: constructed example article
        definition: An article written for a project as a realistic example, not published elsewhere.
      FoodSecurity:
        scheme: InterestKinds
        label: food security
        definition: Reliable access to enough affordable food for a population.
"""


def test_kinds_section_adds_concepts_to_open_schemes(tmp_path):
    """Concepts declared under 'kinds' are usable as the document's kind and in facts, and are written to the
    background graph with their scheme, label and definition; the result validates."""
    claims = CLAIMS.split("    background:")[0] + (
        "      - id: food\n"
        "        kind: assessment\n"
        "        view: AnnAnalyst\n"
        '        quote: "Singapore hosted the talks."\n'
        "        statement: Singapore hosted talks on food security.\n"
        "        facts:\n"
        "          - [iran-food, interestKind, fpk:FoodSecurity]\n"
        "          - [iran-food, interestOf, Iran]\n") + "    background:" + CLAIMS.split("    background:")[1]
    body = annotation(kind="fpk:ConstructedExample", kinds=KINDS, claims=claims).replace(
        "  shipping-war:", "  iran-food: {type: Interest, label: Iran's food security}\n  shipping-war:")
    article = load_article(write(tmp_path, body))
    background = article.dataset.graph(graph_iri("world-test", "background"))
    assert (FPK.FoodSecurity, SKOS.inScheme, FPK.InterestKinds) in background
    assert (FPK.ConstructedExample, SKOS.prefLabel, Literal("constructed example article", lang="en")) in background
    assert (FPR["world-test"], FP.publicationKind, FPK.ConstructedExample) in article.union()
    result = validate_graph(article.dataset, origins=article.origins)
    assert result.conforms, [str(v) for v in result.violations]


@pytest.mark.parametrize("kinds,rule", [
    ("kinds:\n  RefugeeCrisis: {scheme: ConcernKinds, label: mass flight, definition: People flee.}\n", "kind-clash"),
    ("kinds:\n  MassFlight: {scheme: ConcernKinds, label: Refugee Crisis, definition: People flee.}\n", "kind-clash"),
    ("kinds:\n  Blockade: {scheme: ActionKinds, label: blockade, definition: Ports are closed.}\n", "kind-scheme"),
    ("kinds:\n  blockade: {scheme: ConcernKinds, label: blockade, definition: Ports are closed.}\n", "wrong-type"),
], ids=["existing-concept", "existing-label", "closed-scheme", "lower-case-id"])
def test_kinds_that_clash_are_refused_with_their_line(tmp_path, kinds, rule):
    """A kind reusing an ontology concept's IRI or label, or extending a closed scheme, is refused with a rule."""
    with pytest.raises(AnnotationError) as err:
        load_article(write(tmp_path, annotation(kinds=kinds)))
    assert rule in rules_of(err.value)
    assert all(v.line for v in (err.value.violations or [err.value]))


def test_a_concept_nobody_defines_is_refused(tmp_path):
    """An fpk: concept neither in the ontology nor under 'kinds' is an unknown concept, at its line."""
    body = annotation(kind="fpk:NewsAnalysis")
    with pytest.raises(AnnotationError) as err:
        load_article(write(tmp_path, body))
    assert rules_of(err.value) == ["unknown-concept"] and "fpk:NewsAnalysis" in str(err.value)


def test_properties_the_loader_writes_itself_are_not_facts(tmp_path):
    """A claim's own properties (fp:about, fp:statedIn) cannot be written as facts: they are unknown properties."""
    claims = CLAIMS.replace("          - [Russia, partyTo, GrainDeal]", "          - [Russia, about, GrainDeal]")
    with pytest.raises(AnnotationError) as err:
        load_article(write(tmp_path, annotation(claims=claims)))
    assert rules_of(err.value) == ["unknown-property"]


def test_a_key_on_a_shared_thing_is_refused(tmp_path):
    """A state is already shared as fpr:{id}; giving it a key is a mistake, reported at its line."""
    body = annotation().replace("label: Russia, wikidata: Q159", "label: Russia, key: russia, wikidata: Q159")
    with pytest.raises(AnnotationError) as err:
        load_article(write(tmp_path, body))
    assert rules_of(err.value) == ["wrong-type"] and "'key'" in str(err.value)


def test_seed_articles_agree_on_the_things_they_share(seeds_dir):
    """Where the seed articles declare the same shared thing (a state, a person, a body), they give it the same
    label, Wikidata item and ISO code, so that their graphs join on one IRI without contradicting each other."""
    names = ("mibae-2018-china-north-korea", "varga-2023-black-sea-grain-deal", "karimi-2022-iran-nuclear-file")
    seen: dict[str, dict] = {}
    shared = 0
    for name in names:
        for eid, entity in load_article(seeds_dir / f"{name}.yaml").annotation.entities.items():
            if entity.segment is not None:
                continue
            described = {"label": entity.label, "wikidata": entity.wikidata, "iso3": entity.iso3}
            if eid in seen:
                shared += 1
                assert seen[eid] == described, (name, eid)
            seen.setdefault(eid, described)
    assert shared >= 5  # the United States, China, Russia, the UN Security Council, Donald Trump ...


def test_a_build_refuses_articles_that_identify_a_shared_thing_differently(tmp_path, line_of):
    """Two articles that give fpr:Russia different Wikidata items stop the build with one line naming both
    files and lines; the same two articles agreeing build, with the keyed action shared. (The other item is Wikidata's
    sandbox, Q4115189: another state's item would already be refused by the annotation's own identity check.)"""
    from kg.errors import InvalidDataError
    from kg.pipeline.builder import build

    first = write(tmp_path, annotation(doc="first"), "first.yaml")
    second = write(tmp_path, annotation(doc="second").replace("wikidata: Q159, iso3: RUS", "wikidata: Q4115189"), "second.yaml")
    with pytest.raises(InvalidDataError) as err:
        build([first, second], store_dir=tmp_path / "store", jobs=1)
    [problem] = err.value.violations
    assert (problem.file, problem.line, problem.rule) == (str(second), line_of(second, "Russia: {"), "wikidata-unique")
    assert f"{first}:{line_of(first, 'Russia: {')} gives it Q159" in problem.message
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())
    second.write_text(dedent(annotation(doc="second")), encoding="utf-8")
    report = build([first, second], store_dir=tmp_path / "store", jobs=1)
    assert report.articles == ["first", "second"]


def test_a_build_refuses_one_state_given_two_iso_codes_before_reasoning(tmp_path, line_of):
    """Two articles giving fpr:Iran different ISO codes stop the build with both files and lines, before the reasoner
    (which would only call the functional fp:iso3166Alpha3 with two values an inconsistency, with no line). The
    other code, IRX, is no state's, so neither article alone contradicts the verified states."""
    from kg.errors import AnnotationError
    from kg.pipeline.builder import build

    first = write(tmp_path, annotation(doc="first"), "first.yaml")
    second = write(tmp_path, annotation(doc="second").replace("wikidata: Q794, iso3: IRN", "iso3: IRX"), "second.yaml")
    progress = []
    with pytest.raises(AnnotationError) as err:
        build([first, second], store_dir=tmp_path / "store", jobs=1, progress=lambda *a: progress.append(a[0]))
    [problem] = err.value.violations
    assert (problem.file, problem.line, problem.rule) == (str(second), line_of(second, "Iran: {"), "iso-unique")
    assert f"{first}:{line_of(first, 'Iran: {')} gives it IRN" in problem.message
    assert "reason" not in progress


def test_one_keyed_event_with_its_item_in_two_articles_is_no_conflict(tmp_path):
    """Two articles naming one keyed action by different ids, with the same Wikidata item (the sandbox, Q4115189),
    describe one resource (fpr:action/{key}): no identity conflict; the same item on a second key is one."""
    from kg.pipeline.identity import identity_problems

    keyed = "key: grain-deal-exit-2023}"
    first = write(tmp_path, annotation(doc="first").replace(keyed, keyed[:-1] + ", wikidata: Q4115189}"), "first.yaml")
    second = write(tmp_path, re.sub(r"(?<![-\w])exit(?![-\w])", "leaving", annotation(doc="second").replace(
        keyed, keyed[:-1] + ", wikidata: Q4115189}")), "second.yaml")
    assert "leaving: {" in second.read_text(encoding="utf-8")
    assert identity_problems([first, second]) == []
    third = write(tmp_path, annotation(doc="third").replace(keyed, "key: another-exit, wikidata: Q4115189}"),
                  "third.yaml")
    [problem] = identity_problems([first, third])
    assert problem.rule == "wikidata-unique" and "gives to 'exit'" in problem.message


def test_validating_two_articles_reports_their_identity_conflicts_as_a_build_does(tmp_path, line_of):
    """kg validate of two annotations giving fpr:Iran different ISO codes reports the conflict with both files and
    lines, as kg build refuses it; each file alone is valid."""
    from kg.pipeline.builder import validate

    first = write(tmp_path, annotation(doc="first"), "first.yaml")
    second = write(tmp_path, annotation(doc="second").replace("wikidata: Q794, iso3: IRN", "iso3: IRX"), "second.yaml")
    assert validate([second], reason=False).violations == []
    [problem] = validate([first, second], reason=False).violations
    assert problem.startswith(f"{second}:{line_of(second, 'Iran: {')}:") and problem.endswith("[iso-unique]")
    assert f"{first}:{line_of(first, 'Iran: {')} gives it IRN" in problem


@pytest.mark.parametrize("name", ["varga-2023-black-sea-grain-deal", "karimi-2022-iran-nuclear-file"])
def test_constructed_articles_conform_with_views_predictions_and_recommendations(seeds_dir, name):
    """Each constructed example loads, conforms to the shapes and has at least 12 claims, among them views of
    actors other than the author, predictions and recommendations."""
    article = load_article(seeds_dir / f"{name}.yaml")
    result = validate_graph(article.dataset, origins=article.origins)
    assert result.conforms, [str(v) for v in result.violations]
    claims = article.annotation.claims
    author = article.annotation.document.author
    assert len(claims) >= 12
    assert any(set(c.views) - {author} for c in claims)
    assert {"prediction", "recommendation", "belief", "reported-fact"} <= {c.kind for c in claims}


@pytest.mark.parametrize("name", ["varga-2023-black-sea-grain-deal", "karimi-2022-iran-nuclear-file"])
def test_constructed_articles_say_how_sure_whose_and_why(seeds_dir, name):
    """Each constructed example (issue 11 under format 0.2) has a possible (PS+) and a probable (PR+) prediction
    with their cue words, recommendations that are not facts, actions that did not happen kept apart by a status,
    argument links marked by their connectives, and dated offices instead of undated roles."""
    article = load_article(seeds_dir / f"{name}.yaml")
    claims, entities = article.annotation.claims, article.annotation.entities
    hedged = {c.modality for c in claims if c.kind == "prediction" and c.hedges}
    assert {"PS+", "PR+"} <= hedged
    assert {c.modality for c in claims if c.kind == "recommendation"} == {"Uu"}
    statuses = {e.status for e in entities.values() if e.segment in ("action", "event")}
    assert {"recommended", "hypothetical"} <= statuses and statuses & {"feared", "predicted"}
    assert sum(1 for c in claims if c.relations and c.connective) >= 3
    memberships = [e for e in entities.values() if "Membership" in e.types]
    assert memberships
    dated = {s for s, p, _o, _g in article.dataset.quads((None, None, None, None)) if p in (FP.validAsOf, FP.endedBy)}
    assert dated == {FPR[f"{name}/membership/{m.id}"] for m in memberships}


def test_a_build_refuses_two_articles_declaring_one_kind_differently(tmp_path):
    """A kind declared by two annotations must be one concept: different labels stop the build, naming both."""
    from kg.errors import InvalidDataError
    from kg.pipeline.builder import build

    first = write(tmp_path, annotation(doc="first", kinds=KINDS), "first.yaml")
    second = write(tmp_path, annotation(doc="second", kinds=KINDS.replace("label: food security",
                                                                          "label: food supply")), "second.yaml")
    with pytest.raises(InvalidDataError) as err:
        build([first, second], store_dir=tmp_path / "store", jobs=1)
    assert err.value.violations == ['fpk:FoodSecurity skos:prefLabel: "food security" in fpg:first/background, '
                                    '"food supply" in fpg:second/background']


def test_a_shared_event_keeps_each_articles_status(tmp_path):
    """An event two articles share by its key may have happened in one account and be only predicted in the other:
    each status stays in its article's assertions graph, and the reasoner equates no two statuses."""
    import pyoxigraph as ox

    from kg.pipeline.builder import build
    from kg.rdf.store import read_dataset

    first = write(tmp_path, annotation(doc="first"), "first.yaml")
    second = write(tmp_path, annotation(doc="second").replace(
        "key: grain-deal-exit-2023}", "key: grain-deal-exit-2023, status: predicted}"), "second.yaml")
    build([first, second], store_dir=tmp_path / "store", jobs=1)
    exit_iri = str(FPR["action/grain-deal-exit-2023"])
    statuses = {(q.graph_name.value.rsplit("/", 2)[1], q.object.value.rsplit("/", 1)[1])
                for q in read_dataset(tmp_path / "store")
                if q.subject.value == exit_iri and q.predicate.value == str(FP.status)}
    assert {("first", "Actual"), ("second", "Predicted")} <= statuses
    same = [q for q in read_dataset(tmp_path / "store") if q.predicate == ox.NamedNode(str(OWL.sameAs))
            and "kinds/" in q.subject.value]
    assert same == []
