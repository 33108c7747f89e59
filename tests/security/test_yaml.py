"""Annotations are read by a YAML loader that cannot be made to explode, and checks that take the whole value."""

import subprocess
import sys

import pytest

from kg.annotate.annotations import read_annotation
from kg.errors import AnnotationError, LoadError

# Nine levels of nine references each: under 600 bytes of YAML standing for 9**9 (387 million) strings.
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                  for p, n in zip("abcdefgh", "bcdefghi")))


def test_alias_bomb_is_refused_fast(variant):
    """A sub-600-byte alias bomb is refused before anything is expanded, one line naming file and line."""
    assert len(BOMB.encode()) <= 600
    path = variant("claims:\n", BOMB + "claims:\n")
    with pytest.raises(LoadError) as caught:
        read_annotation(path)
    assert caught.value.rule == "yaml-no-alias"
    first_bomb_line = path.read_text().splitlines().index(BOMB.splitlines()[0]) + 1
    assert caught.value.file == str(path) and caught.value.line == first_bomb_line
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("yaml_text, line", [
    ("  Korea: &k {type: State, label: Korea}\n", 10),
    ("  Korea: {<<: {type: State}, label: Korea}\n", 10),
])
def test_anchors_and_merge_keys_are_refused(variant, yaml_text, line):
    """Anchors and merge keys are refused with their line, not silently expanded."""
    path = variant("  TaisukeMibae:", yaml_text + "  TaisukeMibae:")
    with pytest.raises(LoadError) as caught:
        read_annotation(path)
    assert (caught.value.rule, caught.value.line) == ("yaml-no-alias", line)


def test_bomb_through_the_cli_ends_fast(variant, tmp_path):
    """`kg validate` on the bomb exits 2 with one error line, no MemoryError (a bounded wait: a hang fails)."""
    path = variant("claims:\n", BOMB + "claims:\n")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "validate", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "yaml-no-alias" in done.stderr and "MemoryError" not in done.stderr


def first_changed_line(changed, original) -> int:
    pairs = zip(changed.read_text().splitlines(), original.read_text().splitlines())
    return next(n for n, (a, b) in enumerate(pairs, start=1) if a != b)


@pytest.mark.parametrize("old, new, rule_text", [
    ("China: {type: State", '"China\\n": {type: State', "entity id"),
    ("iso3: CHN}", 'iso3: "CHN\\n"}', "'iso3'"),
    ("wikidata: Q148,", 'wikidata: "Q148\\n",', "'wikidata'"),
    ("id: stability-first", 'id: "stability-first\\n"', "'id'"),
    ("id: test-small", 'id: "test-small\\n"', "'id'"),
    ("fpk:RegionalStability]", '"fpk:RegionalStability\\n"]', "fpk: concept"),
    ("kind: fpk:BlogPost", 'kind: "fpk:BlogPost\\n"', "'kind'"),
    ("author: TaisukeMibae\n", "author: TaisukeMibae\n  issued: \"2018-13\"\n", "'issued'"),
    ("author: TaisukeMibae\n", "author: TaisukeMibae\n  issued: \"2018\\n\"\n", "'issued'"),
    ("author: TaisukeMibae\n", "author: TaisukeMibae\n  issued: 2018-02-30\n", "'issued'"),
    ("author: TaisukeMibae\n", "author: TaisukeMibae\n  issued: \"2018-02-30\"\n", "'issued'"),
])
def test_trailing_newline_and_impossible_dates_are_refused(variant, old, new, rule_text):
    """A value with a trailing newline, a 13th month or a 30th of February is one annotation error with its line."""
    path = variant(old, new)
    with pytest.raises(AnnotationError) as caught:
        read_annotation(path)
    error = (caught.value.violations or [caught.value])[0]  # a renamed entity also leaves its uses unknown
    assert error.file == str(path) and error.line == first_changed_line(path, path.parent / "small.yaml")
    assert rule_text in error.message


def test_impossible_date_gives_no_traceback(variant):
    """`kg validate` on 2018-02-30 prints the one annotation error and no rdflib or Python traceback."""
    path = variant("author: TaisukeMibae\n", "author: TaisukeMibae\n  issued: \"2018-02-30\"\n")
    done = subprocess.run([sys.executable, "-m", "kg.cli", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Failed to convert" not in done.stderr
    assert f"{path}:7: document: 'issued' must be" in done.stderr
