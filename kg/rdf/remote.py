"""A remote SPARQL 1.1 store (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune, ...) behind the query
interface of a pyoxigraph Store, so the endpoint, ``kg link`` and ``kg push`` use it as they use our own store.

:class:`RemoteStore` speaks the SPARQL 1.1 Protocol (queries, updates) and the Graph Store HTTP Protocol. Its
:meth:`RemoteStore.query` sends the query and hands back pyoxigraph's own result objects (solutions, booleans,
triples), parsed from the remote answer, so whatever serializes or counts them (row limits, formats) works
unchanged. Every request carries the timeout; credentials are sent as HTTP Basic when given.

Where the store keeps its endpoints differs; :func:`endpoints` derives them from the query URL for the layouts
of Oxigraph (``/query``, ``/update``, ``/store``) and Fuseki (``/ds/sparql`` or ``/ds/query``, ``/ds/update``,
``/ds/data``), and takes them as given otherwise.

>>> endpoints("http://127.0.0.1:7878/query")
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
>>> endpoints("http://h:3030/ds/sparql")
('http://h:3030/ds/sparql', 'http://h:3030/ds/update', 'http://h:3030/ds/data')
>>> endpoints("http://h/repositories/fp")
('http://h/repositories/fp', None, None)
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from kg.errors import StoreError

USER_ENV, PASSWORD_ENV = "KG_REMOTE_USER", "KG_REMOTE_PASSWORD"
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_TRIPLES_QUERY = "CONSTRUCT WHERE { ?s ?p ?o }"


def is_remote(location) -> bool:
    """Whether a store location is a URL (a remote SPARQL store) rather than a path."""
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def endpoints(query_url: str, update_url: str | None = None, graph_store_url: str | None = None):
    """(query, update, graph store) URLs: the ones given, else derived for Oxigraph's and Fuseki's layouts."""
    base, _, last = query_url.rstrip("/").rpartition("/")
    if last == "query" and update_url is None and graph_store_url is None and "/repositories" not in base:
        # Oxigraph serves /query, /update, /store; Fuseki /ds/query, /ds/update, /ds/data. Oxigraph's root has
        # nothing after the port, a Fuseki dataset one path segment.
        fuseki = urllib.parse.urlsplit(base).path.strip("/") != ""
        return query_url, base + "/update", base + ("/data" if fuseki else "/store")
    if last == "sparql" and update_url is None and graph_store_url is None and \
            urllib.parse.urlsplit(base).path.strip("/"):
        return query_url, base + "/update", base + "/data"
    return query_url, update_url, graph_store_url


class RemoteStore:
    """A remote SPARQL 1.1 store at ``url`` (its query endpoint); ``update_url`` and ``graph_store_url`` as in
    :func:`endpoints`. ``user``/``password`` default to ``$KG_REMOTE_USER``/``$KG_REMOTE_PASSWORD``."""

    def __init__(self, url: str, *, update_url: str | None = None, graph_store_url: str | None = None,
                 user: str | None = None, password: str | None = None, timeout: float = 30.0):
        self.url, self.update_url, self.graph_store_url = endpoints(url, update_url, graph_store_url)
        self.timeout = timeout
        user = user if user is not None else os.environ.get(USER_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        self._auth = None
        if user:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self._auth = f"Basic {token}"

    # --- HTTP ----------------------------------------------------------------------------------------------------

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> bytes:
        """The body of the answer to one request.

        :raises StoreError: if the store cannot be reached, times out, or answers with an error status.
        """
        headers = dict(headers or {})
        if self._auth:
            headers["Authorization"] = self._auth
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                return answer.read()
        except urllib.error.HTTPError as e:
            detail = " ".join(e.read()[:300].decode("utf-8", "replace").split())
            raise StoreError(f"{method} {url}: HTTP {e.code} {e.reason}: {detail}") from None
        except TimeoutError:
            raise StoreError(f"{method} {url}: no answer within {self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as e:
            raise StoreError(f"{method} {url}: {getattr(e, 'reason', e)}") from None

    def software(self) -> str:
        """``oxigraph``, ``fuseki`` or ``other``: which store answers, from its Server header or its page."""
        req = urllib.request.Request(self.url.rsplit("/", 1)[0] + "/", method="GET")
        if self._auth:
            req.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                sign = (answer.headers.get("Server", "") + answer.read(4096).decode("utf-8", "replace")).lower()
        except urllib.error.HTTPError as e:
            sign = e.headers.get("Server", "").lower()
        except (urllib.error.URLError, OSError):
            return "other"
        return next((kind for kind in ("oxigraph", "fuseki") if kind in sign), "other")

    def _query_request(self, text: str, accept: str, params: list) -> bytes:
        query = urllib.parse.urlencode([*params, ("query", text)]).encode()
        return self.request("POST", self.url, query, {"Content-Type": "application/x-www-form-urlencoded",
                                                       "Accept": accept})

    # --- the query interface of pyoxigraph's Store ----------------------------------------------------------------

    def query(self, text: str, *, use_default_graph_as_union: bool = False, default_graph=None,
              named_graphs=None, prefixes: dict | None = None, **_ignored):
        """Evaluate ``text`` remotely; returns ``ox.QuerySolutions``, ``ox.QueryBoolean`` or ``ox.QueryTriples``.
        ``use_default_graph_as_union`` is the remote store's default graph: a union there only if the store
        was set up so (see ``kg push``). ``default_graph``/``named_graphs`` become the Protocol's
        ``default-graph-uri``/``named-graph-uri``.

        :raises SyntaxError: if the store refuses the query as malformed (HTTP 400).
        :raises OSError: if the store cannot be reached or fails.
        """
        if prefixes:
            text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + text
        params = [("default-graph-uri", g.value) for g in default_graph or ()]
        params += [("named-graph-uri", g.value) for g in named_graphs or ()]
        try:
            body = self._query_request(text, f"{_RESULTS_JSON}, {_NTRIPLES};q=0.9", params)
        except StoreError as e:
            if "HTTP 400" in e.message:
                raise SyntaxError(e.message) from None
            raise OSError(e.message) from None
        if body.lstrip().startswith(b"{"):
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        # A graph answer: pyoxigraph makes QueryTriples only from a query, so ask a scratch store for them all.
        scratch = ox.Store()
        scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object)
                            for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return scratch.query(_TRIPLES_QUERY)

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"))

    def quads_for_pattern(self, subject, predicate, obj, graph):
        """Quads of one named graph (the only pattern the endpoint asks a store for)."""
        if subject is not None or predicate is not None or obj is not None or not isinstance(graph, ox.NamedNode):
            raise NotImplementedError("a remote store is asked for whole named graphs only")
        for t in self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"):
            yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def __iter__(self):
        """Every quad of the store's named graphs (one query; for the dataset description)."""
        for row in self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)

    # --- counting and writing --------------------------------------------------------------------------------------

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph of the remote store."""
        rows = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"].value: int(row["n"].value) for row in rows}

    def default_graph_count(self) -> int:
        """Triples the remote default graph shows: 0 when it is not the union of the named graphs."""
        return int(next(iter(self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    def update(self, text: str) -> None:
        """Run a SPARQL Update.

        :raises StoreError: if the store has no known update endpoint or refuses the update.
        """
        if not self.update_url:
            raise StoreError(f"no SPARQL Update endpoint known for {self.url}; give it with --update URL")
        self.request("POST", self.update_url, text.encode(), {"Content-Type": "application/sparql-update"})

    def write_graph(self, graph: str | None, ntriples: bytes, *, replace: bool) -> None:
        """Write N-Triples into ``graph`` (None: the default graph): replacing it (Graph Store PUT) or adding to
        it (POST); with SPARQL Update (DROP, INSERT DATA) where no Graph Store endpoint is known.

        :raises StoreError: if the store refuses.
        """
        if self.graph_store_url:
            target = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
            separator = "&" if "?" in self.graph_store_url else "?"
            self.request("PUT" if replace else "POST", f"{self.graph_store_url}{separator}{target}", ntriples,
                         {"Content-Type": _NTRIPLES})
            return
        into = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        text = f"DROP SILENT {into} ;\n" if replace else ""
        data = ntriples.decode()
        text += f"INSERT DATA {{ {data} }}" if graph is None else f"INSERT DATA {{ GRAPH <{graph}> {{ {data} }} }}"
        self.update(text)
