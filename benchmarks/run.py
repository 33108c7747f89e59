"""Run every benchmark of issue 5 and print one table; write it with the machine description to RESULTS.md.

Sections (each can be skipped):

* build: ``kg.pipeline.builder.build`` over the synthetic corpus at 10k, 100k and 1M triples, one child process per
  size (peak memory from ``os.wait4``'s rusage = getrusage(RUSAGE_CHILDREN) of that child alone, plus the
  sampled peak of the child's whole process tree, since HermiT runs in a Java subprocess); the time of each
  stage as the pipeline reports it; growth exponents (log-log slope) from the smallest to the largest size;
  validation and reasoning per article (the incremental cost);
* cq: every ``ontology/queries/*.rq`` through our code path (``kg.rdf.store.open_store`` + the query call the
  endpoint makes) vs ``pyoxigraph.Store.query`` direct, per size, as ratios;
* http: throughput and p50/p99 at concurrency 1 and 8 of our server, ``oxigraph serve-read-only`` and
  rdflib-endpoint on the same 100k-triple dataset, side by side; a 10-row and a one-row SELECT;
* start: server start to first answer with a built store; ``kg build`` of the seed article (median of 5).

Usage::

    python benchmarks/run.py                 # everything (~15-25 min on 2 cores)
    python benchmarks/run.py --quick         # 10k only, short HTTP runs (< 3 min)
    python benchmarks/run.py --sizes 10k,100k --skip-http --no-write
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = HERE / "data"
WORK = HERE / ".work"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import generate  # noqa: E402
import httpbench  # noqa: E402

PREFIXES = ("PREFIX fp: <https://w3id.org/fpkg/ontology#>\nPREFIX fpr: <https://w3id.org/fpkg/resource/>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
#: The HTTP queries: a 10-row SELECT (concerns and their kinds; LIMIT stops evaluation early), the same need
#: ordered (every engine must read all of China's concerns first) and a one-row SELECT.
HTTP_QUERIES = {
    "10-row SELECT": PREFIXES + "SELECT ?concern ?kind WHERE { ?holder fp:hasConcern ?concern . "
                                "?concern fp:concernKind ?kind } LIMIT 10",
    "10-row SELECT, ORDER BY": PREFIXES + "SELECT ?concern ?kind ?rank WHERE { fpr:China fp:hasConcern ?concern . "
                                          "?concern fp:concernKind ?kind ; fp:concernRank ?rank } "
                                          "ORDER BY ?rank ?concern LIMIT 10",
    "1-row SELECT": PREFIXES + "SELECT ?iso WHERE { fpr:China fp:iso3166Alpha3 ?iso } LIMIT 1",
}
#: Used for the CQ section until ontology/queries/*.rq exist.
FALLBACK_CQS = {
    "concerns-of-china": PREFIXES + "SELECT ?c WHERE { fpr:China fp:hasConcern ?c }",
    "concern-causes": PREFIXES + "SELECT ?c ?a ?actor WHERE { ?c fp:causedBy ?a . ?a fp:hasActor ?actor }",
    "claims-with-quotes": PREFIXES + "PREFIX oa: <http://www.w3.org/ns/oa#>\nSELECT ?claim ?q WHERE { "
                          "?claim fp:hasTextAnchor/oa:hasTarget/oa:hasSelector/oa:exact ?q } LIMIT 100",
}
#: Seconds a whole build may take per size before it is stopped (the full run must stay under ~25 minutes).
BUILD_TIMEOUT = {"10k": 240, "100k": 540, "1M": 600}
#: Seconds the store+export child may take per size (1M did not finish in 360 s on this machine).
STORE_EXPORT_TIMEOUT = 240


# --- machine ------------------------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                          if x.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration):
        mem_kb = 0
    versions = {}
    for pkg in ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "owlready2", "flask", "granian",
                "rdflib-endpoint", "uvicorn", "pyyaml"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "-"
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[:1] \
        if shutil.which("java") else ["-"]
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip() \
        if shutil.which("wrk") else "not installed (stdlib client used)"
    return {"nproc": os.cpu_count(), "memory": f"{mem_kb / 1024 / 1024:.1f} GiB", "cpu": cpu,
            "os": platform.platform(), "python": platform.python_version(), "java": java[0],
            "load client": wrk, "packages": versions}


# --- data ---------------------------------------------------------------------------------------------------------

def ensure_data(size: str, mode: str = "both") -> dict:
    """Generate the corpus for ``size`` unless it is already there (same seed, same generator)."""
    manifest = DATA / size / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("mode") in (mode, "both") and m.get("generator") == generator_digest():
            return m
    shutil.rmtree(DATA / size, ignore_errors=True)
    m = generate.generate(size, DATA, mode=mode)
    m["generator"] = generator_digest()
    manifest.write_text(json.dumps(m, indent=1) + "\n")
    return m


def generator_digest() -> str:
    import hashlib

    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]


def nq_store(size: str) -> Path:
    """A store directory whose dataset.nq is the generated N-Quads of ``size`` (no build involved)."""
    ensure_data(size)
    d = WORK / f"nqstore-{size}"
    src = DATA / size / "dataset.nq"
    dst = d / "dataset.nq"
    if not dst.exists() or dst.stat().st_mtime < src.stat().st_mtime:
        d.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return d


def built_store(size: str) -> Path | None:
    """The store the build benchmark made for ``size``, if that build succeeded."""
    d = WORK / f"store-{size}"
    return d if (d / "build.json").exists() and (d / "dataset.nq").exists() else None


# --- child processes: peak memory ------------------------------------------------------------------------------------

def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (from /proc), in KiB."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pid = int(stat.split("/")[2])
            parent[pid] = int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree)


def run_child(argv: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run a child to completion (or kill it at ``timeout``); wall time, rusage peak and sampled tree peak."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=str(REPO), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    out, tree_peak, timed_out, status, usage = b"", 0, False, None, None
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree_peak = max(tree_peak, _tree_rss_kb(proc.pid))
        out += proc.stdout.read() or b""
        if time.perf_counter() - t0 > timeout:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.1)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out += proc.stdout.read() or b""
    return {"seconds": time.perf_counter() - t0, "rc": proc.returncode, "timed_out": timed_out,
            "maxrss_mb": usage.ru_maxrss / 1024, "tree_peak_mb": tree_peak / 1024, "output": out.decode(errors="replace")}


# --- build ----------------------------------------------------------------------------------------------------------

def child_build(size: str, events: Path) -> None:
    """In a child process: kg.pipeline.builder.build over the corpus of ``size``, one JSON line per finished stage."""
    import resource

    from kg.pipeline.builder import builder as pipeline

    paths = sorted((DATA / size / "articles").glob("*.yaml"))
    store = WORK / f"store-{size}"

    def progress(stage: str, seconds: float, detail: str) -> None:
        with open(events, "a") as f:
            f.write(json.dumps({"stage": stage, "seconds": seconds, "detail": detail,
                                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}) + "\n")

    t0 = time.perf_counter()
    report = pipeline.build(paths, store_dir=store, progress=progress)
    progress("total", time.perf_counter() - t0, f"{report.triples} quads, {len(report.articles)} articles")


def child_store_export(size: str, out: Path) -> None:
    """In a child: the pipeline's store and export stages (the same kg.rdf.store / kg.rdf.export calls) over the generated
    N-Quads of ``size``, so these stages are measured at every size even where the whole build is too slow."""
    import resource

    import pyoxigraph as ox

    from kg.rdf.export import write_exports
    from kg.rdf.canonical import canonical_quads
    from kg.rdf.store import save_dataset

    store = WORK / f"se-{size}"
    shutil.rmtree(store, ignore_errors=True)
    t0 = time.perf_counter()
    quads = canonical_quads(ox.parse(path=str(DATA / size / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    save_dataset(quads, store, metadata={}, canonical=True)  # the calls kg.pipeline.builder.build makes
    t1 = time.perf_counter()
    write_exports(quads, store, "fpkg", canonical=True)
    t2 = time.perf_counter()
    out.write_text(json.dumps({"store": t1 - t0, "export": t2 - t1, "quads": len(quads),
                               "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    shutil.rmtree(store, ignore_errors=True)


def child_per_article(size: str, count: int, out: Path) -> None:
    """In a child: load, SHACL-validate and reason over single articles, each alone (the incremental cost)."""
    import rdflib

    from kg.annotate.loader import load_article
    from kg.reason.reasoning import reason
    from kg.check.ontology import load_ontology
    from kg.check.shacl import validate_graph

    def _union(dataset) -> rdflib.Graph:  # the article's three graphs as one, as validation and reasoning see it
        g = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            g.add((s, p, o))
        return g

    load_ontology()  # warm: the ontology is parsed once per process, not per article
    rows = []
    for path in sorted((DATA / size / "articles").glob("*.yaml"))[:count]:
        t = time.perf_counter()
        art = load_article(path)
        g = _union(art.dataset)
        t1 = time.perf_counter()
        ok = validate_graph(g, origins=art.origins).conforms
        t2 = time.perf_counter()
        consistent = reason(g).consistent
        t3 = time.perf_counter()
        rows.append({"triples": len(g), "load": t1 - t, "shacl": t2 - t1, "reason": t3 - t2,
                     "conforms": ok, "consistent": consistent})
    out.write_text(json.dumps(rows))


def _exponent(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) over log(x): 1.0 is linear growth."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx, my = statistics.fmean(p[0] for p in pts), statistics.fmean(p[1] for p in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def _warm_rebuild(size: str, label: str, timeout: float, cache: Path, results: list) -> None:
    """The same build again with the cold build's result cache: what a rebuild of an unchanged corpus costs."""
    events = WORK / f"rebuild-{size}.events"
    events.unlink(missing_ok=True)
    r = run_child([sys.executable, str(HERE / "run.py"), "--child-build", size, str(events)], timeout,
                  env={"KG_CACHE_DIR": str(cache)})
    stages = [json.loads(x) for x in events.read_text().splitlines()] if events.exists() else []
    shown = ", ".join(f"{e['stage']} {e['seconds']:.1f}" for e in stages if e["stage"] != "total")
    status = "ok" if r["rc"] == 0 else "timeout" if r["timed_out"] else f"failed rc={r['rc']}"
    results.append(("build", "whole rebuild, unchanged input (process)", label, f"{r['seconds']:.2f} s",
                    f"{status}; cached verdicts; {shown}; peak {max(r['maxrss_mb'], r['tree_peak_mb']):.0f} MB",
                    _check(r["rc"] == 0 and r["seconds"] <= 90, "≤ 90 s") if size == "1M" else ""))


def bench_build(sizes: list[str], results: list, notes: list, per_article: int) -> None:
    try:
        import kg.annotate.loader  # noqa: F401
        import kg.pipeline.builder  # noqa: F401
    except ImportError as e:
        notes.append(f"build: skipped, the pipeline is not importable yet ({e})")
        return
    whole, memory, stage_points = [], [], {}
    last: tuple[int, float] | None = None
    for size in sizes:
        m = ensure_data(size)
        label = f"{size} ({m['articles']} articles)"
        timeout = BUILD_TIMEOUT.get(size, 900)
        projected = last[1] * m["quads"] / last[0] if last else 0.0
        if projected > 3 * timeout:
            results.append(("build", "whole build (process)", label, "not run",
                            f"projected ≥ {projected:.0f} s (linear from {last[0]} quads)",
                            _check(False, "≤ 90 s") if size == "1M" else ""))
        else:
            cache = WORK / f"cache-{size}"  # cold: empty, so every article is validated and reasoned over
            shutil.rmtree(cache, ignore_errors=True)
            events = WORK / f"build-{size}.events"
            events.unlink(missing_ok=True)
            shutil.rmtree(WORK / f"store-{size}", ignore_errors=True)
            r = run_child([sys.executable, str(HERE / "run.py"), "--child-build", size, str(events)], timeout,
                          env={"KG_CACHE_DIR": str(cache)})
            stages = [json.loads(x) for x in events.read_text().splitlines()] if events.exists() else []
            for ev in stages:
                if ev["stage"] != "total":
                    stage_points.setdefault(ev["stage"], []).append((m["quads"], ev["seconds"]))
                    detail = ev["detail"].replace(str(REPO) + os.sep, "")[:70]
                    results.append(("build", f"stage {ev['stage']}", label, f"{ev['seconds']:.2f} s",
                                    f"{detail}; peak so far {ev['rss_mb']:.0f} MB (this process)", ""))
            status = (f"timeout after {timeout} s, in the stage after "
                      f"{stages[-1]['stage'] if stages else 'start'}" if r["timed_out"]
                      else "ok" if r["rc"] == 0 else f"failed rc={r['rc']}")
            detail = next((e["detail"] for e in stages if e["stage"] == "total"), "")
            peak = max(r["maxrss_mb"], r["tree_peak_mb"])
            results.append(("build", "whole build (process)", label, f"{r['seconds']:.2f} s",
                            f"{status}; {detail}", _check(r["rc"] == 0 and r["seconds"] <= 90, "≤ 90 s")
                            if size == "1M" else ""))
            results.append(("build", "peak memory (rusage / process tree)", label,
                            f"{r['maxrss_mb']:.0f} / {r['tree_peak_mb']:.0f} MB", "tree includes HermiT's JVM",
                            _check(peak <= 2048, "≤ 2 GB") if size == "1M" else ""))
            if r["rc"] == 0:
                whole.append((m["quads"], r["seconds"]))
                memory.append((m["quads"], peak))
                last = (m["quads"], r["seconds"])
                _warm_rebuild(size, label, timeout, cache, results)
            else:
                last = (m["quads"], max(r["seconds"], last[1] * m["quads"] / last[0] if last else 0))
                if not r["timed_out"]:
                    notes.append(f"build {size}: {status}; last output: {r['output'][-1200:].strip()}")
        # The store and export stages alone, from the generated N-Quads: measured at every size.
        out = WORK / f"store-export-{size}.json"
        r = run_child([sys.executable, str(HERE / "run.py"), "--child-store-export", size, str(out)], STORE_EXPORT_TIMEOUT)
        if r["rc"] == 0:
            se = json.loads(out.read_text())
            for k in ("store", "export"):
                stage_points.setdefault(f"{k} (from N-Quads)", []).append((m["quads"], se[k]))
                results.append(("build", f"stage {k} alone (from N-Quads)", label, f"{se[k]:.2f} s",
                                f"{se['quads']} quads; peak {r['maxrss_mb']:.0f} MB", ""))
        elif r["timed_out"]:
            results.append(("build", "stage store+export alone (from N-Quads)", label, f"> {STORE_EXPORT_TIMEOUT} s", f"stopped; peak "
                            f"{max(r['maxrss_mb'], r['tree_peak_mb']):.0f} MB when stopped", ""))
        else:
            notes.append(f"store/export {size}: {r['output'][-1200:].strip()}")
    quads_of = {ensure_data(sz)["quads"]: sz for sz in sizes}
    largest_done = bool(whole) and quads_of.get(whole[-1][0]) == sizes[-1]
    for name, pts in [("whole build", whole), ("peak memory", memory), *sorted(stage_points.items())]:
        k = _exponent(pts)
        if k is None:
            continue
        span = f"{quads_of.get(pts[0][0], pts[0][0])}→{quads_of.get(pts[-1][0], pts[-1][0])}"
        target = ""
        if name == "whole build":
            target = (_check(k <= 1.15, "near-linear (≤ 1.15)") if largest_done else
                      f"MISSED: no {sizes[-1]} build finished, exponent only over {span}")
        results.append(("build", f"growth exponent: {name}", span, f"{k:.2f}",
                        f"log-log slope over {len(pts)} sizes; fixed costs (JVM, imports) flatten small sizes",
                        target))
    # The incremental cost: load, validation and reasoning of one article at a time.
    size = sizes[-1]
    out = WORK / "per-article.json"
    r = run_child([sys.executable, str(HERE / "run.py"), "--child-per-article", size, str(per_article), str(out)],
                  600)
    if r["rc"] == 0:
        rows = json.loads(out.read_text())
        med = {k: statistics.median(x[k] for x in rows) for k in ("triples", "load", "shacl", "reason")}
        for sz in sizes:
            n = ensure_data(sz)["articles"]
            results.append(("build", f"per-article load+shacl+reason (median of {len(rows)})", f"{sz} ({n} articles)",
                            f"{sum(med[k] for k in ('load', 'shacl', 'reason')) * n:.0f} s projected",
                            "load {:.0f} + shacl {:.0f} + reason {:.0f} ms per article of ~{:.0f} triples".format(
                                med["load"] * 1e3, med["shacl"] * 1e3, med["reason"] * 1e3, med["triples"]), ""))
    else:
        notes.append(f"per-article measurement failed: {r['output'][-1200:].strip()}")


# --- competency questions -----------------------------------------------------------------------------------------------

def cq_queries() -> dict[str, str]:
    files = sorted((REPO / "ontology" / "queries").glob("*.rq"))
    return {f.stem: f.read_text(encoding="utf-8") for f in files} or FALLBACK_CQS


class Refused(Exception):
    """Our endpoint refused the query (e.g. 422: more rows than KG_MAX_ROWS)."""


ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


def our_query_call():
    """The endpoint's own query call (``kg.web.protocol.SparqlProtocol`` on a GET environ, settings as the server
    has them: every safety check on), as ``fn(store, query) -> body``, and its name."""
    import io
    import urllib.parse

    from kg.web.app import load_settings
    from kg.web.protocol import SparqlProtocol

    settings = load_settings()
    protocols: dict[int, SparqlProtocol] = {}
    encoded: dict[str, str] = {}  # the client's percent-encoding is not the server's cost: done once

    def call(store, query: str) -> bytes:
        proto = protocols.get(id(store))
        if proto is None:
            proto = protocols[id(store)] = SparqlProtocol(
                store, max_rows=settings["MAX_ROWS"], max_request_bytes=settings["MAX_REQUEST_BYTES"],
                service_allow=settings["SERVICE_ALLOW"])
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "HTTP_ACCEPT": ACCEPT,
                   "QUERY_STRING": encoded.get(query) or encoded.setdefault(query, urllib.parse.urlencode(
                       {"query": query})), "wsgi.input": io.BytesIO()}
        status, _headers, body = proto(environ)
        if not status.startswith("200"):
            raise Refused(f"{status.split()[0]}: {body.decode(errors='replace').strip()[:120]}")
        return body
    return call, "kg.web.protocol.SparqlProtocol (GET, SPARQL JSON)"


def direct_query_call(store, query: str) -> bytes:
    """pyoxigraph alone: Store.query over the union default graph, serialized to the same format."""
    import pyoxigraph as ox

    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    return result.serialize(format=ox.QueryResultsFormat.JSON)


def _consume(result) -> int:
    if isinstance(result, (bytes, str)):
        return len(result)
    if isinstance(result, bool) or hasattr(result, "__bool__") and not hasattr(result, "__iter__"):
        return int(bool(result))
    return sum(1 for _ in result)


def _time(fn, budget: float = 0.3, min_reps: int = 3, max_reps: int = 300) -> float:
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or (len(times) < max_reps and time.perf_counter() - start < budget):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_cq(sizes: list[str], results: list, notes: list) -> None:
    import pyoxigraph as ox

    from kg.rdf.store import dataset_path, open_store

    try:
        fn, name = our_query_call()
    except ImportError as e:
        notes.append(f"cq: the endpoint's query call is not importable ({e}); skipped")
        return
    queries = cq_queries()
    if queries is FALLBACK_CQS:
        notes.append("cq: ontology/queries/*.rq not landed; ran the built-in stand-in queries")
    for size in sizes:
        store_dir = built_store(size) or nq_store(size)
        source = "built" if built_store(size) else "generated N-Quads"
        ours = open_store(store_dir)
        direct = ox.Store()
        direct.bulk_load(path=str(dataset_path(store_dir)), format=ox.RdfFormat.N_QUADS)
        ratios = []
        for qname, q in queries.items():
            n = _consume(direct.query(q, use_default_graph_as_union=True))
            t_iter = _time(lambda: _consume(direct.query(q, use_default_graph_as_union=True)))
            t_direct = _time(lambda: direct_query_call(direct, q))
            try:
                t_ours = _time(lambda: fn(ours, q))
            except Refused as e:
                results.append(("cq", qname, f"{size} ({source})", "refused", f"{n} rows; endpoint says {e}",
                                "n/a"))
                continue
            ratio = t_ours / t_direct
            ratios.append(ratio)
            results.append(("cq", qname, f"{size} ({source})", f"{t_ours * 1e3:.2f} vs {t_direct * 1e3:.2f} ms",
                            f"{n} rows; {ratio:.2f}×; query+iterate only {t_iter * 1e3:.2f} ms",
                            _check(ratio <= 1.5, "≤ 1.5×")))
        if ratios:
            results.append(("cq", "worst ratio", size, f"{max(ratios):.2f}×", f"via {name}",
                            _check(max(ratios) <= 1.5, "≤ 1.5×")))
        del ours, direct


# --- HTTP -------------------------------------------------------------------------------------------------------------

def bench_http(duration: float, rounds: int, results: list, notes: list) -> None:
    """All servers run at once; each (query, concurrency) is measured in ``rounds`` short bursts taken in turn
    across the servers, and the medians are kept, so background load on the machine hits them alike."""
    from contextlib import ExitStack

    store_dir = built_store("100k") or nq_store("100k")
    nq = store_dir / "dataset.nq"
    servers = []
    if (REPO / "server.py").exists():
        servers.append(httpbench.our_server(REPO, store_dir))
    else:
        notes.append("http: server.py not landed; our endpoint not measured")
    servers += [httpbench.oxigraph_server(nq, WORK), httpbench.rdflib_endpoint_server(nq)]
    table: dict[tuple, dict] = {}
    with ExitStack() as stack:
        live = []
        for server in servers:
            stack.enter_context(server)
            try:
                started = server.start()
                counts = {q: httpbench.rows(server.port, server.path, text) for q, text in HTTP_QUERIES.items()}
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                notes.append(f"http: {server.name} failed: {e}")
                server.stop()
                continue
            live.append((server, counts))
            results.append(("http", "start to first answer", f"{server.name}, 100k", f"{started:.2f} s",
                            "loads the dataset at start" if "rdflib" in server.name else "", ""))
        for qname, q in HTTP_QUERIES.items():
            for c in (1, 8):
                runs: dict[str, list] = {s.name: [] for s, _ in live}
                for _ in range(rounds):
                    for server, _counts in live:
                        target = httpbench.query_path(server.path, q)
                        runs[server.name].append(httpbench.load(server.port, target, c, duration))
                for server, counts in live:
                    rs = runs[server.name]
                    table[(server.name, qname, c)] = {
                        "rps": statistics.median(r["rps"] for r in rs),
                        "p50_ms": statistics.median(r["p50_ms"] for r in rs),
                        "p99_ms": statistics.median(r["p99_ms"] for r in rs),
                        "requests": sum(r["requests"] for r in rs), "errors": sum(r["errors"] for r in rs),
                        "rows": counts[qname]}
    ours, ox_name, rl = "fpkg server.py", "oxigraph serve-read-only", "rdflib-endpoint"
    for qname in HTTP_QUERIES:
        for c in (1, 8):
            base = table.get((ox_name, qname, c))
            for name in (ours, ox_name, rl):
                r = table.get((name, qname, c))
                if not r:
                    continue
                vs_ox = r["rps"] / base["rps"] if base else float("nan")
                target = ""
                if name == ours:
                    target = _check(vs_ox >= 0.9, "≥ 0.9× oxigraph")
                    if c == 8:
                        target += "; " + _check(r["p99_ms"] < 5, "p99 < 5 ms")
                    if (rl, qname, c) in table:
                        x = r["rps"] / table[(rl, qname, c)]["rps"]
                        target += "; " + _check(x >= 20, f"≥ 20× rdflib-endpoint ({x:.1f}×)")
                errs = f", {r['errors']} errors" if r["errors"] else ""
                results.append(("http", f"{qname} c={c}", f"{name}, 100k",
                                f"{r['rps']:.0f} req/s, p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms",
                                f"{vs_ox:.2f}× oxigraph; {r['rows']} rows; {r['requests']} req{errs}", target))
    if (ours, next(iter(HTTP_QUERIES)), 1) in table:
        notes.append("http: ratios are medians of interleaved bursts (servers measured in turn), load client "
                     "and servers share the 2 cores")


# --- start and kg build -----------------------------------------------------------------------------------------------

def bench_start(reps: int, results: list, notes: list) -> None:
    kg = Path(sys.executable).parent / "kg"
    if not kg.exists() or not list((REPO / "seeds").glob("*.yaml")):
        notes.append("start: kg CLI or seeds missing")
        return
    store = WORK / "store-seed"
    for kind, note in (("cold", "empty result cache each time: SHACL and HermiT run"),
                       ("warm", "unchanged input: SHACL verdict and HermiT answer from the cache")):
        cache = WORK / "cache-seed"
        times = []
        for _ in range(reps):
            if kind == "cold":
                shutil.rmtree(cache, ignore_errors=True)
            r = run_child([str(kg), "build", "--store-dir", str(store), "-q"], 120, env={"KG_CACHE_DIR": str(cache)})
            if r["rc"] != 0:
                notes.append(f"kg build of the seed failed: {r['output'][-1500:].strip()}")
                return
            times.append(r["seconds"])
        med = statistics.median(times)
        results.append(("start", f"kg build of the seed, {kind} (median of {reps})", "seed", f"{med:.2f} s",
                        # The sampled tree, not rusage: a child forked from this process once it holds the CQ
                        # section's stores counts that copy in its ru_maxrss until it execs.
                        f"{note}; min {min(times):.2f}, max {max(times):.2f}; peak {r['tree_peak_mb']:.0f} MB "
                        "(sampled process tree)",
                        _check(med <= 2, "≤ 2 s")))
    if not (REPO / "server.py").exists():
        return
    starts = []
    for _ in range(reps):
        with httpbench.our_server(REPO, store) as s:
            try:
                starts.append(s.start(timeout=30))
            except RuntimeError as e:
                notes.append(f"start: {e}")
                return
    med = statistics.median(starts)
    results.append(("start", f"server.py start to first answer (median of {reps})", "seed store",
                    f"{med:.2f} s", f"min {min(starts):.2f}, max {max(starts):.2f}", _check(med <= 1, "≤ 1 s")))


# --- output -----------------------------------------------------------------------------------------------------------

def _check(ok: bool, target: str) -> str:
    return f"{'MET' if ok else 'MISSED'} {target}"


def render(results: list, markdown: bool) -> str:
    header = ("area", "measure", "size / subject", "value", "detail", "target")
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in results]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *results]) for i in range(len(header))]
    fmt = lambda row: "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, results)])


def write_results(results: list, notes: list, info: dict, args, elapsed: float) -> None:
    pkgs = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    analysis = HERE / "ANALYSIS.md"
    body = [
        "# Benchmark results",
        "",
        f"Run `{' '.join(['python benchmarks/run.py', *sys.argv[1:]])}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
        f" {elapsed / 60:.1f} min. Generated by `benchmarks/run.py`: the table from this run; the analysis"
        " after it is `benchmarks/ANALYSIS.md` (profiles and fixes, written by hand) copied in.",
        "",
        "## Machine",
        "",
        f"- nproc: {info['nproc']}; memory: {info['memory']}; CPU: {info['cpu']}",
        f"- OS: {info['os']}; Python {info['python']}; Java: {info['java']}",
        f"- load client: {info['load client']}",
        f"- load average (1/5/15 min) at start {info['load_start']}, at end {info['load_end']}: the machine is"
        " shared with other work, so absolute figures vary run to run; ratios come from one run, interleaved",
        f"- packages: {pkgs}",
        "",
        "## Results",
        "",
        render(results, markdown=True),
        "",
    ]
    if notes:
        body += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    if analysis.exists():
        body += [analysis.read_text(encoding="utf-8").strip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(body))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated corpus sizes for build and cq")
    ap.add_argument("--quick", action="store_true", help="10k only, 3-second HTTP runs, 3 repetitions")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--skip-cq", action="store_true")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--skip-start", action="store_true")
    ap.add_argument("--http-seconds", type=float, default=2.0, help="length of one load burst")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    ap.add_argument("--child-build", nargs=2, metavar=("SIZE", "EVENTS"), help=argparse.SUPPRESS)
    ap.add_argument("--child-per-article", nargs=3, metavar=("SIZE", "N", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--child-store-export", nargs=2, metavar=("SIZE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_build:
        child_build(args.child_build[0], Path(args.child_build[1]))
        return 0
    if args.child_store_export:
        child_store_export(args.child_store_export[0], Path(args.child_store_export[1]))
        return 0
    if args.child_per_article:
        child_per_article(args.child_per_article[0], int(args.child_per_article[1]), Path(args.child_per_article[2]))
        return 0
    sizes = ["10k"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in generate.SIZES]
    if unknown:
        ap.error(f"unknown size(s) {', '.join(unknown)}; expected {', '.join(generate.SIZES)}")
    duration = 2.0 if args.quick else args.http_seconds
    rounds = 1 if args.quick else 3
    reps = 3 if args.quick else 5
    WORK.mkdir(parents=True, exist_ok=True)
    begin = time.perf_counter()
    info = machine()
    info["load_start"] = "/".join(f"{x:.1f}" for x in os.getloadavg())
    results: list = []
    notes: list = []
    for size in sizes:
        m = ensure_data(size)
        results.append(("data", "synthetic corpus", size, f"{m['quads']} quads", f"{m['articles']} articles, "
                        f"{m['quads_per_article']} quads/article incl. the ontology graph (N-Quads mode)", ""))
    sections = [("build", lambda: bench_build(sizes, results, notes, 2 if args.quick else 4), args.skip_build),
                ("cq", lambda: bench_cq(sizes, results, notes), args.skip_cq),
                ("http", lambda: bench_http(duration, rounds, results, notes), args.skip_http),
                ("start", lambda: bench_start(reps, results, notes), args.skip_start)]
    for name, fn, skip in sections:
        if skip:
            continue
        t = time.perf_counter()
        print(f"[{time.perf_counter() - begin:6.1f} s] {name} ...", file=sys.stderr, flush=True)
        fn()
        print(f"[{time.perf_counter() - begin:6.1f} s] {name} done in {time.perf_counter() - t:.1f} s",
              file=sys.stderr, flush=True)
        if not args.no_write:  # a run stopped later still leaves the sections done so far
            info["load_end"] = "/".join(f"{x:.1f}" for x in os.getloadavg())
            write_results(results, notes, info, args, time.perf_counter() - begin)
    elapsed = time.perf_counter() - begin
    info["load_end"] = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(render(results, markdown=False))
    for n in notes:
        print(f"note: {n}")
    if not args.no_write:
        write_results(results, notes, info, args, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
