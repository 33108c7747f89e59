"""`kg build` on the seed article as a real process: output, determinism, round-trips, bad input, kill -9."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.rdf.export import FORMATS
from kg.rdf.files import PAUSE_ENV, sha256_file
from kg.rdf.store import DATASET_FILE

from .conftest import REPO, run_kg, same_dataset, same_union

SEED = REPO / "seeds" / "mibae-2018-china-north-korea.yaml"
TEXT = SEED.with_suffix(".txt")
DOC = "mibae-2018-china-north-korea"
STAGES = ("load", "shacl", "reason", "store", "export")
EXPORT_FILES = {"turtle": "fpkg.ttl", "trig": "fpkg.trig", "jsonld": "fpkg.jsonld", "nt": "fpkg.nt", "nq": "fpkg.nq"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A store built from the seed annotation by `kg build` (named, so other articles in seeds/ do not count)."""
    store = tmp_path_factory.mktemp("built") / "store"
    return store, run_kg("build", str(SEED), "--store-dir", str(store), timeout=300)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden temporary files included) with its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def published(store: Path) -> dict[str, bytes]:
    """The files of the store's published build, read through its links, with their bytes."""
    return {name: (store / name).read_bytes() for name in [DATASET_FILE, "build.json"]
            + [f"exports/{f}" for f in EXPORT_FILES.values()]}


def unpublished_complete_builds(store: Path) -> list[Path]:
    """Build folders holding a build.json (written last) that ``current`` does not point at."""
    live = (store / "current").resolve()
    return [f for f in (store / "builds").glob("*/build.json") if f.parent.resolve() != live]


def annotation_copy(tmp_path: Path, old: str | None = None, new: str = "", encoding: str = "utf-8") -> Path:
    """The seed annotation copied beside its article into ``tmp_path``, with ``old`` replaced by ``new`` once."""
    shutil.copy(TEXT, tmp_path / TEXT.name)
    text = SEED.read_text(encoding="utf-8")
    if old is not None:
        assert old in text, f"the seed annotation no longer contains {old!r}"
        text = text.replace(old, new, 1)
    target = tmp_path / SEED.name
    target.write_bytes(text.encode(encoding))
    return target


def test_build_reports_stages_and_fills_the_store(built):
    """kg build exits 0, prints one progress line per stage on stderr (after the soft rules' warnings), and leaves
    dataset, metadata and exports."""
    store, r = built
    assert r.returncode == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings and all("[fp:meaning/no-wikidata]" in line for line in warnings)
    lines = [line for line in r.stderr.splitlines() if not line.startswith("warning: ")]
    assert [line.split()[2] for line in lines] == list(STAGES)
    assert all(line.split()[4] == "s" for line in lines)
    info = json.loads((store / "build.json").read_text())
    inputs = {i["path"]: i["sha256"] for i in info["inputs"]}
    assert inputs[f"seeds/{SEED.name}"] == sha256_file(SEED) and inputs[f"seeds/{TEXT.name}"] == sha256_file(TEXT)
    assert inputs["ontology/shapes.ttl"] == sha256_file(REPO / "ontology" / "shapes.ttl")
    assert info["articles"] == [DOC]
    assert info["dataset"]["sha256"] == sha256_file(store / DATASET_FILE)
    graphs = info["triples_per_graph"]
    for role in ("assertions", "background", "provenance"):
        assert graphs[f"https://w3id.org/fpkg/graph/{DOC}/{role}"] > 0
    assert graphs["https://w3id.org/fpkg/graph/ontology"] > 0
    assert "https://w3id.org/fpkg/graph/inferred" in graphs
    assert info["claims"] > 0 and f"{info['claims']} claims" in r.stdout
    assert sorted(p.name for p in (store / "exports").iterdir()) == sorted([*EXPORT_FILES.values(), "void.ttl"])


def test_two_builds_give_identical_bytes(built, tmp_path):
    """A second build of the same input gives byte-identical dataset.nq and exports."""
    store, first = built
    assert first.returncode == 0
    r = run_kg("build", str(SEED), "--store-dir", str(tmp_path / "again"), timeout=300)
    assert r.returncode == 0, r.stderr
    for name in [DATASET_FILE] + [f"exports/{f}" for f in EXPORT_FILES.values()]:
        assert (tmp_path / "again" / name).read_bytes() == (store / name).read_bytes(), name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_seed_exports_parse_back_isomorphic(built, fmt):
    """Each export of the seed graph, parsed by rdflib, equals the stored dataset (TriG, JSON-LD) or its union
    graph (Turtle, N-Triples), blank nodes up to renaming."""
    store, _ = built
    stored = list(ox.parse(path=str(store / DATASET_FILE)))
    parsed = rdflib.Dataset()
    parsed.parse(store / "exports" / EXPORT_FILES[fmt],
                 format={"turtle": "turtle", "trig": "trig", "jsonld": "json-ld", "nt": "nt", "nq": "nquads"}[fmt])
    assert same_dataset(parsed, stored) if FORMATS[fmt][1] else same_union(parsed, stored)


def test_kg_export_matches_build_exports(built):
    """`kg export --format F` prints the same bytes the build wrote to exports/."""
    store, _ = built
    for fmt, name in EXPORT_FILES.items():
        r = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--format", fmt, "--store-dir", str(store)],
                           cwd=REPO, capture_output=True, check=True)
        assert r.stdout == (store / "exports" / name).read_bytes(), fmt


def test_queries_on_the_built_seed(built):
    """The plain question "what are China's concerns?" is one triple pattern on the built store."""
    store, _ = built
    r = run_kg("query", "SELECT (COUNT(?c) AS ?n) WHERE { fpr:China fp:hasConcern ?c }", "--format", "csv",
               store=store)
    assert r.returncode == 0 and int(r.stdout.splitlines()[1]) >= 5


RANK = "      - [refugee-crisis, concernRank, 1]\n"
#: name -> (text in the seed annotation, its replacement, exit code, what stderr must say)
BAD_ANNOTATIONS = {
    "quote not found": ('quote: "Many experts are cynical about Chinese cooperation on North Korea."',
                        'quote: "Many experts are enthusiastic about Chinese cooperation."', 1, "[quote-occurs]"),
    "unknown entity": ("view: many-experts", "view: no-such-entity", 1, "[unknown-entity]"),
    "wrong type": (RANK, "      - [refugee-crisis, concernRank, first]\n", 1, "[wrong-type]"),
    "missing field": ("    kind: reported-fact\n", "", 1, "[required-field]"),
    "malformed YAML": ("\nclaims:\n", "\nclaims: [\n", 2, "malformed YAML"),
    "SHACL violation": (RANK, RANK + "      - [refugee-crisis, concernRank, 7]\n", 1, "[fp:ConcernShape]"),
    "OWL inconsistency": (RANK, RANK + "      - [ShinzoAbe, hasMember, China]\n", 1, "are inconsistent"),
}


@pytest.mark.parametrize("case", sorted(BAD_ANNOTATIONS) + ["non-UTF-8", "missing file"])
def test_bad_annotation_stops_build_and_leaves_store_untouched(built, tmp_path, case):
    """Each kind of bad annotation gives one-line errors naming the file (and line), exit code 1 (invalid data)
    or 2 (unreadable), and leaves the previous store and exports byte-identical."""
    good, _ = built
    store = tmp_path / "store"
    shutil.copytree(good, store)
    before = snapshot(store)
    if case == "non-UTF-8":
        bad, code, says = annotation_copy(tmp_path, encoding="cp1252"), 2, "not UTF-8"
    elif case == "missing file":
        bad, code, says = tmp_path / "absent.yaml", 2, "absent.yaml"
    else:
        old, new, code, says = BAD_ANNOTATIONS[case]
        bad = annotation_copy(tmp_path, old, new)
    r = run_kg("build", str(bad), "--store-dir", str(store), "--quiet", timeout=300)
    assert r.returncode == code, r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr and says in r.stderr
    lines = r.stderr.splitlines()
    assert lines and all(line.strip() for line in lines)
    if case != "OWL inconsistency":  # the reasoner names nodes, not lines
        assert all(line.startswith(str(bad)) or line.startswith("kg build: ") for line in lines), r.stderr
        assert str(bad) in r.stderr
    assert snapshot(store) == before


def test_kill_9_during_build_leaves_previous_store_whole(built, tmp_path):
    """A build of changed input killed with SIGKILL once its build folder is complete, before it is published,
    leaves the published dataset.nq, build.json and exports byte-identical and loadable; the same build left
    alone publishes the change and removes the killed build's folder."""
    good, _ = built
    store = tmp_path / "store"
    shutil.copytree(good, store, symlinks=True)
    before = published(store)
    changed = annotation_copy(tmp_path, "statement: Many experts doubt", "statement: Several experts doubt")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(changed), "--store-dir", str(store), "-q"],
                            cwd=REPO, env={**os.environ, PAUSE_ENV: "60"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not unpublished_complete_builds(store):
        assert proc.poll() is None, "the build ended before writing its build folder"
        time.sleep(0.05)
    time.sleep(0.3)  # build.json is the last file written; let the builder sync the folder and reach the pause
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert published(store) == before
    store_check = run_kg("query", "ASK { fpr:China a fp:State }", store=store)
    assert store_check.stdout == "true\n"
    finished = run_kg("build", str(changed), "--store-dir", str(store), "-q", timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert (store / DATASET_FILE).read_bytes() != before[DATASET_FILE]
    assert len(list((store / "builds").iterdir())) == 2  # the new build and the one it replaced
    assert not list(store.glob(".*.tmp"))


def test_validate_command(built, tmp_path):
    """kg validate accepts the seed annotation and the TriG and Turtle exports (exit 0), reports a bad annotation
    with exit 1 and an unparsable RDF file with exit 2, one line each."""
    store, _ = built
    ok = run_kg("validate", str(SEED), str(store / "exports" / "fpkg.trig"), str(store / "exports" / "fpkg.ttl"),
                timeout=300)
    assert ok.returncode == 0, ok.stderr
    bad = annotation_copy(tmp_path, "view: many-experts", "view: no-such-entity")
    r = run_kg("validate", str(bad), timeout=300)
    assert r.returncode == 1 and "no-such-entity" in r.stderr and "Traceback" not in r.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix fp: <https://w3id.org/fpkg/ontology#> .\nfp:a fp:b .\n")
    r = run_kg("validate", str(broken), timeout=300)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and str(broken) in r.stderr
