"""The HTTP face of the knowledge graph: a Flask app (:func:`create_app`) run by gunicorn (:func:`serve`).

Routes: ``/sparql`` (SPARQL 1.1 Protocol, query only; GET without a query gives the Service Description),
``/rdf-graphs`` (Graph Store Protocol, read side), ``/health``. Queries take the fast path: a thin WSGI layer
hands ``/sparql`` straight to :class:`kg.web.protocol.SparqlProtocol` and leaves the rest to Flask.

Timeouts. pyoxigraph cannot cancel a query, so every gunicorn worker (a sync worker: one request at a time) has
one :class:`Watchdog` thread. A request arms it with a deadline; if the deadline passes (queries release the GIL,
so the thread runs), the watchdog writes a complete 503 response to the client's socket and ends the worker
process with ``os._exit``. The gunicorn master forks a fresh worker; the other workers keep answering.

Configuration: ``KG_*`` environment variables, overridden by the ``config`` dict (keys without ``KG_``):

>>> s = load_settings({"TIMEOUT": "2.5", "SERVICE_ALLOW": "http://a/sparql http://b/sparql"})
>>> s["TIMEOUT"], s["MAX_ROWS"], s["SERVICE_ALLOW"]
(2.5, 10000, ('http://a/sparql', 'http://b/sparql'))
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
import traceback

import pyoxigraph as ox
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from kg.web.conneg import GRAPH_FORMATS, RESULT_FORMATS
from kg.web.protocol import BAD_REQUEST, ProtocolError, SparqlProtocol, pick_format

#: Settings and their defaults; each can be set by the environment variable ``KG_<NAME>``.
DEFAULTS = {
    "STORE_DIR": None,          # store directory holding dataset.nq (kg.rdf.store's default: .kg)
    "STORE": None,              # persistent on-disk database path (default: in memory)
    "TIMEOUT": 30.0,            # seconds a request may run before the client gets 503 and its worker ends
    "MAX_ROWS": 10000,          # result rows (or triples) above which a query is refused with 422
    "MAX_REQUEST_BYTES": 65536,  # largest query string, POST body or query text (413 above)
    "SERVICE_ALLOW": (),        # SERVICE endpoint IRIs queries may call (space or comma separated)
    "CORS_ORIGIN": "*",         # Access-Control-Allow-Origin for queries; empty turns CORS off
    "WORKERS": 0,               # gunicorn worker processes; 0 = one per CPU plus one
}
_NUMBERS = {"TIMEOUT": float, "MAX_ROWS": int, "MAX_REQUEST_BYTES": int, "WORKERS": int}

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TEXT = "text/plain; charset=utf-8"


def load_settings(config: dict | None = None) -> dict:
    """DEFAULTS, overridden by ``KG_*`` environment variables, overridden by ``config``; values converted.

    :raises ValueError: if a number setting is not a number.
    """
    settings = dict(DEFAULTS)
    for name in DEFAULTS:
        if os.environ.get(f"KG_{name}"):
            settings[name] = os.environ[f"KG_{name}"]
    settings.update({k: v for k, v in (config or {}).items() if v is not None})
    for name, kind in _NUMBERS.items():
        settings[name] = kind(settings[name])
    allow = settings["SERVICE_ALLOW"]
    if isinstance(allow, str):
        allow = allow.replace(",", " ").split()
    settings["SERVICE_ALLOW"] = tuple(allow)
    return settings


class Watchdog:
    """Ends this worker process, after answering 503, when a request outlives ``timeout`` seconds.

    One long-lived thread per process polls a deadline, so arming costs two attribute writes per request.
    """

    def __init__(self, timeout: float, cors_origin: str):
        self.timeout = timeout
        self.tick = min(0.25, timeout / 10)
        self.deadline = 0.0
        self.sock: socket.socket | None = None
        self.lock = threading.Lock()
        self.pid = 0
        body = (f"query timed out after {timeout:g} s (KG_TIMEOUT); the query was stopped\n").encode()
        cors = f"Access-Control-Allow-Origin: {cors_origin}\r\n" if cors_origin else ""
        self.response = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: {_TEXT}\r\n{cors}"
                         f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body

    def arm(self, sock: socket.socket) -> None:
        if self.pid != os.getpid():  # first request in this (forked) worker: threads do not survive fork
            self.pid = os.getpid()
            threading.Thread(target=self._watch, name="kg-watchdog", daemon=True).start()
        self.sock = sock
        self.deadline = time.monotonic() + self.timeout

    def disarm(self) -> None:
        with self.lock:  # never while the watchdog is answering: then this worker is about to end anyway
            self.deadline = 0.0

    def _watch(self) -> None:
        while True:
            time.sleep(self.tick)
            if self.deadline and time.monotonic() > self.deadline:
                with self.lock:
                    if self.deadline and time.monotonic() > self.deadline:
                        self._fire()

    def _fire(self) -> None:
        try:
            self.sock.sendall(self.response)
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client left; the worker must end all the same
        print(f"[fpkg] worker {os.getpid()}: request exceeded {self.timeout:g} s; worker stops", file=sys.stderr,
              flush=True)
        os._exit(1)


class _FastPath:
    """WSGI layer before Flask: arms the watchdog, answers /sparql queries and CORS preflights directly."""

    def __init__(self, flask_app, protocol: SparqlProtocol, watchdog: Watchdog, cors_origin: str):
        self.flask_app = flask_app
        self.protocol = protocol
        self.watchdog = watchdog
        self.cors = [("Access-Control-Allow-Origin", cors_origin)] if cors_origin else []

    def __call__(self, environ, start_response):
        sock = environ.get("gunicorn.socket")  # only under gunicorn: elsewhere nobody could restart the process
        if sock is not None:
            self.watchdog.arm(sock)
        try:
            if environ["PATH_INFO"] == "/sparql":
                if environ["REQUEST_METHOD"] == "OPTIONS":
                    start_response("204 No Content", self._preflight())
                    return [b""]
                answer = self.protocol(environ)
                if answer is not None:
                    status, headers, body = answer
                    start_response(status, [*headers, ("Content-Length", str(len(body))), *self.cors])
                    return [body]
            return self.flask_app(environ, start_response)
        except Exception:  # never a traceback to the client: log it, answer 500
            traceback.print_exc()
            start_response("500 Internal Server Error", [("Content-Type", _TEXT), *self.cors])
            return [b"internal server error\n"]
        finally:
            if sock is not None:
                self.watchdog.disarm()

    def _preflight(self) -> list:
        return [*self.cors, ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                ("Access-Control-Allow-Headers", "Content-Type, Accept"), ("Access-Control-Max-Age", "86400"),
                ("Allow", "GET, HEAD, POST, OPTIONS")]


def service_description(endpoint: str, counts: dict, services: tuple) -> list:
    """Triples of the SPARQL 1.1 Service Description of the endpoint at ``endpoint``, whose named graphs hold
    ``counts`` triples (graph IRI -> count; key '' is the union default graph)."""
    def iri(value):
        return ox.NamedNode(value)

    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [ox.Triple(service, _RDF_TYPE, iri(SD + "Service")),
               ox.Triple(service, iri(SD + "endpoint"), iri(endpoint)),
               ox.Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
               ox.Triple(service, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
               ox.Triple(service, iri(SD + "defaultDataset"), dataset),
               ox.Triple(dataset, _RDF_TYPE, iri(SD + "Dataset")),
               ox.Triple(dataset, iri(SD + "defaultGraph"), default),
               ox.Triple(default, _RDF_TYPE, iri(SD + "Graph")),
               ox.Triple(default, iri(VOID + "triples"), ox.Literal(str(counts.get("", 0)),
                                                                    datatype=ox.NamedNode(XSD_INTEGER)))]
    if services:
        triples.append(ox.Triple(service, iri(SD + "feature"), iri(SD + "BasicFederatedQuery")))
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        triples.append(ox.Triple(service, iri(SD + "resultFormat"), iri(fmt.ox_format.iri)))
    for name, count in counts.items():
        if name:
            named, graph = ox.BlankNode(), ox.BlankNode()
            triples += [ox.Triple(dataset, iri(SD + "namedGraph"), named),
                        ox.Triple(named, _RDF_TYPE, iri(SD + "NamedGraph")),
                        ox.Triple(named, iri(SD + "name"), iri(name)),
                        ox.Triple(named, iri(SD + "graph"), graph),
                        ox.Triple(graph, _RDF_TYPE, iri(SD + "Graph")),
                        ox.Triple(graph, iri(VOID + "triples"),
                                  ox.Literal(str(count), datatype=ox.NamedNode(XSD_INTEGER)))]
    return triples


_SD_PREFIXES = {"sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/"}


def graph_counts(store: ox.Store) -> dict:
    """Triples per named graph, and under '' the triples of the union default graph (duplicates counted once)."""
    counts = {row["g"].value: int(row["n"].value) for row in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")}
    union = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
                        use_default_graph_as_union=True)
    counts[""] = int(next(union)["n"].value)
    return counts


def _rdf_response(triples, prefixes=None) -> Response:
    fmt = pick_format(request.args.getlist("format"), request.headers.get("Accept"), GRAPH_FORMATS)
    body = ox.serialize(triples, format=fmt.ox_format, prefixes=prefixes)
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


def create_app(config: dict | None = None, store: ox.Store | None = None) -> Flask:
    """The Flask app serving ``store`` (default: :func:`kg.rdf.store.open_store` of the configured STORE_DIR, or of
    the persistent database STORE). ``config`` overrides the ``KG_*`` environment (see :data:`DEFAULTS`).

    :raises StoreError: if no store is given and nothing was built yet.
    :raises ValueError: if a number setting is not a number.
    """
    settings = load_settings(config)
    if store is None:
        from kg.rdf.store import open_store

        store = open_store(settings["STORE_DIR"], persistent_path=settings["STORE"])
    app = Flask(__name__)
    app.config.update({f"KG_{k}": v for k, v in settings.items()})
    cors = settings["CORS_ORIGIN"]
    protocol = SparqlProtocol(store, max_rows=settings["MAX_ROWS"], max_request_bytes=settings["MAX_REQUEST_BYTES"],
                              service_allow=settings["SERVICE_ALLOW"])
    counts: dict = {}  # the store is read-only: count once, on first use, so start-up stays fast

    @app.get("/sparql")
    def sparql_service_description():
        if not counts:
            counts.update(graph_counts(store))
        return _rdf_response(service_description(request.base_url, counts, settings["SERVICE_ALLOW"]),
                             _SD_PREFIXES)

    @app.get("/rdf-graphs")
    def graph_store():
        graphs, default = request.args.getlist("graph"), "default" in request.args
        if len(graphs) + default != 1:
            raise ProtocolError(BAD_REQUEST, "give exactly one of ?graph=IRI or ?default")
        if default:
            return _rdf_response(store.query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
                                             use_default_graph_as_union=True))
        try:
            name = ox.NamedNode(graphs[0])
        except ValueError as e:
            raise ProtocolError(BAD_REQUEST, f"invalid graph IRI: {e}") from None
        if not store.contains_named_graph(name):
            raise ProtocolError("404 Not Found", f"no graph <{graphs[0]}> in this dataset")
        return _rdf_response(q.triple for q in store.quads_for_pattern(None, None, None, name))

    @app.get("/health")
    def health():
        return {"status": "ok", "pid": os.getpid()}

    @app.errorhandler(ProtocolError)
    def protocol_error(e: ProtocolError):
        return Response(f"{e}\n", status=e.status, content_type=_TEXT, headers=dict(e.headers))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return Response(f"{e.code} {e.name}: {e.description}\n", status=e.code, content_type=_TEXT,
                        headers={k: v for k, v in e.get_headers() if k == "Allow"})

    if cors:
        @app.after_request
        def allow_origin(response: Response) -> Response:
            response.headers["Access-Control-Allow-Origin"] = cors
            return response

    app.wsgi_app = _FastPath(app.wsgi_app, protocol, Watchdog(settings["TIMEOUT"], cors), cors)
    return app


def serve(host: str = "127.0.0.1", port: int = 5000, store_dir: str | None = None, *,
          persistent_path: str | None = None, workers: int | None = None, timeout: float | None = None,
          config: dict | None = None, store: ox.Store | None = None,
          gunicorn_options: dict | None = None) -> None:
    """Serve the endpoint with gunicorn until interrupted; print its URL once it listens.

    ``gunicorn_options`` override gunicorn settings (the benchmarks measure other worker classes this way).

    An in-memory store is loaded once in the master and shared by the forked workers; a persistent store
    (``persistent_path``) is opened by each worker, since RocksDB handles must not cross a fork.

    :raises StoreError: if nothing was built yet (and no ``store`` is given).
    """
    from gunicorn.app.base import BaseApplication

    from kg.rdf.store import dataset_path

    settings = load_settings({**(config or {}), "STORE_DIR": store_dir, "STORE": persistent_path,
                              "WORKERS": workers, "TIMEOUT": timeout})
    if store is None:
        dataset_path(settings["STORE_DIR"])  # fail here with one clear line, not in every worker
    url = f"http://{host}:{port}/sparql"
    options = {
        "bind": f"{host}:{port}",
        # CPU-bound work: more workers than cores only add contention; the spare one keeps the server
        # answering while a long query holds a worker
        "workers": settings["WORKERS"] or (os.cpu_count() or 1) + 1,
        "worker_class": "sync",
        # gunicorn's own timeout only backs up the watchdog (it kills without answering the client)
        "timeout": int(settings["TIMEOUT"]) + 10,
        "graceful_timeout": 5,
        "preload_app": settings["STORE"] is None,
        "accesslog": None,
        # GET queries up to the request limit fit the request line; beyond gunicorn's ceiling (8190) a GET gets
        # 414 and the query must be POSTed
        "limit_request_line": min(settings["MAX_REQUEST_BYTES"] + 1024, 8190),
        "control_socket_disable": True,  # no management socket in $HOME: nothing to administer at runtime
        "when_ready": lambda arbiter: print(f"fpkg SPARQL endpoint: {url}", flush=True),
        **(gunicorn_options or {}),
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(settings, store)

    Server().run()
