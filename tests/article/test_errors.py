"""Invalid annotations fail with one clear error naming file and line (fixtures are cut from the seed annotation)."""

import shutil

import pytest

from kg.annotate.annotations import read_annotation
from kg.errors import AnnotationError, LoadError
from kg.annotate.loader import find_quote, load_article

# fixture -> (error class, rule, text on the offending line)
CASES = {
    "quote-not-found": (AnnotationError, "quote-occurs", "quote: \"Denuclearization of the Korean"),
    "quote-ambiguous": (AnnotationError, "quote-ambiguous", "quote: \"Beijing\""),
    "quote-in-furniture": (AnnotationError, "quote-in-paragraph", "quote: \"Post a Comment\""),
    "unknown-entity": (AnnotationError, "unknown-entity", "[Chna, hasInterest"),
    "unknown-property": (AnnotationError, "unknown-property", "[china-stability, interestType"),
    "wrong-kind": (AnnotationError, "wrong-type", "kind: opinion"),
    "missing-field": (AnnotationError, "required-field", "- id: looks-to-washington"),
    "malformed": (LoadError, "yaml-syntax", "label: China wikidata"),
    "non-utf8": (LoadError, "utf-8", "label: Taisuke Miba"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_annotation_names_file_and_line(name, fixtures_dir, line_of):
    """Each broken fixture raises its error class and rule, pointing at the line that is wrong."""
    error_class, rule, needle = CASES[name]
    path = fixtures_dir / f"{name}.yaml"
    with pytest.raises(error_class) as caught:
        load_article(path)
    error = caught.value
    assert (error.file, error.line, error.rule) == (str(path), line_of(path, needle), rule)
    assert str(error).startswith(f"{path}:{error.line}")
    assert "Traceback" not in str(error) and "\n" not in str(error)


def test_the_valid_fixture_loads(fixtures_dir):
    """The fixture the broken ones are cut from is itself valid, so each break is the only problem."""
    article = load_article(fixtures_dir / "valid-small.yaml")
    assert len(article.annotation.claims) == 2


def test_malformed_yaml_reports_the_column(fixtures_dir, line_of):
    """A YAML syntax error carries the column of the YAML parser's mark as well as the line."""
    with pytest.raises(LoadError) as caught:
        read_annotation(fixtures_dir / "malformed.yaml")
    assert caught.value.column is not None and "malformed YAML" in caught.value.message


def test_non_utf8_reports_the_byte_offset(fixtures_dir):
    """A byte that is not UTF-8 is reported with its offset in the file."""
    path = fixtures_dir / "non-utf8.yaml"
    offset = path.read_bytes().index(b"\xe9")
    with pytest.raises(LoadError, match=f"byte 0xe9 at byte offset {offset}"):
        read_annotation(path)


def test_straight_apostrophe_gets_a_hint(fixtures_dir):
    """A quote that differs from the text only by ' for ’ says so."""
    with pytest.raises(AnnotationError, match="it has ’ where the quote has '"):
        load_article(fixtures_dir / "quote-not-found.yaml")


def test_several_problems_are_reported_together(fixtures_dir, line_of):
    """A wrong kind, an unknown entity and a missing field come back as one error listing all three."""
    path = fixtures_dir / "several-problems.yaml"
    with pytest.raises(AnnotationError) as caught:
        read_annotation(path)
    found = [(v.line, v.rule) for v in caught.value.violations]
    assert found == [(line_of(path, "kind: opinion"), "wrong-type"),
                     (line_of(path, "[Chna, hasInterest"), "unknown-entity"),
                     (line_of(path, "- id: looks-to-washington"), "required-field")]
    assert "3 violations" in str(caught.value)


def test_missing_annotation_file_is_a_load_error(tmp_path):
    """A path with no file behind it raises LoadError naming it."""
    path = tmp_path / "absent.yaml"
    with pytest.raises(LoadError) as caught:
        load_article(path)
    assert caught.value.file == str(path)


def test_missing_article_text_is_a_load_error(fixtures_dir, tmp_path):
    """An annotation whose document text does not exist raises LoadError naming the text file."""
    path = tmp_path / "copy.yaml"
    shutil.copy(fixtures_dir / "valid-small.yaml", path)  # its relative text path now leads nowhere
    with pytest.raises(LoadError) as caught:
        load_article(path)
    assert caught.value.file == str(path) and "mibae-2018-china-north-korea.txt" in caught.value.message


def test_wrong_literal_type_in_a_fact(fixtures_dir, tmp_path, line_of):
    """A concern rank that is not a whole number is a wrong-type error on the fact's line."""
    text = (fixtures_dir / "valid-small.yaml").read_text(encoding="utf-8")
    shutil.copy(fixtures_dir / "mibae-2018-china-north-korea.txt", tmp_path)
    text = text.replace("      - [China, hasInterest, china-stability]\n",
                        "      - [China, hasInterest, china-stability]\n      - [China, concernRank, first]\n")
    path = tmp_path / "rank.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        load_article(path)
    assert (caught.value.line, caught.value.rule) == (line_of(path, "concernRank"), "wrong-type")


def test_occurrence_picks_one_of_several_matches():
    """With occurrence N the N-th match (counting from 1) is taken, and a too-large N is an error."""
    text = "Beijing said; Beijing did"
    assert find_quote(text, "Beijing", occurrence=2) == (14, 21)
    with pytest.raises(AnnotationError, match="occurs 2 time"):
        find_quote(text, "Beijing", occurrence=3)


def test_an_id_declared_twice_is_reported(fixtures_dir, tmp_path, line_of):
    """An entity id given twice (YAML would silently keep the last) is a duplicate-key error at the second one."""
    text = (fixtures_dir / "valid-small.yaml").read_text(encoding="utf-8")
    shutil.copy(fixtures_dir / "mibae-2018-china-north-korea.txt", tmp_path)
    text = text.replace("claims:\n", "  China: {type: State, label: People's Republic of China}\nclaims:\n")
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        read_annotation(path)
    assert (caught.value.line, caught.value.rule) == (line_of(path, "People's Republic"), "duplicate-key")


def test_a_misspelt_concept_gets_a_did_you_mean(fixtures_dir, tmp_path):
    """A concept of a closed scheme written with a typo is refused naming the concept it was probably meant to be."""
    text = (fixtures_dir / "valid-small.yaml").read_text(encoding="utf-8")
    path = tmp_path / "typo.yaml"
    path.write_text(text.replace("fpk:RegionalStability", "fpk:RegionalStabilty"), encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        read_annotation(path)
    assert caught.value.rule == "unknown-concept"
    assert "did you mean 'fpk:RegionalStability'?" in caught.value.message


# a typo in valid-small.yaml -> (rule, the hint its message must give)
TYPOS = {
    ("kind: assessment\n    view: TaisukeMibae\n    quote: \"China",
     "kind: asessment\n    view: TaisukeMibae\n    quote: \"China"): ("wrong-type", "did you mean 'assessment'?"),
    ("[China, hasInterest,", "[China, hasIntrest,"): ("unknown-property", "did you mean 'hasInterest'?"),
    ("{type: Person,", "{type: Persn,"): ("wrong-type", "did you mean 'Person'?"),
    ("[China, hasInterest,", "[Chna, hasInterest,"): ("unknown-entity", "did you mean 'China'?"),
    ("about: China", "about: Chin"): ("unknown-entity", "did you mean 'China'?"),
    ("    statement: China puts", "    statment: China puts"): ("unknown-field", "did you mean 'statement'?"),
}


@pytest.mark.parametrize("typo", sorted(TYPOS), ids=lambda t: t[1].split("\n")[0])
def test_a_typo_in_a_closed_list_names_the_closest_value(typo, fixtures_dir, tmp_path):
    """A claim kind, fact property, entity type, entity id or field name with a typo is refused with the value it
    was probably meant to be."""
    rule, hint = TYPOS[typo]
    text = (fixtures_dir / "valid-small.yaml").read_text(encoding="utf-8")
    assert typo[0] in text
    path = tmp_path / "typo.yaml"
    path.write_text(text.replace(typo[0], typo[1], 1), encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        read_annotation(path)
    found = [e for e in (caught.value.violations or [caught.value]) if getattr(e, "rule", None) == rule]
    assert found and hint in found[0].message, str(caught.value)
