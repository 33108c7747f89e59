"""No query reaches a SERVICE endpoint off the allow-list: the check's verdict is tested against Oxigraph itself,
which is asked to run every generated query while a canary HTTP server records whom it really calls."""

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

import pyoxigraph as ox
import pytest
import requests

from kg.errors import QueryError
from kg.web.queryscan import scan_query
from kg.web.services import refuse_services

from .conftest import ENDPOINT_DATASET

FUZZ_QUERIES = 250


class Soup:
    """Random SPARQL: mostly well-formed queries whose FILTERs, BINDs, strings, comments and IRIs mix '<' as
    less-than, quotes, '#', '>' and the word SERVICE, with real SERVICE clauses here and there."""

    def __init__(self, rng: random.Random, canary_url: str, n: int):
        self.rng, self.bad, self.good = rng, f"{canary_url}/bad/{n}", f"{canary_url}/allowed"
        self.canary_url = canary_url

    def pick(self, *options):
        return self.rng.choice(options)

    def string(self) -> str:
        """A literal whose text holds characters that end other tokens: '>' ends an IRI, quotes end strings."""
        inner = self.pick("", ">", "#", "}") + "".join(self.pick("service", ">", ">", ">", "<", "#", "'", '"', "\\'", '\\"', "a", " ", "}", "\\u0027",
                                  "\\u0022", "\\\\", "SERVICE <x>") for _ in range(self.rng.randint(0, 3)))
        quote = self.pick("'", "'", '"', "'''", '"""')
        if len(quote) == 1:
            inner = inner.replace(quote, "\\" + quote)
        inner = inner.rstrip("\\") if inner.endswith("\\") and not inner.endswith("\\\\") else inner
        return quote + inner + quote

    def term(self) -> str:
        return self.pick("?a", "?b", "?c", "1", "2.5", self.string(), self.string(), self.string(), "<http://x/y>",
                         "ex:z", "true", "STR(?a)", "\"x\"@en", f"<{self.bad}>")

    def expression(self) -> str:
        def arithmetic():
            parts = [self.term()]
            for _ in range(self.rng.randint(0, 2)):
                parts += [self.pick("+", "-", "*", "/"), self.term()]
            return parts

        def relation():  # SPARQL allows one relational operator per operand, so '<' is always less-than here
            parts = arithmetic()
            if self.rng.random() < 0.7:
                parts += [self.pick("<", "<", ">", "<=", ">=", "=", "!="), *arithmetic()]
            return parts

        parts = relation()
        for _ in range(self.rng.randint(0, 2)):
            parts += [self.pick("&&", "||"), *relation()]
        return self.pick("", "", " ").join(parts)

    def endpoint(self) -> str:
        return self.pick(f"<{self.bad}>", f"<{self.bad}>", f"<{self.good}>", "bad:", "?a", "<rel>",
                         f"<{self.bad}\\u002F>", "ex:service")

    def element(self, depth: int = 0) -> str:
        weights = {"triple": 2, "filter": 3, "less-than": 2, "bind": 2, "comment": 1, "service": 4, "noise": 0.4}
        if depth < 2:
            weights.update(optional=1, union=1, exists=1, subquery=1)
        kind = self.rng.choices(list(weights), list(weights.values()))[0]
        inner = lambda: " ".join(self.element(depth + 1) for _ in range(self.rng.randint(1, 2)))  # noqa: E731
        if kind == "triple":
            return f"?a {self.pick('?b', '<http://x/p>', 'a')} {self.pick('?c', self.string(), '1')} ."
        if kind == "filter":  # true even when the expression is an error, so the SERVICE after it still runs
            return f"FILTER(({self.expression()}) || true)"
        if kind == "less-than":  # '<' right before a string: a tokenizer may take it for an IRI's start
            return f"FILTER(({self.pick('?a', '1', 'STR(?a)')}<{self.string()}) || true)"
        if kind == "bind":
            return f"BIND({self.expression()} AS ?v{self.rng.randint(0, 99)})"
        if kind == "comment":
            return "# " + self.pick("SERVICE <" + self.bad + "> {}", 'a " quote', "<", self.string()) + "\n"
        if kind == "service":
            return f"SERVICE {self.pick('', 'SILENT ', 'silent ')}{self.endpoint()} {{ {inner()} }}"
        if kind == "optional":
            return f"OPTIONAL {{ {inner()} }}"
        if kind == "union":
            return f"{{ {inner()} }} UNION {{ {inner()} }}"
        if kind == "exists":
            return f"FILTER({self.pick('', 'NOT ')}EXISTS {{ {inner()} }} || true)"
        if kind == "subquery":
            return f"{{ SELECT * WHERE {{ {inner()} }} }}"
        return self.pick("<", ">", "'", '"', "{", "}", "(", ")", "service", "SERVICE", self.term(), "\\u0053ERVICE")

    def query(self) -> str:
        prologue = f"PREFIX ex: <{self.bad}/>\n" + self.pick("", f"PREFIX bad: <{self.bad}>\n", f"BASE <{self.bad}/>\n")
        body = " ".join(self.element() for _ in range(self.rng.randint(1, 3)))
        return f"{prologue}{self.pick('SELECT *', 'ASK', 'select ?a')} {self.pick('WHERE ', '')}{{ ?a ?b ?c . {body} }}"


@pytest.fixture(scope="module")
def small_store():
    store = ox.Store()
    x = ox.NamedNode("http://x/y")
    store.add(ox.Quad(x, ox.NamedNode("http://x/p"), ox.Literal("1")))
    return store


def test_fuzzed_queries_never_reach_a_forbidden_endpoint(canary, small_store):
    """Over random SPARQL, every query Oxigraph would send to a forbidden endpoint is refused by the check, the
    generator finds attacks a tokenizer alone misreads, and queries that only mention service still pass."""
    allow = frozenset({f"{canary.url}/allowed"})
    rng = random.Random(20261202)
    attacks = fooled_tokenizer = allowed_mentions = 0
    for n in range(FUZZ_QUERIES):
        query = Soup(rng, canary.url, n).query()
        try:
            refuse_services(query, allow)
            allowed = True
        except QueryError:
            allowed = False
        try:  # the oracle: Oxigraph itself runs the query, whatever the verdict, and the canary sees what it calls
            for _ in small_store.query(query, use_default_graph_as_union=True) or ():
                pass
        except (SyntaxError, OSError, RuntimeError, TypeError):
            pass
        called = [hit for hit in canary.hits if hit[1].startswith(f"/bad/{n}/") or hit[1] == f"/bad/{n}"
                  or hit[1].startswith(f"/bad/{n}?")]
        if called:
            attacks += 1
            assert not allowed, f"allowed, yet Oxigraph called {called}: {query!r}"
            fooled_tokenizer += all(e is not None and e in allow for e in scan_query(query).services)
        elif allowed and "service" in query.lower():
            allowed_mentions += 1
    print(f"{FUZZ_QUERIES} queries: {attacks} reached the canary through Oxigraph and were refused, "
          f"{fooled_tokenizer} of them fool a tokenizer alone; {allowed_mentions} allowed that mention service")
    assert attacks >= 20, "the generator must produce real attacks for this test to mean anything"
    assert fooled_tokenizer >= 1, "the generator must find the attacks a hand-written tokenizer misreads"
    assert allowed_mentions >= 5, "the check must not refuse every query that says service"


@pytest.mark.parametrize("query", [
    'SELECT * {{ ?a ?b ?c FILTER(?a<?b&&?c>"x") SERVICE <{bad}> {{ ?s ?p ?o }} FILTER("y" != "") }}',
    "SELECT * {{ ?a ?b ?c FILTER(?a<'>') SERVICE <{bad}> {{ ?s ?p ?o }} FILTER(?a != 'x') }}",
    "SELECT * {{ ?a ?b ?c FILTER(?a < 'x>') SERVICE <{bad}> {{ }} }}",
    'SELECT * {{ ?a ?b ?c FILTER(1<2) BIND("#" AS ?h) SERVICE <{bad}> {{ }} }}',
    "SELECT * {{ ?a ?b ?c FILTER(?a<?c) # \" \n SERVICE <{bad}> {{ }} }}",
    'SELECT * {{ {{ SELECT * {{ SERVICE <{bad}> {{ }} }} }} }}',
    'SELECT * {{ FILTER NOT EXISTS {{ SERVICE SILENT <{bad}> {{ }} }} }}',
])
def test_tricky_queries_are_refused_by_the_endpoint(sparql, canary, query):
    """Queries mixing less-than, strings and comments around a forbidden SERVICE get 403 and call nobody."""
    bad = f"{canary.url}/bad/endpoint-{abs(hash(query))}"
    r = requests.get(sparql, params={"query": query.format(bad=bad)})
    assert r.status_code == 403, r.text
    assert canary.hits_to("/bad/endpoint-") == []


def _kg_query(store_dir, query, *extra, env=None, **kw):
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "query", "--store-dir", str(store_dir), *extra, query],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, **kw)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    shutil.copy(ENDPOINT_DATASET, folder / "dataset.nq")
    return folder


@pytest.fixture
def silent_host():
    """A TCP port that accepts connections and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql"


def test_kg_query_refuses_a_forbidden_service(store_dir, canary):
    """`kg query` refuses SERVICE to a host off KG_SERVICE_ALLOW with one line, exit 2, and calls nobody."""
    query = f"SELECT * {{ ?a ?b ?c FILTER(?a<?b&&?c>\"x\") SERVICE <{canary.url}/bad/cli> {{ ?s ?p ?o }} }}"
    out, err = _kg_query(store_dir, query, env={"KG_SERVICE_ALLOW": ""}).communicate(timeout=60)
    assert err.strip().count("\n") == 0 and "[service-not-allowed]" in err
    assert canary.hits_to("/bad/cli") == []


def test_kg_query_times_out_on_a_silent_allowed_service(store_dir, silent_host):
    """An allowed SERVICE that never answers ends at --timeout with one line and exit 2, not a hang."""
    query = f"SELECT * {{ SERVICE <{silent_host}> {{ ?s ?p ?o }} }}"
    started = time.monotonic()
    proc = _kg_query(store_dir, query, "--timeout", "2", env={"KG_SERVICE_ALLOW": silent_host})
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "[query-timeout]" in err and err.strip().count("\n") == 0
    assert time.monotonic() - started < 15


def test_ctrl_c_stops_kg_query(store_dir):
    """Ctrl-C (SIGINT) ends a long-running `kg query` within a second or two, with exit 130."""
    cross = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n0 ?o }"
    proc = _kg_query(store_dir, cross, "--timeout", "0")
    time.sleep(3)  # the store is loaded and the query is running
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 3
    assert proc.returncode == 130 and "interrupted" in err


def test_kg_query_says_updates_are_not_allowed(store_dir):
    """An update given to `kg query` is refused as an update, not as a syntax error."""
    proc = _kg_query(store_dir, 'PREFIX x: <http://x/> INSERT DATA { x:a x:b "c" }')
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "updates are not allowed" in err and "expected" not in err
