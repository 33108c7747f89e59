"""Starting the server: a clear stop when nothing is built, the persistent store, start-up time and the printed URL."""

import shutil
import subprocess
import sys
import time

import requests

from .conftest import FP, FPR, HERE, REPO, free_port

ASK_CHINA = f"ASK {{ <{FPR}China> a <{FP}State> }}"


def start(args: list, cwd, deadline: float):
    """Run ``python server.py`` with ``args`` on a free port; (process, base URL, seconds to first answer)."""
    port = free_port()
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(REPO / "server.py"), "--port", str(port), "--workers", "2", *args],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < deadline:
        try:
            if requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=1).ok:
                return proc, base, time.monotonic() - started
        except requests.ConnectionError:
            time.sleep(0.02)
        assert proc.poll() is None, "server exited"
    proc.kill()
    raise AssertionError(f"no answer within {deadline} s")


def stop(proc) -> str:
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    return out


def ask(base: str, query: str) -> bool:
    return requests.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/json"}).json()[
        "boolean"]


def test_start_prints_url_and_answers(tmp_path):
    """With a built store the server answers its first query and prints its URL (start-up time is measured by
    the benchmarks, not asserted here)."""
    shutil.copy(HERE / "fixtures" / "dataset.nq", tmp_path / "dataset.nq")
    proc, base, seconds = start(["--store-dir", str(tmp_path)], REPO, 10)
    try:
        assert ask(base, ASK_CHINA) is True
    finally:
        assert f"{base}/sparql" in stop(proc)


def test_persistent_store_survives_restart(tmp_path):
    """--store PATH serves from an on-disk database that is still there, and answers, after a restart."""
    shutil.copy(HERE / "fixtures" / "dataset.nq", tmp_path / "dataset.nq")
    database = tmp_path / "db"
    for _ in range(2):
        proc, base, _ = start(["--store-dir", str(tmp_path), "--store", str(database)], REPO, 20)
        try:
            assert ask(base, ASK_CHINA) is True
            assert (database / "current").is_symlink()
        finally:
            stop(proc)


def test_stops_with_one_line_when_the_store_is_missing(tmp_path):
    """With no built store, server.py exits 2 with one line telling to run `kg build`, and builds nothing."""
    r = subprocess.run([sys.executable, str(REPO / "server.py"), "--port", str(free_port()), "--store-dir",
                        str(tmp_path / "store")], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "kg build" in r.stderr, r.stderr
    assert not (tmp_path / "store").exists()


def test_serving_path_imports_no_rdflib_pyshacl_or_owlready2():
    """The server's modules import neither rdflib nor the validators (they cost start-up time and memory)."""
    code = ("import sys, kg.web.front, kg.rdf.store, granian.server; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyshacl', 'owlready2'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
