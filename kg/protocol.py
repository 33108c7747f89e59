"""The SPARQL 1.1 Protocol (query operation) over a read-only pyoxigraph Store, as plain WSGI-level functions.

:class:`SparqlProtocol` turns one WSGI ``environ`` into ``(status, headers, body)``: it reads GET ``query=``,
POST form and POST ``application/sparql-query`` requests, checks them (size, charset, SERVICE allow-list, no
update), runs the query and serializes the answer with pyoxigraph's own (Rust) writers in the negotiated format.
It knows nothing of Flask, so the hot path costs a few microseconds on top of the query itself.

Safety is decided before evaluation, without a full parse: a query mentioning ``service`` or ``from`` anywhere
is tokenized by :func:`scan_query`, which skips strings, IRIs and comments, to find SERVICE endpoints and FROM.

>>> scan = scan_query('PREFIX e: <http://x/> SELECT * FROM <g> { SERVICE SILENT e:s { ?a ?b "service" } }')
>>> scan.services, scan.has_from, scan.first_keyword
(['http://x/s'], True, 'SELECT')
>>> scan_query('SELECT * { SERVICE ?endpoint { ?s ?p ?o } }  # FROM <x>').services
[None]
>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS).name
'xml'
>>> negotiate("image/png", RESULT_FORMATS) is None
True
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import NamedTuple
from urllib.parse import parse_qsl, urljoin

import pyoxigraph as ox


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


class Format(NamedTuple):
    """One serialization: its short name for ``format=``, pyoxigraph format, Content-Type and accepted media types."""

    name: str
    ox_format: object
    content_type: str
    media_types: tuple
    aliases: tuple = ()


_RF, _GF = ox.QueryResultsFormat, ox.RdfFormat
#: Formats of SELECT and ASK results, in the server's order of preference (the first is the default).
RESULT_FORMATS = (
    Format("json", _RF.JSON, "application/sparql-results+json; charset=utf-8",
           ("application/sparql-results+json", "application/json", "text/javascript", "application/javascript"),
           ("srj",)),
    Format("xml", _RF.XML, "application/sparql-results+xml; charset=utf-8",
           ("application/sparql-results+xml", "application/xml", "text/xml"), ("srx",)),
    Format("csv", _RF.CSV, "text/csv; charset=utf-8", ("text/csv",)),
    Format("tsv", _RF.TSV, "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",)),
)
#: Formats of CONSTRUCT and DESCRIBE results (and of graphs), in order of preference.
GRAPH_FORMATS = (
    Format("ttl", _GF.TURTLE, "text/turtle; charset=utf-8",
           ("text/turtle", "application/x-turtle", "application/turtle"), ("turtle",)),
    Format("nt", _GF.N_TRIPLES, "application/n-triples; charset=utf-8",
           ("application/n-triples", "text/plain"), ("ntriples", "n-triples")),
    Format("jsonld", _GF.JSON_LD, "application/ld+json; charset=utf-8",
           ("application/ld+json", "application/json"), ("json-ld", "json")),
    Format("rdfxml", _GF.RDF_XML, "application/rdf+xml; charset=utf-8",
           ("application/rdf+xml", "application/xml", "text/xml"), ("rdf+xml", "rdf", "xml")),
    Format("n3", _GF.N3, "text/n3; charset=utf-8", ("text/n3", "text/rdf+n3", "application/n3")),
)
# Fewest bytes one result row can take in each format ("{}," in JSON, "<result></result>" in XML, CRLF, LF):
# an answer shorter than max_rows times this cannot hold more than max_rows rows, so it needs no counting.
_MIN_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


def _parse_accept(header: str) -> list:
    ranges = []
    for part in header.split(","):
        media, *params = part.split(";")
        media = media.strip().lower()
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list, exact_only: bool) -> tuple:
    """(q, specificity) of the most specific Accept range matching ``media_type`` (RFC 9110 section 12.5.1)."""
    best = (0.0, -1)
    wildcard = media_type.split("/")[0] + "/*"
    for media, q in ranges:
        if media == media_type:
            spec = 2
        elif exact_only:
            continue
        else:
            spec = 1 if media == wildcard else 0 if media == "*/*" else -1
        if spec > best[1]:
            best = (q, spec)
    return best


_negotiated: dict = {}


def negotiate(accept: str | None, formats: tuple) -> Format | None:
    """The format of ``formats`` the ``Accept`` header likes best (highest q, then the most specific match, then
    the server's order); the first format when there is no header; None when nothing is acceptable."""
    if not accept:
        return formats[0]
    key = (accept, formats[0].name)
    if key in _negotiated:
        return _negotiated[key]
    ranges = _parse_accept(accept)
    best, best_rank = None, (0.0, -1)
    for fmt in formats:
        # wildcards match only the type the answer will carry, aliases only when named
        rank = max(_quality(m, ranges, i > 0) for i, m in enumerate(fmt.media_types))
        if rank[0] > 0 and rank > best_rank:
            best, best_rank = fmt, rank
    if len(_negotiated) > 1024:  # clients send few distinct headers; the bound only stops a flood of odd ones
        _negotiated.clear()
    _negotiated[key] = best
    return best


def by_name(name: str, formats: tuple) -> Format | None:
    """The format called ``name`` (short name, alias or media type) in ``formats``, else None."""
    name = name.strip().lower()
    for fmt in formats:
        if name == fmt.name or name in fmt.aliases or name in fmt.media_types:
            return fmt
    return None


def choose_format(format_params, accept: str | None, formats: tuple) -> Format:
    """The first known format named by the ``format=`` values (each a name, media type or comma-separated list
    of them: SPARQLWrapper sends several), which override Accept as in Fuseki and Virtuoso; else content
    negotiation.

    :raises ProtocolError: 406 if no format of ``formats`` fits.
    """
    if format_params:
        for value in format_params:
            for name in value.split(","):
                fmt = by_name(name, formats)
                if fmt is not None:
                    return fmt
        names = ", ".join(f.name for f in formats)
        raise ProtocolError(NOT_ACCEPTABLE, f"format={format_params[0]} cannot be used here; use one of {names}")
    fmt = negotiate(accept, formats)
    if fmt is None:
        types = ", ".join(f.media_types[0] for f in formats)
        raise ProtocolError(NOT_ACCEPTABLE, f"cannot answer in any type of Accept: {accept}; available: {types}")
    return fmt


# --- scanning a query without parsing it ---------------------------------------------------------------------------

_TOKENS = re.compile(r"""
    '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"     # long strings
  | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*"                            # strings
  | \#[^\n\r]*                                                               # comment
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$]\w*)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]|\\.)*)
  | (?P<word>[^\W\d]\w*)
""", re.VERBOSE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


class QueryScan(NamedTuple):
    """What :func:`scan_query` found: SERVICE endpoints (None for a variable or unreadable endpoint), whether a
    FROM clause is present, and the first keyword after the prologue (SELECT, ASK, INSERT, LOAD ...)."""

    services: list
    has_from: bool
    first_keyword: str | None


def _iri(token: str, base: str | None) -> str:
    iri = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])
    return urljoin(base, iri) if base else iri


def scan_query(text: str) -> QueryScan:
    """Tokenize ``text`` (skipping strings, IRIs and comments) and report its SERVICE endpoints, FROM clauses and
    first keyword. It never raises: anything it cannot read as an endpoint is reported as None (refused)."""
    tokens = [(m.lastgroup, m.group()) for m in _TOKENS.finditer(text) if m.lastgroup]
    prefixes: dict[str, str] = {}
    base = None
    services: list = []
    has_from = False
    first = None
    for i, (kind, value) in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else (None, "")
        if kind != "word":
            continue
        keyword = value.upper()
        if keyword == "PREFIX" and nxt[0] == "pname" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[nxt[1][:-1]] = _iri(tokens[i + 2][1], base)
        elif keyword == "BASE" and nxt[0] == "iri":
            base = _iri(nxt[1], base)
        elif first is None:
            first = keyword
        if keyword == "FROM":
            has_from = True
        elif keyword == "SERVICE":
            if nxt[0] == "word" and nxt[1].upper() == "SILENT":
                nxt = tokens[i + 2] if i + 2 < len(tokens) else (None, "")
            if nxt[0] == "iri":
                services.append(_iri(nxt[1], base))
            elif nxt[0] == "pname" and nxt[1].split(":", 1)[0] in prefixes:
                prefix, local = nxt[1].split(":", 1)
                services.append(prefixes[prefix] + local)
            else:
                services.append(None)
    return QueryScan(services, has_from, first)


# --- the request -------------------------------------------------------------------------------------------------

def _content_type(value: str) -> tuple:
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"').lower()
    return media.strip().lower(), charset


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
    """

    def __init__(self, store: ox.Store, *, max_rows: int, max_request_bytes: int, service_allow=()):
        self.store = store
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
        except SyntaxError as e:
            raise self._syntax_error(query, e) from None
        accept = environ.get("HTTP_ACCEPT")
        if isinstance(result, ox.QueryTriples):
            fmt = choose_format(format_params, accept, GRAPH_FORMATS)
            body = self._graph_body(result, fmt)
        else:
            fmt = choose_format(format_params, accept, RESULT_FORMATS)
            body = self._results_body(result, fmt, query, options)
        if environ["REQUEST_METHOD"] == "HEAD":
            body = b""
        return "200 OK", [("Content-Type", fmt.content_type), ("Vary", "Accept")], body

    def _dataset(self, query: str, default_graphs: list, named_graphs: list) -> dict:
        """The dataset options of Store.query, after refusing SERVICE endpoints that are not allowed.

        The default graph is the union of all graphs unless the request (default-graph-uri, named-graph-uri:
        these override the query's FROM, as the Protocol says) or the query (FROM, FROM NAMED) picks graphs.
        Graphs are only ever looked up in the store: an unknown IRI is an empty graph, never a fetch.
        """
        lowered = query.lower()
        has_from = False
        if "service" in lowered or "from" in lowered:
            scan = scan_query(query)
            for endpoint in scan.services:
                if endpoint is None:
                    raise ProtocolError(FORBIDDEN, "SERVICE needs a constant endpoint IRI on the allow-list")
                if endpoint not in self.service_allow:
                    raise ProtocolError(FORBIDDEN, f"SERVICE <{endpoint}> is not allowed (KG_SERVICE_ALLOW)")
            has_from = scan.has_from
        if default_graphs or named_graphs:
            return {"default_graph": _named(default_graphs), "named_graphs": _named(named_graphs)}
        return {} if has_from else {"use_default_graph_as_union": True}

    @staticmethod
    def _syntax_error(query: str, error: SyntaxError) -> ProtocolError:
        keyword = scan_query(query).first_keyword
        if keyword in _UPDATE_KEYWORDS:
            return ProtocolError(FORBIDDEN, f"SPARQL Update ({keyword}) is not allowed: this endpoint is read-only")
        message = str(error)
        found = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
        if found:
            message = f"line {found.group(1)}, column {found.group(2)}: {found.group(3)}"
        return ProtocolError(BAD_REQUEST, f"SPARQL syntax error at {message}")

    def _results_body(self, result, fmt: Format, query: str, options: dict) -> bytes:
        if isinstance(result, ox.QueryBoolean):
            return result.serialize(format=fmt.ox_format)
        out = _Capped(self.max_rows * _MIN_ROW_BYTES[fmt.name])
        try:
            result.serialize(out, format=fmt.ox_format)
            return b"".join(out.parts)
        except _TooManyRows:
            pass
        # Rare: a long answer. Count its rows exactly, then serialize it again if it fits.
        rows = sum(1 for _ in islice(self.store.query(query, **options), self.max_rows + 1))
        if rows > self.max_rows:
            raise self._too_many()
        return self.store.query(query, **options).serialize(format=fmt.ox_format)

    def _graph_body(self, triples, fmt: Format) -> bytes:
        try:
            return ox.serialize(_limited(triples, self.max_rows), format=fmt.ox_format)
        except _TooManyRows:
            raise self._too_many() from None

    def _too_many(self) -> ProtocolError:
        return ProtocolError(UNPROCESSABLE, f"the answer has more than {self.max_rows} rows (KG_MAX_ROWS); "
                                            "add LIMIT and OFFSET to page through it")
