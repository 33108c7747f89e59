"""Fixtures of the linking tests: a store built from the seed and a second article, and a real Oxigraph server
(the `oxigraph` package's `oxigraph serve`) started and stopped by the fixtures."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kg.pipeline.builder import build

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[1]
SEED = REPO / "seeds" / "mibae-2018-china-north-korea.yaml"
NOTE = FIXTURES / "japan-note.yaml"
WIKIDATA = FIXTURES / "wikidata.ttl"


def run_kg(*args: str, store: Path | None = None, env: dict | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m kg.cli ARGS` as a real process, with ``--store-dir`` pointing at ``store`` when given."""
    full_env = {k: v for k, v in os.environ.items() if k != "KG_STORE_DIR"}
    full_env["PYTHONPATH"] = str(REPO)
    full_env.update(env or {})
    store_args = ["--store-dir", str(store)] if store is not None else []
    return subprocess.run([sys.executable, "-m", "kg.cli", *args, *store_args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Return once ``url`` answers; fail with the server's log if the process ends or time runs out."""
    started = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() - started > seconds:
            raise RuntimeError(f"server did not start: {log.read_text()}")
        time.sleep(0.05)


def oxigraph_binary() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    return str(found) if found.exists() else (shutil.which("oxigraph") or "oxigraph")


class Oxigraph:
    """An `oxigraph serve` process on a free local port with its database in ``location``."""

    def __init__(self, location: Path, *options: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url = self.base + "/query"
        self.log_path = location.with_suffix(".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind",
                                      f"127.0.0.1:{self.port}", *options], stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(self.base + "/query?query=ASK%7B%7D", self.proc, self.log_path)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """A store built from the seed article and the Japan note, with the Wikidata fixture linked into it."""
    from kg.pipeline.link import link

    store = tmp_path_factory.mktemp("linking") / "store"
    build([SEED, NOTE], store_dir=store)
    link(str(WIKIDATA), store, name="wikidata")
    return store


@pytest.fixture(scope="session")
def oxigraph_union(tmp_path_factory):
    """A real Oxigraph server whose default graph is the union of its named graphs."""
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "union-db", "--union-default-graph", "--timeout-s", "10")
    yield server
    server.stop()


@pytest.fixture
def oxigraph_plain(tmp_path):
    """A real Oxigraph server with a separate (empty) default graph, as it starts by default."""
    server = Oxigraph(tmp_path / "plain-db")
    yield server
    server.stop()
