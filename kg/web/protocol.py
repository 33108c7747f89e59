r"""The SPARQL 1.1 Protocol (query operation) over a read-only pyoxigraph Store, as plain WSGI-level functions.

:class:`SparqlProtocol` turns one WSGI ``environ`` into ``(status, headers, body)``: it reads GET ``query=``,
POST form and POST ``application/sparql-query`` requests, checks them (size, charset, SERVICE allow-list, no
update), runs the query and serializes the answer with pyoxigraph's own (Rust) writers in the negotiated format
(:mod:`kg.web.conneg`). It knows nothing of Flask, so the hot path costs little more than the query itself.

Safety is decided before evaluation: a query mentioning ``service`` anywhere is parsed and refused unless it provably
calls only allow-listed endpoints (:func:`kg.web.services.refuse_services`); one mentioning ``from`` is tokenized by
:func:`kg.web.queryscan.scan_query` to learn whether it picks its own graphs.
Graphs are only ever looked up in the store, so FROM, FROM NAMED and the graph parameters never fetch anything.

>>> store = ox.Store()
>>> x = ox.NamedNode("http://x/s")
>>> store.add(ox.Quad(x, x, ox.Literal("o"), x))
>>> protocol = SparqlProtocol(store, max_rows=10, max_request_bytes=1000)
>>> environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": "query=SELECT+%3Fo+%7B%3Fs+%3Fp+%3Fo%7D&format=csv"}
>>> protocol(environ)
('200 OK', [('Content-Type', 'text/csv; charset=utf-8'), ('Vary', 'Accept')], b'o\r\no\r\n')
>>> protocol({"REQUEST_METHOD": "GET", "QUERY_STRING": "query=SELECT+*+%7BSERVICE+%3Chttp://evil/%3E+%7B%7D%7D"})[::2]
('403 Forbidden', b'SERVICE <http://evil/> is not allowed (KG_SERVICE_ALLOW)\n')
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from itertools import islice
from urllib.parse import parse_qsl

import pyoxigraph as ox
from werkzeug.http import parse_options_header

from kg.errors import QueryError
from kg.web.conneg import GRAPH_FORMATS, RESULT_FORMATS, Format, choose_format
from kg.web.queryscan import UPDATE_KEYWORDS, scan_query
from kg.web.services import refuse_services


class ProtocolError(Exception):
    """A request the endpoint refuses: ``status`` is the HTTP status line, ``str(self)`` the message."""

    def __init__(self, status: str, message: str, headers: tuple = ()):
        super().__init__(message)
        self.status = status
        self.headers = headers


BAD_REQUEST = "400 Bad Request"
FORBIDDEN = "403 Forbidden"
NOT_ACCEPTABLE = "406 Not Acceptable"
TOO_LARGE = "413 Content Too Large"
UNPROCESSABLE = "422 Unprocessable Content"


# Fewest bytes one result row can take in each format ("{}," in JSON, "<result></result>" in XML, CRLF, LF):
# an answer shorter than max_rows times this cannot hold more than max_rows rows, so it needs no counting.
_MIN_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}
#: Bytes per row allowed before an answer is counted without being kept (a bound on memory, not on rows).
_MAX_ROW_BYTES = 4096


def pick_format(format_params, accept: str | None, formats: tuple) -> Format:
    """:func:`kg.web.conneg.choose_format`, or 406 with the formats on offer.

    :raises ProtocolError: 406 if no format of ``formats`` fits.
    """
    fmt = choose_format(format_params, accept, formats)
    if fmt is not None:
        return fmt
    if format_params:
        names = ", ".join(f.name for f in formats)
        raise ProtocolError(NOT_ACCEPTABLE, f"format={format_params[0]} cannot be used here; use one of {names}")
    types = ", ".join(f.media_types[0] for f in formats)
    raise ProtocolError(NOT_ACCEPTABLE, f"cannot answer in any type of Accept: {accept}; available: {types}")


# --- the request -------------------------------------------------------------------------------------------------

def _content_type(value: str) -> tuple:
    """``(media type, charset or None)`` of a Content-Type header, both in lower case (parsed by werkzeug).

    >>> _content_type('Application/SPARQL-Query; charset="UTF-8"')
    ('application/sparql-query', 'utf-8')
    """
    media, params = parse_options_header(value)
    charset = params.get("charset")
    return media.strip().lower(), charset.lower() if charset else None


def _decode_form(text: str) -> tuple:
    try:
        return tuple(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        raise ProtocolError(BAD_REQUEST, "parameters are not valid UTF-8 after percent-decoding") from None


# Percent-decoding is pure Python and costs about as much as a small query; clients repeat their queries.
_decode_form_cached = lru_cache(maxsize=256)(_decode_form)


def _form(text: str) -> tuple:
    return _decode_form_cached(text) if len(text) <= 4096 else _decode_form(text)


def read_params(environ: dict, max_bytes: int):
    """The (name, value) parameters of a /sparql request: the URL's, plus a form body's, or a direct POST body
    as ``query``.

    :raises ProtocolError: 413 request too large, 400 missing Content-Type or not UTF-8, 415 other
        Content-Type, 403 an update body, 405 a method other than GET/HEAD/POST.
    """
    query_string = environ.get("QUERY_STRING", "")
    if len(query_string) > max_bytes:
        raise ProtocolError(TOO_LARGE, f"request larger than {max_bytes} bytes (KG_MAX_REQUEST_BYTES)")
    params = _form(query_string) if query_string else ()
    method = environ["REQUEST_METHOD"]
    if method in ("GET", "HEAD"):
        return params
    if method != "POST":
        raise ProtocolError("405 Method Not Allowed", f"{method} is not allowed on a read-only SPARQL endpoint",
                            (("Allow", "GET, HEAD, POST, OPTIONS"),))
    media, charset = _content_type(environ.get("CONTENT_TYPE", ""))
    if not media:
        raise ProtocolError(BAD_REQUEST, "POST needs a Content-Type: application/x-www-form-urlencoded or "
                                         "application/sparql-query")
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(BAD_REQUEST, f"charset {charset} is not supported; send UTF-8")
    if media == "application/sparql-update":
        raise ProtocolError(FORBIDDEN, "SPARQL Update is not allowed: this endpoint is read-only")
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise ProtocolError("415 Unsupported Media Type", f"Content-Type {media} is not supported; use "
                            "application/x-www-form-urlencoded or application/sparql-query")
    body = _read_body(environ, max_bytes)
    if media == "application/sparql-query":
        try:
            return [*params, ("query", body.decode("utf-8"))]
        except UnicodeDecodeError:
            raise ProtocolError(BAD_REQUEST, "the query is not valid UTF-8") from None
    return [*params, *_form(body.decode("latin-1"))]


def _read_body(environ: dict, max_bytes: int) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        raise ProtocolError(BAD_REQUEST, "invalid Content-Length") from None
    if length > max_bytes:
        raise ProtocolError(TOO_LARGE, f"request larger than {max_bytes} bytes (KG_MAX_REQUEST_BYTES)")
    body = environ["wsgi.input"].read(length if length >= 0 else max_bytes + 1)
    if len(body) > max_bytes:
        raise ProtocolError(TOO_LARGE, f"request larger than {max_bytes} bytes (KG_MAX_REQUEST_BYTES)")
    return body


def _count_rows(body: bytes, fmt_name: str) -> int:
    """Rows of a serialized SELECT answer, read back exactly from pyoxigraph's output.

    >>> _count_rows(b'a,b\\r\\n"x\\ny",1\\r\\n', "csv"), _count_rows(b'?a\\n"x\\\\ny"\\n', "tsv")
    (1, 1)
    """
    if fmt_name == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt_name == "xml":
        return body.count(b"<result>")  # "<" inside values is always escaped
    if fmt_name == "tsv":
        return body.count(b"\n") - 1  # newlines inside values are escaped as \n
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1  # CSV quotes raw newlines


def _more_rows_than(body: bytes, fmt_name: str, limit: int) -> bool:
    """Whether a serialized SELECT answer has more than ``limit`` rows.

    For JSON a byte count first gives an upper bound: a row after the first starts with ``},{"`` (bindings) or
    ``,{}`` (an empty row), and a bare ``"`` never occurs inside a JSON string, so only a literal containing
    ``,{}`` can inflate it. Only an answer whose bound is over the limit is parsed.

    >>> answer = b'{"head":{"vars":["a"]},"results":{"bindings":[{},{},{"a":{"type":"literal","value":",{}"}}]}}'
    >>> _more_rows_than(answer, "json", 2), _more_rows_than(answer, "json", 3)
    (True, False)
    """
    if fmt_name == "json":
        bound = body.count(b'},{"') + body.count(b",{}") + (b'"bindings":[{' in body)
        if bound <= limit:
            return False
    return _count_rows(body, fmt_name) > limit


class _TooManyRows(Exception):
    pass


class _Capped:
    """A binary writer for pyoxigraph's serializers that gives up past ``cap`` bytes."""

    __slots__ = ("parts", "size", "cap")

    def __init__(self, cap: int):
        self.parts, self.size, self.cap = [], 0, cap

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _TooManyRows
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        pass


def _limited(triples, max_rows: int):
    for n, triple in enumerate(triples, 1):
        if n > max_rows:
            raise _TooManyRows
        yield triple


def _named(iris: list) -> list:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as e:
        raise ProtocolError(BAD_REQUEST, f"invalid graph IRI: {e}") from None


class SparqlProtocol:
    """The /sparql query operation over ``store`` (see the module docstring).

    ``service_allow`` lists the SERVICE endpoint IRIs a query may call; ``max_rows`` caps result rows (and
    CONSTRUCT/DESCRIBE triples): a bigger answer is refused with 422 rather than silently truncated.
    ``prefixes`` (prefix -> namespace IRI) are predeclared: a query's own PREFIX declarations override them.
    """

    def __init__(self, store: ox.Store, *, max_rows: int, max_request_bytes: int, service_allow=(),
                 prefixes: dict | None = None):
        self.store = store
        self.prefixes = dict(prefixes or {})
        self.max_rows = max_rows
        self.max_request_bytes = max_request_bytes
        self.service_allow = frozenset(service_allow)

    def __call__(self, environ: dict):
        """``(status, headers, body)`` for the request, or None for a GET without ``query`` (the caller answers
        with the service description)."""
        try:
            return self._answer(environ)
        except ProtocolError as e:
            return e.status, [("Content-Type", "text/plain; charset=utf-8"), *e.headers], str(e).encode() + b"\n"

    def _answer(self, environ: dict):
        params = read_params(environ, self.max_request_bytes)
        queries, default_graphs, named_graphs, format_params = [], [], [], []
        for key, value in params:
            if key == "query":
                queries.append(value)
            elif key == "default-graph-uri":
                default_graphs.append(value)
            elif key == "named-graph-uri":
                named_graphs.append(value)
            elif key == "format":
                format_params.append(value)
            elif key == "update":
                raise ProtocolError(FORBIDDEN, "SPARQL Update is not allowed: this endpoint is read-only")
        if not queries:
            if environ["REQUEST_METHOD"] != "POST":
                return None
            raise ProtocolError(BAD_REQUEST, "missing query parameter")
        if len(queries) > 1:
            raise ProtocolError(BAD_REQUEST, f"{len(queries)} query parameters; send exactly one")
        query = queries[0]
        if not query.strip():
            raise ProtocolError(BAD_REQUEST, "empty query")
        if len(query) > self.max_request_bytes:
            raise ProtocolError(TOO_LARGE, f"query longer than {self.max_request_bytes} bytes "
                                           "(KG_MAX_REQUEST_BYTES)")
        options = self._dataset(query, default_graphs, named_graphs)
        try:
            result = self.store.query(query, **options)
            accept = environ.get("HTTP_ACCEPT")
            if isinstance(result, ox.QueryTriples):
                fmt = pick_format(format_params, accept, GRAPH_FORMATS)
                body = self._graph_body(result, fmt, query)
            else:
                fmt = pick_format(format_params, accept, RESULT_FORMATS)
                body = self._results_body(result, fmt, query, options)
        except SyntaxError as e:
            raise self._syntax_error(query, e) from None
        except (OSError, RuntimeError) as e:  # evaluation failed: the store or an allowed SERVICE could not be read
            raise ProtocolError("502 Bad Gateway" if "SERVICE" in query.upper() else "500 Internal Server Error",
                                f"query evaluation failed: {e}") from None
        return "200 OK", [("Content-Type", fmt.content_type), ("Vary", "Accept")], body

    def _dataset(self, query: str, default_graphs: list, named_graphs: list) -> dict:
        """The dataset options of Store.query, after refusing SERVICE endpoints that are not allowed.

        The default graph is the union of all graphs unless the request (default-graph-uri, named-graph-uri:
        these override the query's FROM, as the Protocol says) or the query (FROM, FROM NAMED) picks graphs.
        Graphs are only ever looked up in the store: an unknown IRI is an empty graph, never a fetch.
        """
        lowered = query.lower()
        has_from = False
        try:
            refuse_services(query, self.service_allow)
        except QueryError as e:
            raise ProtocolError(FORBIDDEN, e.message) from None
        if "from" in lowered:
            has_from = scan_query(query).has_from
        if default_graphs or named_graphs:
            return {"default_graph": _named(default_graphs), "named_graphs": _named(named_graphs)}
        options = {} if has_from else {"use_default_graph_as_union": True}
        if self.prefixes:
            options["prefixes"] = self.prefixes
        return options

    def _syntax_error(self, query: str, error: SyntaxError) -> ProtocolError:
        keyword = scan_query(query).first_keyword
        if keyword in UPDATE_KEYWORDS:
            return ProtocolError(FORBIDDEN, f"SPARQL Update ({keyword}) is not allowed: this endpoint is read-only")
        message = str(error)
        found = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
        if found:
            message = f"line {found.group(1)}, column {found.group(2)}: {found.group(3)}"
        missing = self.undeclared_prefixes(query)
        if missing:
            names = ", ".join(f"{p}:" for p in missing)
            message = (f"{message.split(':', 1)[0]}: prefix {names} is not declared; add PREFIX {missing[0]}: "
                       f"<namespace IRI> (predeclared here: {', '.join(self.prefixes) or 'none'})")
        return ProtocolError(BAD_REQUEST, f"SPARQL syntax error at {message}")

    def undeclared_prefixes(self, query: str) -> list[str]:
        """Prefixes the query uses but neither declares nor finds predeclared, in order of first use.

        >>> protocol = SparqlProtocol(ox.Store(), max_rows=1, max_request_bytes=1, prefixes={"fp": "x"})
        >>> protocol.undeclared_prefixes('PREFIX a: <http://a/> SELECT * { ?s a:p fp:o ; zz:q "b:c" } # d:e')
        ['zz']
        """
        text = re.sub(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*', " ", query)
        declared = set(re.findall(r"(?i)\bprefix\s+([A-Za-z][\w.-]*)?:", text)) | set(self.prefixes)
        used = re.findall(r"(?<![\w?$:.-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?=[\w%\\]|\s|$)", text)
        return list(dict.fromkeys(p for p in used if p not in declared))

    def _results_body(self, result, fmt: Format, query: str, options: dict) -> bytes:
        if isinstance(result, ox.QueryBoolean):
            return result.serialize(format=fmt.ox_format)
        # One pass: serialize, and count rows only when the answer is long enough to hold too many. The byte
        # cap keeps a runaway answer from filling memory before it is counted.
        out = _Capped(self.max_rows * _MAX_ROW_BYTES)
        try:
            result.serialize(out, format=fmt.ox_format)
        except _TooManyRows:
            # Rare: a very long answer. Count its rows without serializing, then serialize it if it fits.
            rows = sum(1 for _ in islice(self.store.query(query, **options), self.max_rows + 1))
            if rows > self.max_rows:
                raise self._too_many() from None
            return self.store.query(query, **options).serialize(format=fmt.ox_format)
        body = b"".join(out.parts)
        if len(body) > self.max_rows * _MIN_ROW_BYTES[fmt.name] and _more_rows_than(body, fmt.name, self.max_rows):
            raise self._too_many()
        return body

    def _graph_body(self, triples, fmt: Format, query: str) -> bytes:
        # the predeclared prefixes, then the query's own: answers read as the query does
        prefixes = {**self.prefixes, **(scan_query(query).prefixes if "prefix" in query.lower() else {})} or None
        try:
            return ox.serialize(_limited(triples, self.max_rows), format=fmt.ox_format, prefixes=prefixes)
        except _TooManyRows:
            raise self._too_many() from None

    def _too_many(self) -> ProtocolError:
        return ProtocolError(UNPROCESSABLE, f"the answer has more than {self.max_rows} rows (KG_MAX_ROWS); "
                                            "add LIMIT and OFFSET to page through it")
