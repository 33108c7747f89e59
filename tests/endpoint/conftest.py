"""A real endpoint for the tests: ``python server.py`` on a free local port over a small fixture dataset,
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
QUERY_MEMORY_MB = 256
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


def start_server(store_dir: Path, *args: str, **env) -> subprocess.Popen:
    """``python server.py`` on a free port over ``store_dir`` with options ``args`` and ``KG_*`` settings ``env``,
    once it answers; the process carries ``base`` (its URL) and ``log`` (its output file)."""
    port = free_port()
    started = time.monotonic()
    log_path = store_dir.parent / f"{store_dir.name}-server.log"
    with open(log_path, "w") as log:  # a file, not a pipe: a full pipe would block the server
        proc = subprocess.Popen([sys.executable, str(REPO / "server.py"), "--port", str(port), "--store-dir",
                                 str(store_dir), *args], cwd=REPO, env={**os.environ, **env}, stdout=log,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if requests.get(base + "/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() - started > 20:
            proc.kill()
            raise RuntimeError(f"server did not start: {log_path.read_text()}")
        time.sleep(0.05)
    proc.base, proc.log = base, log_path
    return proc


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def endpoint(canary, tmp_path_factory):
    """A running server (``python server.py``) over the fixture, stopped at the end of the session."""
    store_dir = tmp_path_factory.mktemp("store")
    shutil.copy(HERE / "fixtures" / "dataset.nq", store_dir / "dataset.nq")
    proc = start_server(store_dir, KG_TIMEOUT=str(TIMEOUT), KG_MAX_ROWS=str(MAX_ROWS), KG_WORKERS="3",
                        KG_MAX_REQUEST_BYTES=str(MAX_REQUEST_BYTES), KG_QUERY_MEMORY_MB=str(QUERY_MEMORY_MB),
                        KG_SERVICE_ALLOW=f"{canary.url}/allowed {canary.url}/allowed-but-broken")
    yield proc
    stop_server(proc)


@pytest.fixture(scope="session")
def sparql(endpoint) -> str:
    return endpoint.base + "/sparql"


def bindings(response) -> list:
    """The SPARQL JSON bindings of a response, as dicts of plain values."""
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def _parents() -> dict:
    """Parent pid of every process on the machine."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return parents


def query_pids(main_pid: int) -> set:
    """Process ids of the query processes: main -> front (Granian worker) -> zygote -> query process."""
    parents = _parents()
    level = {main_pid}
    for _ in range(3):
        level = {pid for pid, parent in parents.items() if parent in level}
    return level
