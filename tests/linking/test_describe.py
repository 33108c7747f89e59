"""The dataset's VoID/DCAT description: written by every build, served at /.well-known/void, and true to the
dataset it describes."""

from __future__ import annotations

import json

import pyoxigraph as ox
import rdflib

from kg.rdf.describe import DATA_LICENSE, DATASET_IRI

from .conftest import REPO

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


def _graph(path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def _triples_per_subset(g: rdflib.Graph) -> dict[str, int]:
    rows = g.query(f"SELECT ?s ?n WHERE {{ <{DATASET_IRI}> <{VOID}subset> ?s . ?s <{VOID}triples> ?n }}")
    return {str(s): int(n) for s, n in rows}


def test_build_writes_the_description_beside_the_dataset_and_the_exports(built_store):
    """void.ttl is in the store folder and in exports/, identical, and its per-graph counts are build.json's."""
    store_copy, export_copy = built_store / "void.ttl", built_store / "exports" / "void.ttl"
    assert store_copy.read_bytes() == export_copy.read_bytes()
    g = _graph(store_copy)
    info = json.loads((built_store / "build.json").read_text())
    subsets = _triples_per_subset(g)
    assert {k: v for k, v in subsets.items() if "/links/" not in k} == info["triples_per_graph"]


def test_description_names_licence_ontology_version_articles_and_linksets(built_store):
    """The description gives the CC BY licence, the ontology's version IRI, each article (with its URL where the
    annotation gives one) and a Wikidata linkset whose count is the dataset's own skos:exactMatch links."""
    g = _graph(built_store / "void.ttl")
    d = rdflib.URIRef(DATASET_IRI)
    assert (d, rdflib.URIRef(DCT + "license"), rdflib.URIRef(DATA_LICENSE)) in g
    ontology = rdflib.Graph().parse(REPO / "ontology" / "fpkg.ttl")
    version = ontology.value(rdflib.URIRef("https://w3id.org/fpkg/ontology"), rdflib.OWL.versionIRI)
    assert (d, rdflib.URIRef(DCT + "conformsTo"), version) in g
    note = rdflib.URIRef("https://w3id.org/fpkg/resource/test-japan-note")
    assert (d, rdflib.URIRef(DCT + "source"), note) in g
    assert g.value(note, rdflib.URIRef(DCAT + "landingPage")) == rdflib.URIRef("https://example.org/notes/japan")
    store = ox.Store()
    store.bulk_load(path=str(built_store / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    expected = int(next(iter(store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://www.w3.org/2004/02/skos/core#exactMatch> ?o } "
        "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/')) }")))["n"].value)
    linkset = g.value(predicate=rdflib.URIRef(VOID + "linkPredicate"), object=rdflib.SKOS.exactMatch)
    assert int(g.value(linkset, rdflib.URIRef(VOID + "triples"))) == expected > 0


def test_served_description_names_the_endpoint(built_store):
    """GET /.well-known/void answers the description in Turtle with the serving endpoint as void:sparqlEndpoint,
    and /context.jsonld the JSON-LD context the exports use."""
    from kg.rdf.export import CONTEXT
    from kg.web.app import create_app

    client = create_app({"STORE_DIR": str(built_store)}).test_client()
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content_type.startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    endpoint = g.value(rdflib.URIRef(DATASET_IRI), rdflib.URIRef(VOID + "sparqlEndpoint"))
    assert str(endpoint) == "http://localhost/sparql"
    assert client.get("/context.jsonld").get_json() == {"@context": CONTEXT}
