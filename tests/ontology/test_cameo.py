"""The CAMEO 1.1b3 codebook in ontology/cameo.ttl: a complete, well-formed hierarchy, each code with its PLOVER
mapping or a mark that it has none, and every code an annotation or query uses defined in it.

The expected names and mappings below are read off the published sources (the CAMEO 1.1b3 codebook's code table
and the PLOVER project's CAMEO2PLOVER-2021 table), not off the file under test.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, SKOS, XSD

from kg.check.ontology import load_ontology
from kg.rdf.namespaces import FP, FPK

REPO = Path(__file__).resolve().parents[2]
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
STATUSES = {"mapped", "provisional", "noEquivalent"}
PLOVER = """AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST SANCTION
    MOBILIZE COERCE ASSAULT""".split()
#: code -> name in the codebook's table (chapter 6), for codes the reference list and the articles use.
NAMES = {"04": "Consult", "040": "Consult, not specified below", "042": "Make a visit", "043": "Host a visit",
         "044": 'Meet at a "third" location', "057": "Sign formal agreement", "0254": "Appeal for easing of economic sanctions, boycott, or embargo",
         "1042": "Demand policy change", "1056": "Demand de-escalation of military engagement",
         "1312": "Threaten with sanctions, boycott, embargo", "163": "Impose embargo, boycott, or sanctions",
         "19": "Fight", "190": "Use conventional military force, not specified below"}
#: code -> (SKOS mapping property, PLOVER category) on the code's own row of CAMEO2PLOVER-2021; the review flagged
#: 03, 05, 163 and 085 as wrongly inherited from their roots.
PLOVER_ROWS = {"03": (SKOS.closeMatch, "AGREE"), "05": (SKOS.closeMatch, "SUPPORT"),
               "163": (SKOS.broadMatch, "COERCE"), "085": (SKOS.broadMatch, "RETREAT"),
               "042": (SKOS.broadMatch, "CONSULT"), "043": (SKOS.broadMatch, "CONSULT")}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def codes(onto) -> dict:
    """notation -> concept, for every concept of fpk:ActionKinds."""
    return {str(n): c for c in onto.subjects(SKOS.inScheme, FPK.ActionKinds) for n in onto.objects(c, SKOS.notation)}


def test_codebook_has_every_level_and_unique_notations(onto, codes):
    """The 20 roots 01-20 and their three- and four-digit codes are there, each notation once, typed
    fpk:CAMEOCode, on the concept fpk:cameo-{code}, with the version of the codebook on the scheme."""
    concepts = set(onto.subjects(SKOS.inScheme, FPK.ActionKinds))
    notations = [n for c in concepts for n in onto.objects(c, SKOS.notation)]
    assert len(notations) == len(concepts) == len(set(map(str, notations)))
    assert all(n.datatype == FPK.CAMEOCode for n in notations)
    assert all(c == FPK[f"cameo-{code}"] for code, c in codes.items())
    levels = Counter(len(code) for code in codes)
    assert sorted(code for code in codes if len(code) == 2) == [f"{i:02d}" for i in range(1, 21)]
    assert levels[3] > 100 and levels[4] > 100 and set(levels) == {2, 3, 4}
    assert Literal("CAMEO 1.1b3") in set(onto.objects(FPK.ActionKinds, OWL.versionInfo))


def test_no_level_is_skipped(onto, codes):
    """Each three-digit code's only broader concept is its root, each four-digit code's its three-digit code."""
    for code, concept in codes.items():
        broader = [str(onto.value(b, SKOS.notation)) for b in onto.objects(concept, SKOS.broader)]
        assert broader == ([] if len(code) == 2 else [code[:2] if len(code) == 3 else code[:3]]), code


def test_top_concepts_are_exactly_the_roots(onto, codes):
    """hasTopConcept and topConceptOf name the 20 roots, and nothing that is not a concept of the scheme."""
    roots = {c for code, c in codes.items() if len(code) == 2}
    assert set(onto.objects(FPK.ActionKinds, SKOS.hasTopConcept)) == roots
    assert set(onto.subjects(SKOS.topConceptOf, FPK.ActionKinds)) == roots
    for scheme in onto.subjects(RDF.type, SKOS.ConceptScheme):
        for top in onto.objects(scheme, SKOS.hasTopConcept):
            assert (top, SKOS.inScheme, scheme) in onto, (scheme, top)


@pytest.mark.parametrize("code,name", sorted(NAMES.items()))
def test_codes_carry_the_codebook_names(onto, codes, code, name):
    """A code's preferred label is its name in the codebook's table."""
    assert onto.value(codes[code], SKOS.prefLabel) == Literal(name, lang="en")


def test_every_code_has_a_plover_mapping_or_says_why_not(onto, codes):
    """Each code is "mapped" (a SKOS match to a PLOVER category and the table line it comes from), or
    "provisional" / "noEquivalent" with no match asserted; a provisional code names the category it would get."""
    categories = set(onto.subjects(SKOS.inScheme, FPK.PloverCategories))
    assert {str(onto.value(c, SKOS.notation)) for c in categories} == set(PLOVER)
    for code, concept in codes.items():
        status = [str(s) for s in onto.objects(concept, FP.ploverMappingStatus)]
        assert len(status) == 1 and status[0] in STATUSES, code
        targets = [o for p in MATCHES for o in onto.objects(concept, p)]
        assert set(targets) <= categories, code
        if status[0] == "mapped":
            assert targets and onto.value(concept, FP.ploverMappingSource) is not None, code
        else:
            assert not targets, code
        if status[0] == "provisional":
            assert onto.value(concept, FP.provisionalPloverCategory) in categories, code


@pytest.mark.parametrize("code", sorted(PLOVER_ROWS))
def test_codes_map_to_the_category_of_their_own_row(onto, codes, code):
    """The PLOVER category of a code is the one on its own row of the table, not its root's."""
    prop, category = PLOVER_ROWS[code]
    assert (codes[code], prop, FPK[f"plover-{category}"]) in onto


def test_quad_class_is_derivable_for_every_code(onto, codes):
    """Every code reaches, through skos:broader, a root with a quad class 1-4 (so QuadClass is derivable)."""
    for code, concept in codes.items():
        root = codes[code[:2]]
        assert root in set(onto.transitive_objects(concept, SKOS.broader)), code
        quad = onto.value(root, FP.quadClass)
        assert quad is not None and quad.datatype == XSD.integer and quad.toPython() in (1, 2, 3, 4), code


def test_every_code_used_anywhere_exists(codes):
    """Every fpk:cameo-NNN in an annotation (seeds/, test fixtures), query, shape or doc names a code of the
    codebook."""
    files = [*REPO.glob("seeds/*.yaml"), *REPO.glob("ontology/queries/*.rq"), REPO / "ontology" / "shapes.ttl",
             *REPO.glob("tests/**/*.yaml"), *REPO.glob("tests/**/*.ttl"), *REPO.glob("docs/*.md"),
             *REPO.glob("*.md"), *REPO.glob("seeds/*.md")]
    used = {(path.name, code) for path in files if path.exists()
            for code in re.findall(r"fpk:cameo-(\d+)", path.read_text(encoding="utf-8", errors="replace"))}
    assert used, "no file uses a CAMEO code: the search is broken"
    assert [(name, code) for name, code in sorted(used) if code not in codes] == []
