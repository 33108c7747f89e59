"""Real SPARQL clients against the running endpoint: SPARQLWrapper in every return format, rdflib's SPARQLStore."""

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from .conftest import DOC, FP, FPR

CONCERNS = f"SELECT ?c ?rank WHERE {{ <{FPR}China> <{FP}hasConcern> ?c . ?c <{FP}concernRank> ?rank }} ORDER BY ?rank"
CONSTRUCT = f"CONSTRUCT {{ <{FPR}China> <{FP}hasConcern> ?c }} WHERE {{ <{FPR}China> <{FP}hasConcern> ?c }}"
FIRST = f"{FPR}{DOC}/concern/refugee-crisis"
# SPARQLWrapper 2.0 itself parses RDF/XML answers into rdflib's deprecated ConjunctiveGraph.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


def wrapper(sparql, query, fmt, method="GET") -> SPARQLWrapper:
    client = SPARQLWrapper(sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(sparql, method):
    """SPARQLWrapper JSON (GET and POST): SELECT rows and an ASK boolean."""
    rows = wrapper(sparql, CONCERNS, JSON, method).queryAndConvert()["results"]["bindings"]
    assert [r["rank"]["value"] for r in rows] == ["1", "2", "3", "4", "5"] and rows[0]["c"]["value"] == FIRST
    assert wrapper(sparql, f"ASK {{ <{FPR}Japan> ?p ?o }}", JSON, method).queryAndConvert()["boolean"] is True


def test_sparqlwrapper_xml(sparql):
    """SPARQLWrapper XML: SELECT results as a DOM, and CONSTRUCT as RDF/XML parsed into an rdflib Graph."""
    dom = wrapper(sparql, CONCERNS, XML).queryAndConvert()
    assert len(dom.getElementsByTagName("result")) == 5
    graph = wrapper(sparql, CONSTRUCT, XML).queryAndConvert()
    assert isinstance(graph, Graph) and len(graph) == 5


@pytest.mark.parametrize("fmt, delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(sparql, fmt, delimiter):
    """SPARQLWrapper CSV and TSV: a header and one line per row."""
    text = wrapper(sparql, CONCERNS, fmt).queryAndConvert().decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert len(rows) == 6 and rows[0] == (["c", "rank"] if fmt == CSV else ["?c", "?rank"])
    assert FIRST in rows[1][0]


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_graph_formats(sparql, fmt):
    """SPARQLWrapper CONSTRUCT in Turtle, N3, RDF/XML and JSON-LD gives the five concern triples."""
    result = wrapper(sparql, CONSTRUCT, fmt).queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle" if fmt in (
        TURTLE, N3) else fmt)
    assert len(graph) == 5
    assert (URIRef(f"{FPR}China"), URIRef(f"{FP}hasConcern"), URIRef(FIRST)) in graph


def test_rdflib_sparqlstore(sparql):
    """rdflib's SPARQLStore reads the endpoint: SELECT, ASK, CONSTRUCT and triple patterns."""
    graph = Graph(store=SPARQLStore(sparql))
    rows = list(graph.query(CONCERNS))
    assert [int(r.rank) for r in rows] == [1, 2, 3, 4, 5] and str(rows[0].c) == FIRST
    assert graph.query(f"ASK {{ <{FPR}China> a <{FP}State> }}").askAnswer is True
    assert len(graph.query(CONSTRUCT).graph) == 5
    assert set(graph.objects(URIRef(f"{FPR}China"), URIRef(f"{FP}iso3166Alpha3"))) == {Literal("CHN")}
