"""Entity IRIs dereference on the server: HTML for browsers, each RDF format by content negotiation, 404s,
escaped data, the security headers, the editor for browsers at /sparql and prefixes predeclared over HTTP."""

import html

import pyoxigraph as ox
import pytest
import requests

from .conftest import BROWSER_ACCEPT, DOC, FPR, HOSTILE_LABEL

CHINA = FPR + "China"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.mark.parametrize("accept, content_type, ox_format", [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_entity_iri_serves_each_rdf_format(site, accept, content_type, ox_format):
    """/resource/China answers Accept: <RDF type> with China's own triples in that syntax, same path, Vary: Accept."""
    r = requests.get(site + "/resource/China", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(content_type)
    assert "Accept" in r.headers["Vary"]
    triples = [q.triple for q in ox.parse(r.content, format=ox_format)]
    assert ox.Triple(ox.NamedNode(CHINA), LABEL, ox.Literal("China", language="en")) in triples
    assert all(CHINA in (t.subject.value, getattr(t.object, "value", "")) for t in triples)


def test_format_parameter_overrides_accept(site):
    """?format=nt gives N-Triples even to a browser (the page's own download links rely on it)."""
    r = requests.get(site + "/resource/China", params={"format": "nt"}, headers={"Accept": BROWSER_ACCEPT})
    assert r.headers["Content-Type"].startswith("application/n-triples")


def test_browser_gets_entity_page_with_links_and_outside_identifiers(site):
    """A browser gets China's HTML page: its label, its type, local links to related resources, Wikidata link."""
    r = requests.get(site + "/resource/China", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    page = r.text
    assert "<h1>China</h1>" in page
    assert 'href="/ontology#State"' in page
    assert f'href="/resource/{DOC}/concern/refugee-crisis"' in page
    assert 'href="http://www.wikidata.org/entity/Q148"' in page
    assert 'href="https://w3id.org/fpkg/' not in page  # public IRIs are linked at this server's own paths


def test_claim_page_shows_its_quote_highlighted_in_its_paragraph(site):
    """A claim's page shows the paragraph holding its words, with exactly those words highlighted."""
    claim = f"/resource/{DOC}/claim/stability-priority"
    query = f"SELECT ?x {{ <{FPR}{claim[10:]}> fp:hasTextAnchor/oa:hasTarget/oa:hasSelector/oa:exact ?x }}"
    exact = requests.get(site + "/sparql", params={"query": query},
                         headers={"Accept": "application/sparql-results+json"}).json()
    words = exact["results"]["bindings"][0]["x"]["value"]
    page = requests.get(site + claim, headers={"Accept": BROWSER_ACCEPT}).text
    quote = page.split("<blockquote>")[1].split("<footer>")[0]
    marked = quote.split('class="claim ')[1].split(">", 1)[1].split("</a>")[0]
    assert html.unescape(marked) == words
    assert len(html.unescape(quote)) > len(words)  # the whole paragraph is shown around the words


def test_unknown_iri_is_a_404_page_for_browsers_and_a_line_for_machines(site):
    """An IRI nothing is known about: 404 with an HTML page for browsers, one text line otherwise."""
    page = requests.get(site + "/resource/NoSuchThing", headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "Not found" in page.text and FPR + "NoSuchThing" in page.text
    line = requests.get(site + "/resource/NoSuchThing", headers={"Accept": "text/turtle"})
    assert line.status_code == 404 and line.text.count("\n") == 1


def test_script_label_is_shown_as_text(site):
    """A label holding markup appears escaped on its own page and on pages linking to it, never as markup."""
    page = requests.get(site + "/resource/ScriptTest", headers={"Accept": BROWSER_ACCEPT}).text
    assert "<script>document.title" not in page and "<b>bold</b>" not in page
    assert HOSTILE_LABEL in html.unescape(page)


def test_pages_send_a_strict_content_security_policy(site):
    """Every page forbids scripts from elsewhere and inline scripts, and objects, frames and foreign connections."""
    for path in ("/", "/resource/China", f"/article/{DOC}", "/diagram", "/ontology", "/resource/Nope"):
        policy = requests.get(site + path, headers={"Accept": BROWSER_ACCEPT}).headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'" and directives["script-src"] == "'self'", path
        assert directives["connect-src"] == "'self'" and directives["frame-ancestors"] == "'none'", path


def test_pages_load_nothing_from_elsewhere(site):
    """No page refers to a script, stylesheet, font or image on another host."""
    for path in ("/", "/resource/China", f"/article/{DOC}", "/diagram", "/ontology"):
        page = requests.get(site + path, headers={"Accept": BROWSER_ACCEPT}).text
        for attribute in ('src="http', "src='http", 'href="//'):
            assert attribute not in page, (path, attribute)
        for line in page.splitlines():
            if "<link" in line and "stylesheet" in line:
                assert 'href="/static/' in line, (path, line)


def test_sparql_gives_browsers_the_editor_and_machines_the_service_description(site):
    """GET /sparql without a query: the editor page for a browser; the Service Description for a machine."""
    page = requests.get(site + "/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert page.headers["Content-Type"].startswith("text/html") and 'id="yasgui"' in page.text
    for accept in ("text/turtle", "*/*", None):
        r = requests.get(site + "/sparql", headers={"Accept": accept} if accept else {})
        assert r.headers["Content-Type"].startswith("text/turtle"), accept
        assert "sparql-service-description" in r.text


def test_http_queries_have_the_project_prefixes(site):
    """A query using fp: and fpr: without declaring them is answered over HTTP."""
    r = requests.get(site + "/sparql", params={"query": "ASK { fpr:China a fp:State }"},
                     headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_a_query_may_redeclare_a_predeclared_prefix(site):
    """The query's own PREFIX wins over the predeclared one."""
    query = "PREFIX fpr: <http://example.org/> ASK { fpr:China ?p ?o }"
    r = requests.get(site + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is False


def test_missing_prefix_error_names_it(site):
    """An undeclared prefix is refused with a message naming it."""
    r = requests.get(site + "/sparql", params={"query": "SELECT * { ?s zz:p ?o }"})
    assert r.status_code == 400
    assert "prefix zz: is not declared" in r.text


def test_ontology_namespace_serves_documentation_and_turtle(site):
    """/ontology: HTML documentation with an entry per term for browsers, the ontology as Turtle for machines."""
    page = requests.get(site + "/ontology", headers={"Accept": BROWSER_ACCEPT}).text
    assert 'id="Concern"' in page and 'id="causedBy"' in page
    turtle = requests.get(site + "/ontology", headers={"Accept": "text/turtle"})
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    concern = ox.NamedNode("https://w3id.org/fpkg/ontology#Concern")
    assert any(t.subject == concern for t in triples)


def test_article_reader_highlights_claims_and_lists_actors_concerns_recommendations(site):
    """The article page holds the text with one link per claim anchor and the three side lists."""
    page = requests.get(site + f"/article/{DOC}", headers={"Accept": BROWSER_ACCEPT}).text
    assert page.count(f'href="/resource/{DOC}/claim/') >= 10
    for heading in ("Actors", "Concerns", "Recommendations"):
        assert f"<h2>{heading}</h2>" in page
    assert 'href="/resource/China"' in page


def test_unknown_article_is_404(site):
    """/article/<unknown id> is a 404 page."""
    assert requests.get(site + "/article/nope", headers={"Accept": BROWSER_ACCEPT}).status_code == 404


def test_public_base_is_a_setting(web_store):
    """With KG_PUBLIC_BASE set to another base, that base's IRIs are served at this server's paths."""
    from kg.web.app import create_app

    app = create_app({"STORE_DIR": str(web_store), "PUBLIC_BASE": "https://w3id.org/fpkg/resource/"})
    client = app.test_client()
    assert client.get("/China", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/resource/China", headers={"Accept": "text/turtle"}).status_code == 404
