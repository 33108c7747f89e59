"""Our graphs in a real Oxigraph server (`oxigraph serve`): pushed, pushed again without duplicates, counted, and
fronted by `kg serve --store URL`, which answers the competency questions as the embedded store does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.cli import run_query
from kg.rdf.remote import RemoteStore
from kg.rdf.store import graph_counts, open_store

from .conftest import REPO, free_port, run_kg, wait_for

QUERIES = sorted((REPO / "ontology" / "queries").glob("*.rq"))
TIMEOUT = 3


def local_counts(store_dir: Path) -> dict[str, int]:
    return graph_counts(open_store(store_dir))


def union_size(store_dir: Path) -> int:
    return len({q.triple for q in ox.parse(path=str(store_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS)})


def test_push_replaces_and_counts(built_store, oxigraph_plain):
    """kg push writes every graph with the local counts; a second push leaves the same counts (nothing doubled);
    a store without a union default graph gets told how to turn it on, and queries without GRAPH see nothing."""
    first = run_kg("push", "--endpoint", oxigraph_plain.query_url, store=built_store)
    assert first.returncode == 0, first.stderr
    assert "counts match" in first.stdout and "oxigraph serve --union-default-graph" in first.stderr
    remote = RemoteStore(oxigraph_plain.query_url)
    assert remote.graph_counts() == local_counts(built_store)
    again = run_kg("push", "--endpoint", oxigraph_plain.query_url, "-q", store=built_store)
    assert again.returncode == 0, again.stderr
    assert remote.graph_counts() == local_counts(built_store)
    assert remote.default_graph_count() == 0


def test_push_writes_the_union_default_graph_when_asked(built_store, oxigraph_plain):
    """--union-default-graph write puts the union of all graphs (each triple once) into the default graph."""
    r = run_kg("push", "--endpoint", oxigraph_plain.query_url, "--union-default-graph", "write", "-q",
               store=built_store)
    assert r.returncode == 0, r.stderr
    assert RemoteStore(oxigraph_plain.query_url).default_graph_count() == union_size(built_store)


def test_push_by_sparql_update_is_idempotent_too(built_store, oxigraph_plain):
    """With only an Update endpoint (no Graph Store), small batches through DROP + INSERT DATA give the same
    counts, twice in a row; blank nodes of the ontology stay whole."""
    args = ("push", "--endpoint", oxigraph_plain.query_url, "--update", oxigraph_plain.base + "/update",
            "--batch", "400", "-q")
    for _ in range(2):
        r = run_kg(*args, store=built_store)
        assert r.returncode == 0, r.stderr
    remote = RemoteStore(oxigraph_plain.query_url)
    assert remote.graph_counts() == local_counts(built_store)
    lists = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?l rdf:first ?x ; rdf:rest ?r } }"
    embedded = next(iter(run_query(open_store(built_store), lists)))["n"].value
    pushed = next(iter(remote.query(lists, prefixes={"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"})))
    assert pushed["n"].value == embedded


@pytest.fixture(scope="module")
def fronting(built_store, oxigraph_union, tmp_path_factory):
    """`kg serve --store URL` fronting the union-default-graph Oxigraph server, after a push."""
    r = run_kg("push", "--endpoint", oxigraph_union.query_url, "-q", store=built_store)
    assert r.returncode == 0, r.stderr
    port = free_port()
    log_path = tmp_path_factory.mktemp("front") / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "KG_STORE_DIR"}
    env.update(PYTHONPATH=str(REPO), KG_TIMEOUT=str(TIMEOUT), KG_WORKERS="2", KG_MAX_ROWS="500")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--store", oxigraph_union.query_url,
                                 "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/health", proc, log_path)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _values(rows, variables) -> list[tuple]:
    """Rows as sorted tuples of values; each value's words sorted, since GROUP_CONCAT's order is unspecified
    and two engines may concatenate the same values in different orders."""
    return sorted(tuple("" if row[v] is None else " ".join(sorted(row[v].value.split())) for v in variables)
                  for row in rows)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_competency_questions_through_the_front(built_store, fronting, path):
    """Each query of ontology/queries gives the same rows through `kg serve --store` as on the embedded store."""
    text = path.read_text(encoding="utf-8")
    embedded = run_query(open_store(built_store), text)
    variables = [v.value for v in embedded.variables]
    r = requests.post(fronting + "/sparql", data={"query": text},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    remote = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)
    assert _values(remote, variables) == _values(embedded, variables)


def test_front_keeps_limits_and_safety(fronting):
    """Through the front: too many rows is 422, an update is 403, the description names the front's endpoint,
    and a query outliving the timeout is stopped with 503 while the front keeps answering."""
    big = requests.get(fronting + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert big.status_code == 422
    update = requests.post(fronting + "/sparql", data={"update": "DROP ALL"}, timeout=30)
    assert update.status_code == 403
    void = requests.get(fronting + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=60)
    assert f"<{fronting}/sparql>".encode() in void.content
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    r = requests.get(fronting + "/sparql", params={"query": slow}, timeout=60)
    assert r.status_code == 503 and time.monotonic() - started < TIMEOUT + 5
    assert requests.get(fronting + "/health", timeout=10).ok
