"""The endpoint's pure parts in-process, without a server: the protocol on WSGI environ dicts, content
negotiation and the query scanner (milliseconds each; the HTTP tests in tests/endpoint cover the wire)."""

import io
import json
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from kg.web.conneg import GRAPH_FORMATS, RESULT_FORMATS, choose_format, negotiate
from kg.web.protocol import SparqlProtocol
from kg.web.queryscan import scan_query

EX = "http://example.org/"


@pytest.fixture(scope="module")
def protocol() -> SparqlProtocol:
    store = ox.Store()
    graph = ox.NamedNode(EX + "g")
    for i in range(5):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), graph))
    return SparqlProtocol(store, max_rows=3, max_request_bytes=2000)


def get(protocol, accept=None, **params):
    environ = {"REQUEST_METHOD": "GET", "QUERY_STRING": urlencode(params)}
    if accept:
        environ["HTTP_ACCEPT"] = accept
    return protocol(environ)


def post(protocol, body: bytes, content_type: str):
    return protocol({"REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)),
                     "wsgi.input": io.BytesIO(body)})


@pytest.mark.parametrize("accept,media", [
    (None, "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/*;q=0.9, application/sparql-results+xml;q=0.5", "text/csv"),
    ("application/json;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("TEXT/CSV; charset=utf-8", "text/csv"),
])
def test_select_answers_in_the_negotiated_format(protocol, accept, media):
    """A SELECT is answered 200 over the union of the graphs, in the format the Accept header likes best."""
    status, headers, body = get(protocol, accept, query="SELECT ?o { ?s ?p ?o } ORDER BY ?o LIMIT 2")
    assert status == "200 OK" and dict(headers)["Content-Type"].startswith(media)
    assert b"0" in body and b"1" in body and b"2" not in body


def test_unacceptable_accept_is_406(protocol):
    """An Accept header naming no format the answer can take gets 406 listing the available ones."""
    status, _, body = get(protocol, "image/png", query="ASK {}")
    assert status.startswith("406") and b"application/sparql-results+json" in body


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
                                          'application/x-www-form-urlencoded; charset="utf-8"'])
def test_post_form_with_or_without_charset(protocol, content_type):
    """A form POST is read as UTF-8, with or without (quoted) charset, in any letter case."""
    status, _, body = post(protocol, urlencode({"query": "ASK { ?s ?p \"3\" }"}).encode(), content_type)
    assert status == "200 OK" and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("content_type,status", [
    ("application/sparql-query; charset=latin-1", "400"), ("text/plain", "415"), ("", "400"),
    ("application/sparql-update", "403"),
])
def test_post_content_types_refused(protocol, content_type, status):
    """Other charsets, other media types, a missing Content-Type and updates are refused with one line."""
    code, _, body = post(protocol, b"ASK {}", content_type)
    assert code.startswith(status) and body.count(b"\n") == 1


def test_more_rows_than_the_limit_is_422(protocol):
    """An answer over max_rows is refused whole, not cut."""
    assert get(protocol, query="SELECT * { ?s ?p ?o }")[0].startswith("422")


def test_request_over_the_size_limit_is_413(protocol):
    """A query string over max_request_bytes is refused before it is read further."""
    assert get(protocol, query="ASK {}" + " " * 3000)[0].startswith("413")


def test_update_sent_as_query_is_403(protocol):
    """An update in the query parameter is refused: the endpoint is read-only."""
    assert get(protocol, query="INSERT DATA { <a:b> <a:c> <a:d> }")[0].startswith("403")


@pytest.mark.parametrize("accept,formats,name", [
    ("text/csv;q=0.5, application/sparql-results+xml", RESULT_FORMATS, "xml"),
    ("text/*", RESULT_FORMATS, "csv"),
    ("text/csv;q=0, */*", RESULT_FORMATS, "json"),
    ("application/json", GRAPH_FORMATS, "jsonld"),
    ("text/plain", GRAPH_FORMATS, "nt"),
    ("text/*;q=0.5, application/rdf+xml", GRAPH_FORMATS, "rdfxml"),
    ("text/csv;level=1", RESULT_FORMATS, "csv"),
])
def test_negotiation(accept, formats, name):
    """Highest q wins, then the most specific range, then the server's order; q=0 excludes; parameters other
    than q do not matter."""
    assert negotiate(accept, formats).name == name


def test_negotiation_finds_nothing_acceptable():
    """No matching range, or only q=0 ones, gives no format."""
    assert negotiate("image/png", RESULT_FORMATS) is None
    assert negotiate("text/csv;q=0", RESULT_FORMATS) is None


def test_format_parameter_overrides_accept():
    """format= names (SPARQLWrapper sends lists) win over Accept; an unknown one gives nothing."""
    assert choose_format(["xml,json"], "text/csv", RESULT_FORMATS).name == "xml"
    assert choose_format(["nonsense"], "text/csv", RESULT_FORMATS) is None


@pytest.mark.parametrize("query,services,has_from,first", [
    ("SELECT * { ?s ?p 'service <http://x/>' }", [], False, "SELECT"),
    ("PREFIX e: <http://x/> SELECT * { SERVICE e:q { ?s ?p ?o } }", ["http://x/q"], False, "SELECT"),
    ("SELECT * FROM <g> { ?s ?p ?o } # SERVICE <http://y/>", [], True, "SELECT"),
    ("SELECT * { SERVICE ?e { ?s ?p ?o } }", [None], False, "SELECT"),
    ("BASE <http://x/a/> SELECT * { SERVICE <b> {} }", ["http://x/a/b"], False, "SELECT"),
    ("prefix e: <http://x/> insert data { e:a e:b e:c }", [], False, "INSERT"),
])
def test_query_scan(query, services, has_from, first):
    """SERVICE endpoints are resolved (None when not a constant IRI), strings and comments skipped, FROM and the
    first keyword found."""
    scan = scan_query(query)
    assert (scan.services, scan.has_from, scan.first_keyword) == (services, has_from, first)
