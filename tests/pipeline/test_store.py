"""The store directory: atomic files, in-memory and persistent pyoxigraph stores."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.settings import Settings, using
from kg.rdf.canonical import canonical_quads, canonical_union
from kg.rdf.files import PAUSE_ENV
from kg.rdf.store import BUILD_FILE, DATASET_FILE, open_store, read_build_info, resolve_store_dir, save_dataset

from .conftest import REPO, same_dataset, sample_quads


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _reference_key(quad: ox.Quad):
    """The documented order, spelled out on the terms' str(): graph (the default graph first), subject,
    predicate with rdf:type first, object."""
    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
    return graph, str(quad.subject), quad.predicate != RDF_TYPE, str(quad.predicate), str(quad.object)


def _reference_canonical(quads) -> list[ox.Quad]:
    """What canonical_quads promises, done the plain way: the whole dataset canonicalized, then sorted."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=_reference_key)


def _tricky_quads() -> list[ox.Quad]:
    """Terms whose text is a prefix of another's (<a>, <a/b>; "a", "a"@en, "a b"; _:c14n1, _:c14n10), rdf:type as
    predicate and as object, the default graph, blank-node graphs, "_:" in literals and duplicates, shuffled."""
    ex = "http://ex/"
    iris = [ox.NamedNode(ex + name) for name in ("a", "a/b", "ab", "a#b", "b")] + [RDF_TYPE]
    blanks = [ox.BlankNode(f"n{i}") for i in range(12)]
    objects = iris + blanks[:3] + [ox.Literal("a"), ox.Literal("a", language="en"), ox.Literal("a b"),
                                   ox.Literal("a", datatype=ox.NamedNode(ex + "dt")), ox.Literal("_:n1"),
                                   ox.Literal("x\ny\u2028z")]
    graphs = [ox.DefaultGraph(), ox.NamedNode(ex + "g"), ox.NamedNode(ex + "g/1"), ox.BlankNode("g")]
    rng = random.Random(7)
    quads = [ox.Quad(rng.choice(iris[:5] + blanks), rng.choice(iris), rng.choice(objects), rng.choice(graphs))
             for _ in range(400)]
    quads += [ox.Quad(blanks[i], iris[0], blanks[(i + 1) % 12], graphs[1]) for i in range(12)]  # a cycle
    quads += quads[:50]
    rng.shuffle(quads)
    return quads


def test_canonical_order_is_the_documented_order():
    """canonical_quads sorts by graph, subject, predicate (rdf:type first), object, comparing the terms' text,
    also where one term's text is a prefix of another's; blank nodes are named as RDFC-1.0 names them in the
    whole dataset, though only the quads that mention them are canonicalized."""
    quads = _tricky_quads()
    assert [str(q) for q in canonical_quads(quads)] == [str(q) for q in _reference_canonical(quads)]


def test_quoted_triples_keep_their_order():
    """A quoted triple (RDF 1.2) as object sorts by its str(), which lacks the <<( )>> of its N-Triples form."""
    s, p = ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p")
    quoted = ox.Triple(s, RDF_TYPE, ox.NamedNode("http://ex/a"))
    quads = [ox.Quad(s, p, quoted), ox.Quad(s, p, ox.NamedNode("http://ex/b")), ox.Quad(s, p, ox.Literal("c"))]
    assert canonical_quads(quads) == sorted(quads, key=_reference_key)


def test_canonical_union_merges_graphs():
    """canonical_union holds each triple of any graph once, blank nodes named as RDFC-1.0 names them in the
    union, in the documented order."""
    quads = _tricky_quads()
    union = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    assert [str(t) for t in canonical_union(quads)] == [str(q.triple) for q in _reference_canonical(union)]


def test_round_trip_in_memory(sample_store):
    """What save_dataset writes, open_store gives back: the same quads, blank nodes up to renaming."""
    store = open_store(sample_store)
    assert same_dataset(store, sample_quads())
    assert len(store) == len(set(sample_quads()))


def test_build_json_describes_the_dataset(sample_store):
    """build.json records the metadata given plus the sha256 and quad count of dataset.nq."""
    import hashlib

    info = read_build_info(sample_store)
    body = (sample_store / DATASET_FILE).read_bytes()
    assert info["dataset"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert info["dataset"]["quads"] == len(body.splitlines()) == len(set(sample_quads()))
    assert info["inputs"] == []


def test_no_temporary_files_left(sample_store):
    """A completed save leaves one build folder, the link to it, the links through it and the lock file."""
    assert sorted(p.name for p in sample_store.iterdir()) == [".lock", BUILD_FILE, "builds", "current", DATASET_FILE]
    assert [p.name for p in (sample_store / "builds").iterdir()] == [(sample_store / "current").resolve().name]
    assert sorted(p.name for p in (sample_store / "current").iterdir()) == [BUILD_FILE, DATASET_FILE]


def test_missing_store_names_the_path(tmp_path):
    """Opening a store that was never built raises StoreError naming the dataset path."""
    with pytest.raises(StoreError) as info:
        open_store(tmp_path / "nothing")
    assert str(tmp_path / "nothing" / DATASET_FILE) in str(info.value)


def test_store_dir_from_environment(tmp_path):
    """Without an explicit directory the store is $KG_STORE_DIR, else .kg relative to the working directory."""
    with using(Settings.from_env({"KG_STORE_DIR": str(tmp_path)})):
        assert resolve_store_dir() == tmp_path
        assert resolve_store_dir(tmp_path / "x") == tmp_path / "x"
    with using(Settings.from_env({})):
        assert str(resolve_store_dir()) == ".kg"


def test_persistent_store_survives_reopen_and_refreshes(sample_store, tmp_path):
    """A persistent store is built once, reopened in a new process without rebuilding, and rebuilt when
    dataset.nq changes."""
    db = tmp_path / "db"
    first = open_store(sample_store, persistent_path=db)
    assert same_dataset(first, sample_quads())
    target = os.readlink(db / "current")
    del first
    code = ("import sys; from kg.rdf.store import open_store; s = open_store(sys.argv[1], persistent_path=sys.argv[2]);"
            "print(len(s))")
    out = subprocess.run([sys.executable, "-c", code, str(sample_store), str(db)], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert int(out.stdout) == len(set(sample_quads()))
    assert os.readlink(db / "current") == target
    extra = ox.Quad(ox.NamedNode("https://w3id.org/fpkg/resource/Japan"),
                    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    ox.NamedNode("https://w3id.org/fpkg/ontology#State"),
                    ox.NamedNode("https://w3id.org/fpkg/graph/sample/assertions"))
    save_dataset(sample_quads() + [extra], sample_store)
    second = open_store(sample_store, persistent_path=db)
    assert os.readlink(db / "current") != target
    assert extra in second and len(second) == len(set(sample_quads())) + 1


def test_persistent_store_is_read_only(sample_store, tmp_path):
    """The persistent store is opened read-only: a write attempt fails and changes nothing on disk."""
    store = open_store(sample_store, persistent_path=tmp_path / "db")
    with pytest.raises((OSError, RuntimeError)):
        store.update("INSERT DATA { <http://ex/s> <http://ex/p> <http://ex/o> }")
    del store
    assert len(open_store(sample_store, persistent_path=tmp_path / "db")) == len(set(sample_quads()))


def test_kill_9_while_saving_keeps_previous_dataset(sample_store):
    """A process killed with SIGKILL after writing its build folder, before publishing it, leaves the previous
    dataset.nq byte-identical and loadable; the next save removes the orphaned folder."""
    before = (sample_store / DATASET_FILE).read_bytes()
    info_before = (sample_store / BUILD_FILE).read_bytes()
    code = ("import sys, pyoxigraph as ox; from kg.rdf.store import save_dataset;"
            "q = ox.Quad(ox.NamedNode('http://ex/new'), ox.NamedNode('http://ex/p'), ox.Literal('x'));"
            "save_dataset([q], sys.argv[1])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(sample_store)], cwd=REPO,
                            env={**os.environ, PAUSE_ENV: "30"})
    live = (sample_store / "current").resolve()
    deadline = time.monotonic() + 20
    pending = []
    while time.monotonic() < deadline and not pending:
        pending = [p for p in (sample_store / "builds").glob(f"*/{BUILD_FILE}") if p.parent != live]
        time.sleep(0.05)
    assert pending, "the writer never produced its build folder"
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert (sample_store / DATASET_FILE).read_bytes() == before
    assert (sample_store / BUILD_FILE).read_bytes() == info_before
    assert same_dataset(open_store(sample_store), sample_quads())
    save_dataset(sample_quads(), sample_store)
    assert not pending[0].parent.exists() and not list(sample_store.glob(".*.tmp"))
    assert json.loads((sample_store / BUILD_FILE).read_text())["dataset"]["quads"] == len(set(sample_quads()))
