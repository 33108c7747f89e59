"""HTTP side of the benchmarks: start the three SPARQL servers on 127.0.0.1 and load them, bounded in time.

The load client is ``wrk`` when installed (``apt-get install -y wrk``: a C client keeps the measuring cost off
the Python GIL, which matters on 2 cores), else a small stdlib client (``http.client`` with keep-alive, one
thread per connection). Either way every loop is bounded by a duration and a request count, and only
127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"
MAX_REQUESTS = 2_000_000  # hard bound for the stdlib client, whatever the duration
JSON_RESULTS = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def query_path(path: str, query: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'query': query})}"


def get(port: int, target: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET to 127.0.0.1:port (SPARQL JSON accepted); (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", target, headers={"Accept": JSON_RESULTS})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def rows(port: int, path: str, query: str) -> int:
    """Number of result rows the server gives for a SELECT (to check every server answers the same)."""
    status, body = get(port, query_path(path, query))
    if status != 200:
        raise RuntimeError(f"HTTP {status} from port {port}: {body[:200]!r}")
    return len(json.loads(body)["results"]["bindings"])


class Server:
    """A server process started for the benchmark and always stopped (its own process group only)."""

    def __init__(self, name: str, argv: list[str], port: int, path: str, env: dict | None = None,
                 cwd: str | None = None):
        self.name, self.argv, self.port, self.path = name, argv, port, path
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def start(self, timeout: float = 120.0, probe: str = "ASK {}") -> float:
        """Start and wait for the first successful answer to ``probe``; seconds from spawn to that answer.

        :raises RuntimeError: if the process dies or does not answer within ``timeout``.
        """
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        target = query_path(self.path, probe)
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.output()[-800:]}")
            try:
                status, _ = get(self.port, target, timeout=5)
                if status == 200:
                    return time.perf_counter() - t0
            except OSError:
                pass
            time.sleep(0.005)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s: {self.output()[-800:]}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# --- the servers -------------------------------------------------------------------------------------------------

def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def oxigraph_server(nq: Path, workdir: Path) -> Server:
    """``oxigraph serve-read-only`` over a RocksDB directory loaded from ``nq`` (union default graph, as ours)."""
    db = workdir / f"oxigraph-{nq.stat().st_size}-{int(nq.stat().st_mtime)}"
    if not db.exists():
        tmp = workdir / (db.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run([venv_bin("oxigraph"), "load", "--location", str(tmp), "--file", str(nq)],
                       check=True, capture_output=True)
        tmp.rename(db)
    port = free_port()
    return Server("oxigraph serve-read-only",
                  [venv_bin("oxigraph"), "serve-read-only", "--location", str(db), "--bind", f"{HOST}:{port}",
                   "--union-default-graph"], port, "/query")


RDFLIB_ENDPOINT = """
import sys, uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
ds = Dataset(default_union=True)
ds.parse(sys.argv[1], format="nquads")
app = SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def rdflib_endpoint_server(nq: Path) -> Server:
    """rdflib-endpoint (FastAPI + uvicorn, rdflib in-memory Dataset, union default graph) over ``nq``."""
    port = free_port()
    return Server("rdflib-endpoint", [sys.executable, "-c", RDFLIB_ENDPOINT, str(nq), str(port)], port, "/sparql")


def our_server(repo: Path, store_dir: Path, extra: list[str] | None = None) -> Server:
    """``python server.py`` (every safety feature at its default: on) over the store in ``store_dir``."""
    port = free_port()
    return Server("fpkg server.py", [sys.executable, str(repo / "server.py"), "--host", HOST, "--port", str(port),
                                     *(extra or [])],
                  port, "/sparql", env={"KG_STORE_DIR": str(store_dir)}, cwd=str(repo))


# --- load ----------------------------------------------------------------------------------------------------------

def load(port: int, target: str, concurrency: int, duration: float, script: str | None = None) -> dict:
    """Closed-loop load for ``duration`` seconds; {'rps', 'p50_ms', 'p99_ms', 'requests', 'errors', 'client'}.
    ``script`` is a wrk Lua script (e.g. one cycling through several requests); it needs wrk."""
    if shutil.which("wrk"):
        return _wrk(port, target, concurrency, duration, script)
    if script:
        raise RuntimeError("a request mix needs wrk (apt-get install -y wrk)")
    return _stdlib(port, target, concurrency, duration)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def _wrk(port: int, target: str, concurrency: int, duration: float, script: str | None = None) -> dict:
    threads = min(concurrency, 2)
    extra = ["-s", script] if script else []
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "--latency",
                          "--timeout", "10s", "-H", f"Accept: {JSON_RESULTS}", *extra, f"http://{HOST}:{port}{target}"],
                         capture_output=True, text=True, timeout=duration + 60).stdout
    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.M))
    if "99" not in pct:
        raise RuntimeError(f"wrk gave no latencies for port {port}: {out[-600:]}")
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(x) for x in sock.groups())
    req = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50_ms": _ms(pct["50"]),
            "p99_ms": _ms(pct["99"]), "requests": req, "errors": errors, "client": "wrk"}


def _stdlib(port: int, target: str, concurrency: int, duration: float) -> dict:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    stop_at = time.perf_counter() + duration
    budget = MAX_REQUESTS // concurrency

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        mine = latencies[i]
        while time.perf_counter() < stop_at and len(mine) < budget:
            t = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Accept": JSON_RESULTS})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            mine.append(time.perf_counter() - t)
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    all_ms = sorted(x * 1e3 for lat in latencies for x in lat)
    n = len(all_ms)
    return {"rps": n / elapsed, "p50_ms": statistics.median(all_ms) if n else float("nan"),
            "p99_ms": all_ms[min(n - 1, int(n * 0.99))] if n else float("nan"), "requests": n,
            "errors": sum(errors), "client": "http.client"}
