"""The requests that touch the store: ``/sparql`` queries and the Graph Store's ``/rdf-graphs``.

:class:`QueryHandler` turns a request (a small dict: the WSGI environ's method, path, query string, content type,
Accept, and the body already read) into ``(status, headers, body)``, or None for a GET of ``/sparql`` without a
query (the Flask app answers it with the Service Description). The server runs it in its query processes
(:mod:`kg.web.pool`); the app factory runs it in-process when no pool is given (the Flask test client).
"""

from __future__ import annotations

import io

import pyoxigraph as ox

from kg.rdf.prefixes import PREFIX_IRIS
from kg.web.conneg import GRAPH_FORMATS
from kg.web.protocol import BAD_REQUEST, ProtocolError, SparqlProtocol, pick_format

#: The environ entries a request carries to a query process.
REQUEST_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "HTTP_ACCEPT")
_TEXT = "text/plain; charset=utf-8"
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"


class QueryHandler:
    """Answers /sparql and /rdf-graphs from ``store`` (settable: a reload puts a new store here)."""

    def __init__(self, settings: dict, store):
        self.protocol = SparqlProtocol(store, max_rows=settings["MAX_ROWS"],
                                       max_request_bytes=settings["MAX_REQUEST_BYTES"],
                                       service_allow=settings["SERVICE_ALLOW"], prefixes=PREFIX_IRIS)

    @property
    def store(self):
        return self.protocol.store

    @store.setter
    def store(self, store) -> None:
        self.protocol.store = store

    def __call__(self, request: dict):
        environ = dict(request)
        body = environ.pop("body", b"")
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)
        if environ["PATH_INFO"] == "/sparql":
            return self.protocol(environ)
        try:
            return self.graph_store(environ)
        except ProtocolError as e:
            return e.status, [("Content-Type", _TEXT), *e.headers], f"{e}\n".encode()

    def graph_store(self, environ: dict):
        """GET /rdf-graphs?graph=IRI (one named graph) or ?default (the union of all graphs), read side only.

        :raises ProtocolError: 405 other methods, 400 not exactly one graph or a bad IRI, 404 an unknown graph,
            406 no acceptable format.
        """
        from urllib.parse import parse_qs

        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            raise ProtocolError("405 Method Not Allowed", "the Graph Store here is read-only: use GET",
                                (("Allow", "GET, HEAD"),))
        args = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        graphs, default = args.get("graph", []), "default" in args
        if len(graphs) + default != 1:
            raise ProtocolError(BAD_REQUEST, "give exactly one of ?graph=IRI or ?default")
        fmt = pick_format(args.get("format", []), environ.get("HTTP_ACCEPT"), GRAPH_FORMATS)
        store = self.store
        if default:
            triples = store.query(_UNION, use_default_graph_as_union=True)
        else:
            try:
                name = ox.NamedNode(graphs[0])
            except ValueError as e:
                raise ProtocolError(BAD_REQUEST, f"invalid graph IRI: {e}") from None
            if not store.contains_named_graph(name):
                raise ProtocolError("404 Not Found", f"no graph <{graphs[0]}> in this dataset")
            triples = (q.triple for q in store.quads_for_pattern(None, None, None, name))
        body = ox.serialize(triples, format=fmt.ox_format)
        return "200 OK", [("Content-Type", fmt.content_type), ("Vary", "Accept")], body
