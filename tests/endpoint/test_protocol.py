"""The SPARQL 1.1 Protocol at /sparql, the Service Description and the Graph Store read side, over real HTTP."""

import pyoxigraph as ox
import pytest
import requests

from .conftest import ASSERTIONS, BACKGROUND, COUNTS, FP, FPR, MAX_REQUEST_BYTES, PROVENANCE, bindings

CONCERNS = f"SELECT ?c WHERE {{ <{FPR}China> <{FP}hasConcern> ?c }}"
JSON = {"Accept": "application/sparql-results+json"}


def parse_rdf(response, fmt) -> list:
    return list(ox.parse(response.content, format=fmt))


def test_get_query(sparql):
    """GET ?query= answers SELECT over the union of all graphs with SPARQL JSON by default."""
    r = requests.get(sparql, params={"query": CONCERNS})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    assert len(bindings(r)) == 5


def test_post_form(sparql):
    """POST application/x-www-form-urlencoded carries the query in the body."""
    r = requests.post(sparql, data={"query": CONCERNS}, headers=JSON)
    assert r.status_code == 200 and len(bindings(r)) == 5


def test_post_sparql_query(sparql):
    """POST application/sparql-query carries the bare query as the body, graphs in the URL."""
    r = requests.post(sparql, data=CONCERNS.encode(), params={"default-graph-uri": BACKGROUND},
                      headers={"Content-Type": "application/sparql-query", **JSON})
    assert r.status_code == 200 and bindings(r) == []


def count(sparql, query, **params) -> int:
    r = requests.get(sparql, params={"query": query, **params}, headers=JSON)
    assert r.status_code == 200, r.text
    return int(bindings(r)[0]["n"])


def test_default_graph_is_union_and_from_selects(sparql):
    """Without FROM the default graph is the union of all graphs; FROM picks one graph."""
    assert count(sparql, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == sum(COUNTS.values())
    assert count(sparql, f"SELECT (COUNT(*) AS ?n) FROM <{BACKGROUND}> {{ ?s ?p ?o }}") == COUNTS[BACKGROUND]


def test_default_graph_uri_overrides_from(sparql):
    """default-graph-uri replaces the query's FROM (repeatable: the default graph is their merge)."""
    query = f"SELECT (COUNT(*) AS ?n) FROM <{BACKGROUND}> {{ ?s ?p ?o }}"
    assert count(sparql, query, **{"default-graph-uri": ASSERTIONS}) == COUNTS[ASSERTIONS]
    r = requests.get(sparql, params=[("query", query), ("default-graph-uri", ASSERTIONS),
                                     ("default-graph-uri", PROVENANCE)], headers=JSON)
    assert int(bindings(r)[0]["n"]) == COUNTS[ASSERTIONS] + COUNTS[PROVENANCE]


def test_named_graph_uri_overrides_from_named(sparql):
    """named-graph-uri replaces FROM NAMED: GRAPH ?g only sees the graphs it names."""
    query = f"SELECT DISTINCT ?g FROM NAMED <{BACKGROUND}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    r = requests.get(sparql, params={"query": query, "named-graph-uri": PROVENANCE}, headers=JSON)
    assert bindings(r) == [{"g": PROVENANCE}]


def test_unknown_graph_is_empty(sparql):
    """A graph the store does not hold is empty, whether named by FROM or by default-graph-uri."""
    assert count(sparql, "SELECT (COUNT(*) AS ?n) FROM <http://example.org/nowhere> { ?s ?p ?o }") == 0
    assert count(sparql, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **{"default-graph-uri": "http://ex.org/g"}) == 0


@pytest.mark.parametrize("accept, ctype, check", [
    ("application/sparql-results+json", "application/sparql-results+json", lambda t: '"value":"1"' in t),
    ("application/sparql-results+xml", "application/sparql-results+xml", lambda t: "<literal" in t),
    ("text/csv", "text/csv", lambda t: t.splitlines()[0] == "c,rank"),
    ("text/tab-separated-values", "text/tab-separated-values", lambda t: t.splitlines()[0] == "?c\t?rank"),
])
def test_select_formats(sparql, accept, ctype, check):
    """SELECT answers in SPARQL JSON, XML, CSV and TSV by Accept."""
    query = f"SELECT ?c ?rank {{ ?c <{FP}concernRank> ?rank }} ORDER BY ?rank"
    r = requests.get(sparql, params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)
    assert check(r.text)
    if accept.endswith(("json", "xml", "values")):
        fmt = ox.QueryResultsFormat.from_media_type(accept)
        assert len(list(ox.parse_query_results(r.content, fmt))) == 5


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_ask_formats(sparql, accept):
    """ASK answers a boolean in SPARQL JSON and XML (and as a bare true/false in CSV and TSV)."""
    for query, expected in ((f"ASK {{ <{FPR}China> a <{FP}State> }}", True), (f"ASK {{ <{FPR}China> a <{FP}Concern> }}",
                                                                             False)):
        r = requests.get(sparql, params={"query": query}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
        if accept.startswith("text/"):
            assert r.text == str(expected).lower()
        else:
            assert bool(ox.parse_query_results(r.content, ox.QueryResultsFormat.from_media_type(accept))) is expected


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_and_describe_formats(sparql, accept, fmt):
    """CONSTRUCT and DESCRIBE answer in Turtle, N-Triples, JSON-LD and RDF/XML by Accept."""
    construct = f"CONSTRUCT {{ <{FPR}China> <{FP}hasConcern> ?c }} WHERE {{ <{FPR}China> <{FP}hasConcern> ?c }}"
    r = requests.get(sparql, params={"query": construct}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
    assert len(parse_rdf(r, fmt)) == 5
    r = requests.get(sparql, params={"query": f"DESCRIBE <{FPR}Japan>"}, headers={"Accept": accept})
    assert r.status_code == 200 and len(parse_rdf(r, fmt)) == 4  # type, ISO code, Wikidata, label


@pytest.mark.parametrize("accept, expected", [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("text/tab-separated-values;q=0.2, */*;q=0.1", "text/tab-separated-values"),
    ("*/*", "application/sparql-results+json"),
    ("image/png, text/csv;q=0", None),
])
def test_select_negotiation(sparql, accept, expected):
    """Content negotiation honours q-values, wildcards and q=0; nothing acceptable gives 406."""
    r = requests.get(sparql, params={"query": CONCERNS}, headers={"Accept": accept})
    if expected is None:
        assert r.status_code == 406 and "available" in r.text
    else:
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(expected)


def test_construct_negotiation(sparql):
    """CONSTRUCT takes a graph type under a wildcard and refuses a results-only type with 406."""
    query = "CONSTRUCT WHERE { ?s a ?o }"
    r = requests.get(sparql, params={"query": query}, headers={"Accept": "application/*;q=0.5, text/turtle;q=0.4"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/")
    assert requests.get(sparql, params={"query": query}, headers={"Accept": "text/csv"}).status_code == 406


@pytest.mark.parametrize("query, fmt, ctype", [
    (CONCERNS, "csv", "text/csv"), (CONCERNS, "tsv", "text/tab-separated-values"),
    (CONCERNS, "xml", "application/sparql-results+xml"), (CONCERNS, "json", "application/sparql-results+json"),
    ("CONSTRUCT WHERE { ?s a ?o }", "ttl", "text/turtle"), ("CONSTRUCT WHERE { ?s a ?o }", "nt",
                                                          "application/n-triples"),
    ("CONSTRUCT WHERE { ?s a ?o }", "jsonld", "application/ld+json"),
    ("CONSTRUCT WHERE { ?s a ?o }", "rdfxml", "application/rdf+xml"),
])
def test_format_parameter_overrides_accept(sparql, query, fmt, ctype):
    """format= with a short name overrides the Accept header."""
    r = requests.get(sparql, params={"query": query, "format": fmt}, headers={"Accept": "image/png"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(ctype)


def test_format_parameter_that_does_not_fit_is_406(sparql):
    """format=ttl cannot carry SELECT results: 406."""
    assert requests.get(sparql, params={"query": CONCERNS, "format": "ttl"}).status_code == 406


def test_syntax_error_names_line_and_column(sparql):
    """A syntax error is 400 with a plain message giving line and column, never a traceback."""
    r = requests.get(sparql, params={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }"})
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain")
    assert "syntax error at line 3, column " in r.text and "Traceback" not in r.text


@pytest.mark.parametrize("send, status", [
    (lambda u: requests.get(u, params=[("query", "ASK {}"), ("query", "ASK {}")]), 400),
    (lambda u: requests.post(u, data=b"query=ASK%7B%7D", headers={"Content-Type": ""}), 400),
    (lambda u: requests.post(u, data=b"ASK {}", headers={"Content-Type": "text/plain"}), 415),
    (lambda u: requests.post(u, data="ASK {}".encode("utf-16"),
                             headers={"Content-Type": "application/sparql-query; charset=utf-16"}), 400),
    (lambda u: requests.post(u, data=b"ASK { ?s ?p \"\xff\" }", headers={"Content-Type": "application/sparql-query"}),
     400),
    (lambda u: requests.post(u, data={"format": "json"}), 400),
    (lambda u: requests.put(u, data=b"ASK {}", headers={"Content-Type": "application/sparql-query"}), 405),
    (lambda u: requests.delete(u), 405),
    (lambda u: requests.get(u, params={"query": "ASK {} #" + "x" * MAX_REQUEST_BYTES}), 413),
    (lambda u: requests.post(u, data=("ASK {} #" + "x" * MAX_REQUEST_BYTES).encode(),
                             headers={"Content-Type": "application/sparql-query"}), 413),
], ids=["two-queries", "no-content-type", "wrong-content-type", "utf-16-charset", "invalid-utf-8",
        "post-without-query", "put", "delete", "get-too-long", "post-too-long"])
def test_request_errors(sparql, send, status):
    """Malformed requests get their 4xx status and a plain-text message."""
    r = send(sparql)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("text/plain") and r.text.strip()


def test_service_description(sparql):
    """GET /sparql without a query is the Service Description: formats, features, graphs with triple counts."""
    r = requests.get(sparql, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    store = ox.Store()
    store.load(r.content, format=ox.RdfFormat.TURTLE)
    sd = "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> PREFIX void: <http://rdfs.org/ns/void#> "
    rows = store.query(sd + "SELECT ?g ?n { ?s sd:endpoint ?e ; sd:defaultDataset/sd:namedGraph ?ng . "
                            "?ng sd:name ?g ; sd:graph/void:triples ?n }")
    assert {row["g"].value: int(row["n"].value) for row in rows} == COUNTS
    assert store.query(sd + f"ASK {{ ?s sd:endpoint <{sparql}> ; sd:feature sd:UnionDefaultGraph ; "
                            "sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> }")
    r = requests.get(sparql, headers={"Accept": "application/rdf+xml"})
    assert r.headers["Content-Type"].startswith("application/rdf+xml")
    assert len(parse_rdf(r, ox.RdfFormat.RDF_XML)) == len(list(store))


def test_graph_store_named_graph(endpoint):
    """GET /rdf-graphs?graph=IRI returns that graph in the negotiated RDF format."""
    r = requests.get(endpoint.base + "/rdf-graphs", params={"graph": ASSERTIONS},
                     headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/n-triples")
    assert len(parse_rdf(r, ox.RdfFormat.N_TRIPLES)) == COUNTS[ASSERTIONS]


def test_graph_store_default_graph(endpoint):
    """GET /rdf-graphs?default returns the default graph: the union of all graphs (Turtle by default)."""
    r = requests.get(endpoint.base + "/rdf-graphs?default")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert len(parse_rdf(r, ox.RdfFormat.TURTLE)) == sum(COUNTS.values())


@pytest.mark.parametrize("query, status", [("graph=http://example.org/nowhere", 404), ("", 400),
                                           ("graph=not%20an%20iri", 400), ("default&graph=http://x/", 400)])
def test_graph_store_errors(endpoint, query, status):
    """An unknown graph is 404; no graph, two graphs or a malformed IRI is 400."""
    r = requests.get(endpoint.base + "/rdf-graphs?" + query)
    assert r.status_code == status and r.headers["Content-Type"].startswith("text/plain")


def test_cors(sparql, endpoint):
    """Query answers carry Access-Control-Allow-Origin and a preflight is answered."""
    r = requests.get(sparql, params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = requests.options(sparql, headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204 and "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in r.headers["Access-Control-Allow-Headers"]
    assert requests.get(endpoint.base + "/rdf-graphs?default").headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_path_is_plain_404(endpoint):
    """Unknown paths get a plain-text 404, not an HTML page."""
    r = requests.get(endpoint.base + "/nothing-here")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/plain")


def test_construct_turtle_uses_the_query_prefixes(sparql):
    """CONSTRUCT answers in Turtle are written with the PREFIX declarations of the query."""
    query = (f"PREFIX fp: <{FP}> PREFIX fpr: <{FPR}> "
             "CONSTRUCT { fpr:China fp:hasConcern ?c } WHERE { fpr:China fp:hasConcern ?c }")
    r = requests.get(sparql, params={"query": query}, headers={"Accept": "text/turtle"})
    assert f"@prefix fp: <{FP}> ." in r.text and "fpr:China fp:hasConcern" in r.text
    assert len(parse_rdf(r, ox.RdfFormat.TURTLE)) == 5


def test_head_gives_the_headers_of_get(sparql):
    """HEAD on a query gives the status, type and length GET would, without a body."""
    params = {"query": CONCERNS}
    get, head = requests.get(sparql, params=params), requests.head(sparql, params=params)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Content-Length"] == str(len(get.content))
