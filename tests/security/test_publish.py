"""A build is published as one whole: killed at any moment, run twice at once, or out of disk space, the store
always shows the dataset and the exports of one and the same complete build."""

import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.rdf.files import sha256_file
from kg.rdf.store import DATASET_FILE, current_build, read_build_info

EXPORTS = ["fpkg.ttl", "fpkg.trig", "fpkg.jsonld", "fpkg.nt", "fpkg.nq"]
PUBLISHED = [DATASET_FILE] + [f"exports/{name}" for name in EXPORTS]


def kg(*args, env=None, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})}, **kw)


def published(store: Path) -> dict:
    """The bytes of the published dataset and exports, read through the store's links."""
    return {name: (store / name).read_bytes() for name in PUBLISHED}


@pytest.fixture(scope="module")
def variants(tmp_path_factory, seeds_dir):
    """Two inputs that build different graphs (B's article has one more paragraph), and the reference files each
    gives when built alone: the oracle a store is compared with."""
    root = tmp_path_factory.mktemp("variants")
    inputs, references = {}, {}
    for name, extra in (("a", ""), ("b", "\n\nA closing remark nobody annotated.\n")):
        folder = root / name
        folder.mkdir()
        for source in seeds_dir.glob("*.yaml"):
            shutil.copy(source, folder)
        for source in seeds_dir.glob("*.txt"):
            (folder / source.name).write_text(source.read_text(encoding="utf-8") + extra, encoding="utf-8")
        inputs[name] = sorted(str(p) for p in folder.glob("*.yaml"))
        store = root / f"store-{name}"
        out, err = kg("build", "-q", "--store-dir", str(store), *inputs[name]).communicate(timeout=600)
        assert (store / DATASET_FILE).is_file(), err
        references[name] = published(store)
    assert references["a"][DATASET_FILE] != references["b"][DATASET_FILE]
    return inputs, references


def assert_one_whole_build(store: Path, references: dict) -> str:
    """The store shows exactly one reference build, and its build.json describes those very files."""
    shown = published(store)
    matches = [name for name, files in references.items() if files == shown]
    assert matches, "the store mixes files of different builds: " + ", ".join(
        f"{f}={[n for n, r in references.items() if r[f] == shown[f]]}" for f in PUBLISHED)
    folder = current_build(store)
    info = read_build_info(build=folder)
    assert info["dataset"]["sha256"] == sha256_file(folder / DATASET_FILE)
    assert {e["file"]: e["sha256"] for e in info["exports"].values()} == {
        name: sha256_file(folder / "exports" / name) for name in EXPORTS}
    return matches[0]


def test_kill_9_at_random_moments_never_mixes_builds(variants, tmp_path):
    """Builds alternating between two inputs, each killed with SIGKILL at a random moment, always leave one whole
    build published (dataset and exports of the same input), readable by `kg query`."""
    inputs, references = variants
    store = tmp_path / "store"
    shutil.copytree(Path(inputs["a"][0]).parent.parent / "store-a", store, symlinks=True)
    rng = random.Random(9)
    shown = set()
    for round_ in range(12):
        proc = kg("build", "-q", "--store-dir", str(store), *inputs["ab"[round_ % 2]])
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        shown.add(assert_one_whole_build(store, references))
    query = kg("query", "--store-dir", str(store), "ASK { ?s a fp:State }")
    assert query.communicate(timeout=120)[0] == "true\n"
    assert len(list((store / "builds").iterdir())) <= 2 + 1  # current, previous, at most one killed build's
    assert shown  # (both usually: some builds finish before their kill)


def test_two_builds_at_once_publish_one_whole_build(variants, tmp_path):
    """Two builds of different inputs into one store at the same moment both succeed, and the store shows the
    whole of one of them."""
    inputs, references = variants
    for attempt in range(3):
        store = tmp_path / f"store-{attempt}"
        procs = [kg("build", "-q", "--store-dir", str(store), *inputs[name]) for name in "ab"]
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
        assert_one_whole_build(store, references)
        assert len(list((store / "builds").iterdir())) == 2


def _limit_file_size(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, not a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_file_too_large_to_write_leaves_the_previous_build(variants, tmp_path):
    """A build whose dataset cannot be written (a file-size limit, as a full disk would) exits 2 with one line and
    leaves the previous build published and no half-written build folder."""
    inputs, references = variants
    store = tmp_path / "store"
    shutil.copytree(Path(inputs["a"][0]).parent.parent / "store-a", store, symlinks=True)
    limit = len(references["b"][DATASET_FILE]) // 2
    proc = kg("build", "-q", "--store-dir", str(store), *inputs["b"], preexec_fn=_limit_file_size(limit))
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "cannot write" in err
    assert assert_one_whole_build(store, references) == "a"
    assert [p.name for p in (store / "builds").iterdir()] == [current_build(store).name]


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted on a fresh folder (needs root and mount rights; skipped otherwise), unmounted after."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_disk_full_in_the_export_stage_leaves_the_previous_build(variants, small_disk):
    """On a filesystem that fills up while the exports are written, the build exits 2 with one line and the
    previous dataset and exports stay published, whole."""
    inputs, references = variants
    store = small_disk / "store"
    shutil.copytree(Path(inputs["a"][0]).parent.parent / "store-a", store, symlinks=True)
    used = int(subprocess.run(["df", "--output=used", "-B1", str(small_disk)], capture_output=True, text=True,
                              check=True).stdout.split()[-1])
    room = len(references["b"][DATASET_FILE]) + len(references["b"]["exports/fpkg.trig"]) // 2
    subprocess.run(["mount", "-o", f"remount,size={used + room}", str(small_disk)], check=True)
    proc = kg("build", "--store-dir", str(store), *inputs["b"])
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 2, err
    assert "kg build: store " in err and "kg build: export" not in err  # the dataset was written, an export not
    last = err.strip().splitlines()[-1]
    assert last.startswith("kg build: ") and "cannot write" in last and "No space left" in last
    assert assert_one_whole_build(store, references) == "a"
    assert [p.name for p in (store / "builds").iterdir()] == [current_build(store).name]


def test_readers_resolve_current_once(variants, tmp_path):
    """While builds are published one after another, a reader that resolves the current build once reads a
    dataset.nq and build.json that belong together, every time."""
    inputs, references = variants
    store = tmp_path / "store"
    shutil.copytree(Path(inputs["a"][0]).parent.parent / "store-a", store, symlinks=True)
    stop = threading.Event()
    mismatches, reads = [], []

    def reader():
        while not stop.is_set():
            folder = current_build(store)
            try:
                info, body = read_build_info(build=folder), (folder / DATASET_FILE).read_bytes()
            except (OSError, StoreError):  # removed two builds later, before it was read: read again
                continue
            reads.append(folder.name)
            if info["dataset"]["sha256"] != hashlib.sha256(body).hexdigest():
                mismatches.append(folder.name)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for name in "baba":
            proc = kg("build", "-q", "--store-dir", str(store), *inputs[name])
            assert proc.communicate(timeout=600) and proc.returncode == 0
    finally:
        stop.set()
        thread.join()
    assert mismatches == [] and len(set(reads)) >= 3
