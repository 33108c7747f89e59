"""`kg diagram` draws the argument as SVG: states, interests in priority order, concerns with causes, views."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import pyoxigraph as ox

from .conftest import REPO

SVG = "{http://www.w3.org/2000/svg}"


def draw(store_dir, out) -> ET.Element:
    run = subprocess.run([sys.executable, "-m", "kg.cli", "diagram", "--store-dir", str(store_dir), "-o", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return ET.parse(out).getroot()


def graph(store_dir) -> ox.Store:
    store = ox.Store()
    store.load(path=str(store_dir / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def ask_labels(store, query: str) -> set:
    return {row[0].value for row in store.query(query, use_default_graph_as_union=True, prefixes={
        "fp": "https://w3id.org/fpkg/ontology#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})}


def test_diagram_ranks_interests_and_shows_concerns_causes_and_views(web_store, tmp_path):
    """The top interest (prioritized over others, under none) is number 1; every concern and cause is drawn."""
    root = draw(web_store, tmp_path / "argument.svg")
    texts = [t.text or "" for t in root.iter(SVG + "text")]
    drawn = " ".join(texts)
    store = graph(web_store)
    top = ask_labels(store, "SELECT ?l { ?a fp:prioritizedOver ?b ; rdfs:label ?l "
                            "FILTER NOT EXISTS { ?c fp:prioritizedOver ?a } }")
    assert len(top) == 1
    assert drawn.replace(" ", "").find("1." + top.pop().replace(" ", "")[:20]) >= 0
    for label in ask_labels(store, "SELECT ?l { ?c a fp:Concern ; fp:causedBy/rdfs:label ?l }"):
        assert label.split()[0] in drawn
    assert any(t.startswith("view: ") for t in texts)
    assert "China" in texts


def test_feared_causes_are_marked_feared(web_store, tmp_path):
    """The actions Beijing only fears are drawn as feared; the sanctions that happened are not."""
    root = draw(web_store, tmp_path / "argument.svg")
    texts = [t.text or "" for t in root.iter(SVG + "text")]
    assert texts.count("feared") == 3


def test_diagram_fits_a_laptop_screen_and_links_public_iris(web_store, tmp_path):
    """The picture is at most 1280 px wide with text of at least 11 px; boxes link to the public IRIs."""
    root = draw(web_store, tmp_path / "argument.svg")
    assert int(root.get("width")) <= 1280
    assert min(int(t.get("font-size")) for t in root.iter(SVG + "text")) >= 11
    links = [a.get("href") for a in root.iter(SVG + "a")]
    assert "https://w3id.org/fpkg/resource/China" in links


def test_diagram_without_a_build_says_so(tmp_path):
    """Without a built store, `kg diagram` exits 2 with one line saying to build first."""
    run = subprocess.run([sys.executable, "-m", "kg.cli", "diagram", "--store-dir", str(tmp_path)], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "kg build" in run.stderr and run.stderr.count("\n") == 1
