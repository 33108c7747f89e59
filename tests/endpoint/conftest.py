"""A real endpoint for the tests: ``python server.py`` (gunicorn) on a free local port over a small fixture dataset,
with a short timeout and row limit, plus a canary HTTP server that records every request it receives."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FP = "https://w3id.org/fpkg/ontology#"
FPR = "https://w3id.org/fpkg/resource/"
DOC = "mibae-2018-china-north-korea"
GRAPH = f"https://w3id.org/fpkg/graph/{DOC}/"
ASSERTIONS, BACKGROUND, PROVENANCE = GRAPH + "assertions", GRAPH + "background", GRAPH + "provenance"
#: Triples in the fixture, per graph.
COUNTS = {ASSERTIONS: 29, BACKGROUND: 20, PROVENANCE: 8, "https://w3id.org/fpkg/graph/ontology": 10}
TIMEOUT = 2
MAX_ROWS = 50
MAX_REQUEST_BYTES = 4096
CANARY_ANSWER = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"from canary"}}]}}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Canary:
    """A local HTTP server standing for "the network": it records (method, path) of every request."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                hits.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                sparql = self.path.startswith("/allowed") and "broken" not in self.path
                body = CANARY_ANSWER if sparql else b"root:x:0:0:canary\n"
                self.send_response(200)
                ctype = "application/sparql-results+json" if sparql else "text/plain"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hits_to(self, prefix: str) -> list:
        return [h for h in self.hits if h[1].startswith(prefix)]


@pytest.fixture(scope="session")
def canary():
    c = Canary()
    yield c
    c.server.shutdown()


@pytest.fixture(scope="session")
def endpoint(canary, tmp_path_factory):
    """Base URL of a running server (``python server.py``), stopped at the end of the session."""
    store_dir = tmp_path_factory.mktemp("store")
    shutil.copy(HERE / "fixtures" / "dataset.nq", store_dir / "dataset.nq")
    port = free_port()
    env = dict(os.environ, KG_TIMEOUT=str(TIMEOUT), KG_MAX_ROWS=str(MAX_ROWS), KG_WORKERS="3",
               KG_MAX_REQUEST_BYTES=str(MAX_REQUEST_BYTES),
               KG_SERVICE_ALLOW=f"{canary.url}/allowed {canary.url}/allowed-but-broken")
    started = time.monotonic()
    log = open(store_dir / "server.log", "w+")  # a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen([sys.executable, str(REPO / "server.py"), "--port", str(port), "--store-dir",
                             str(store_dir)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if requests.get(base + "/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() - started > 20:
                raise RuntimeError(f"server did not start: {(store_dir / 'server.log').read_text()}")
            time.sleep(0.05)
        proc.startup_seconds = time.monotonic() - started
        proc.base = base
        proc.log = store_dir / "server.log"
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def sparql(endpoint) -> str:
    return endpoint.base + "/sparql"


def bindings(response) -> list:
    """The SPARQL JSON bindings of a response, as dicts of plain values."""
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def worker_pids(master_pid: int) -> set:
    """Process ids of the gunicorn workers (children of the master)."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            pids.add(int(stat.parent.name))
    return pids
