"""The HTTP face of the knowledge graph: the Flask app (:func:`create_app`); :mod:`kg.web.front` serves it.

Routes: ``/sparql`` (SPARQL 1.1 Protocol, query only; GET without a query gives the Service Description),
``/rdf-graphs`` (Graph Store Protocol, read side), ``/.well-known/void`` (the dataset's VoID/DCAT description,
:mod:`kg.rdf.describe`), ``/context.jsonld`` (the JSON-LD context of the exports), ``/health``. Requests that touch the store take the fast
path: a thin WSGI layer reads the request (413 over the size limit) and hands it to the *executor*, which runs
:class:`kg.web.handler.QueryHandler` in a query process of the server's pool (:mod:`kg.web.pool`: timeout,
memory cap) or, without a pool (the Flask test client), in this process. Flask answers the rest.

Configuration: ``KG_*`` environment variables, overridden by the ``config`` dict (keys without ``KG_``):

>>> s = load_settings({"TIMEOUT": "2.5", "SERVICE_ALLOW": "http://a/sparql http://b/sparql"})
>>> s["TIMEOUT"], s["MAX_ROWS"], s["SERVICE_ALLOW"]
(2.5, 10000, ('http://a/sparql', 'http://b/sparql'))
"""

from __future__ import annotations

import json
import os
import sys

import pyoxigraph as ox
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from kg.rdf.prefixes import BASE
from kg.web.conneg import GRAPH_FORMATS, RESULT_FORMATS
from kg.web.handler import REQUEST_KEYS, QueryHandler
from kg.web.pages import register as register_pages
from kg.web.protocol import TOO_LARGE, ProtocolError, pick_format

_NUMBERS = {"TIMEOUT": float, "MAX_ROWS": int, "MAX_REQUEST_BYTES": int, "WORKERS": int, "FRONTS": int,
            "QUERY_MEMORY_MB": int, "RELOAD_INTERVAL": float}

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_TEXT = "text/plain; charset=utf-8"


def load_settings(config: dict | None = None) -> dict:
    """The settings of :mod:`kg.settings` (``KG_*`` environment variables over the defaults), overridden by
    ``config``; values converted.

    :raises UsageError: if a ``KG_*`` number setting is not a number.
    :raises ValueError: if a number setting of ``config`` is not a number.
    """
    from kg.settings import current

    s = current()
    settings = {"STORE_DIR": str(s.store_dir), "STORE": s.store and str(s.store), "TIMEOUT": s.timeout,
                "MAX_ROWS": s.max_rows, "MAX_REQUEST_BYTES": s.max_request_bytes, "SERVICE_ALLOW": s.service_allow,
                "CORS_ORIGIN": s.cors_origin, "WORKERS": s.workers, "FRONTS": s.fronts,
                "QUERY_MEMORY_MB": s.query_memory_mb,
                "RELOAD_INTERVAL": s.reload_interval, "PUBLIC_BASE": s.public_base or BASE}
    settings.update({k: v for k, v in (config or {}).items() if v is not None})
    for name, kind in _NUMBERS.items():
        settings[name] = kind(settings[name])
    allow = settings["SERVICE_ALLOW"]
    if isinstance(allow, str):
        allow = allow.replace(",", " ").split()
    settings["SERVICE_ALLOW"] = tuple(allow)
    return settings


class _FastPath:
    """WSGI layer before Flask: answers /sparql and /rdf-graphs through the executor, and CORS preflights."""

    def __init__(self, flask_app, state, max_request_bytes: int, cors_origin: str):
        self.flask_app = flask_app
        self.state = state
        self.max_request_bytes = max_request_bytes
        self.cors = [("Access-Control-Allow-Origin", cors_origin)] if cors_origin else []

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/sparql" or path == "/rdf-graphs":
            if environ["REQUEST_METHOD"] == "OPTIONS" and path == "/sparql":
                start_response("204 No Content", self._preflight())
                return [b""]
            if path == "/rdf-graphs" or environ.get("QUERY_STRING") or environ["REQUEST_METHOD"] != "GET":
                answer = self._answer(environ)
                if answer is not None:
                    status, headers, body = answer
                    start_response(status, [*headers, ("Content-Length", str(len(body))), *self.cors])
                    return [body]
        return self.flask_app(environ, start_response)

    def _answer(self, environ):
        request = {key: environ.get(key, "") for key in REQUEST_KEYS}
        if environ["REQUEST_METHOD"] == "POST":
            body = self._body(environ)
            if body is None:
                message = f"request larger than {self.max_request_bytes} bytes (KG_MAX_REQUEST_BYTES)\n"
                return TOO_LARGE, [("Content-Type", _TEXT)], message.encode()
            request["body"] = body
        try:
            answer = self.state.executor(request)
        except Exception as e:  # never a traceback to the client
            answer = ("500 Internal Server Error", [("Content-Type", _TEXT)],
                      f"internal server error: {type(e).__name__}: {e}\n".encode())
        if answer is not None and answer[0] >= "500":  # one log line per failure, with the client's message
            message = answer[2][:300].decode(errors="replace").partition("\n")[0]
            print(f"fpkg: {answer[0][:3]} {environ['REQUEST_METHOD']} {environ['PATH_INFO']}: {message}",
                  file=sys.stderr, flush=True)
        return answer

    def _body(self, environ) -> bytes | None:
        """The request body, or None if it is over the limit (the server discards what is left of it)."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length > self.max_request_bytes:
            return None
        body = environ["wsgi.input"].read(length if length >= 0 else self.max_request_bytes + 1)
        return None if len(body) > self.max_request_bytes else body

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


def _build_info(store_dir) -> dict | None:
    """The last build's metadata, if the store directory has it (a store handed in directly may have none)."""
    from kg.errors import StoreError
    from kg.rdf.store import read_build_info

    try:
        return read_build_info(store_dir)
    except StoreError:
        return None


def _rdf_response(triples, prefixes=None) -> Response:
    fmt = pick_format(request.args.getlist("format"), request.headers.get("Accept"), GRAPH_FORMATS)
    body = ox.serialize(triples, format=fmt.ox_format, prefixes=prefixes)
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


class ServingState:
    """What the app serves, swapped as a whole when the server reloads a new build: the store the Flask routes
    read, and the executor that answers /sparql and /rdf-graphs (``request dict -> (status, headers, body)``)."""

    def __init__(self, store, executor):
        self.store = store
        self.executor = executor
        self.counts: dict = {}  # triples per graph, counted on first use so start-up stays fast
        self.described: list = []  # the VoID description, made on first use

    def swap(self, store) -> None:
        self.store, self.counts, self.described = store, {}, []


def create_app(config: dict | None = None, store: ox.Store | None = None, *, executor=None) -> Flask:
    """The Flask app serving ``store`` (default: :func:`kg.rdf.store.open_store` of the configured STORE_DIR, or of
    the persistent database STORE). ``config`` overrides the ``KG_*`` environment (see :func:`load_settings`).

    ``executor`` answers the requests that touch the store (the server passes its query pool's ``run``); without
    it they run here, in-process, with no timeout. The app's :class:`ServingState` is ``app.extensions["fpkg"]``.

    :raises StoreError: if no store is given and nothing was built yet.
    :raises ValueError: if a number setting is not a number.
    """
    settings = load_settings(config)
    if store is None:
        from kg.web.source import source_for

        store = source_for(settings).open()
    app = Flask(__name__)
    app.config.update({f"KG_{k}": v for k, v in settings.items()})
    cors = settings["CORS_ORIGIN"]
    state = app.extensions["fpkg"] = ServingState(store, executor or QueryHandler(settings, store))

    @app.get("/sparql")
    def sparql_service_description():
        if not state.counts:
            state.counts = graph_counts(state.store)
        return _rdf_response(service_description(request.base_url, state.counts, settings["SERVICE_ALLOW"]),
                             _SD_PREFIXES)

    @app.get("/.well-known/void")
    def void_description():
        from kg.rdf.describe import DESCRIPTION_PREFIXES, describe

        if not state.described:  # made on first use: it reads every quad once
            state.described = describe(iter(state.store), build=_build_info(settings["STORE_DIR"]),
                                       endpoint=request.url_root + "sparql")
        return _rdf_response(state.described, DESCRIPTION_PREFIXES)

    @app.get("/context.jsonld")
    def jsonld_context():
        from kg.rdf.export import CONTEXT

        return Response(json.dumps({"@context": CONTEXT}, indent=2) + "\n", content_type="application/ld+json")

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

    register_pages(app, state, settings)  # the web face: editor, article reader, entity pages, diagram, ontology

    if cors:
        @app.after_request
        def allow_origin(response: Response) -> Response:
            response.headers["Access-Control-Allow-Origin"] = cors
            return response

    app.wsgi_app = _FastPath(app.wsgi_app, state, settings["MAX_REQUEST_BYTES"], cors)
    return app
