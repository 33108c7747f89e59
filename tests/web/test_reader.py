"""The article reader colours each claim by kind and by whose view it is (fp:viewOf), the author's own view apart
from other actors', and says how sure a hedged claim is (fp:modality)."""

import re

import pyoxigraph as ox
import pytest

from .conftest import BROWSER_ACCEPT, DOC, FPR

FP = "https://w3id.org/fpkg/ontology#"
CLAIM = f"{FPR}{DOC}/claim/stability-priority"
PREFIXES = {"fp": FP, "dcterms": "http://purl.org/dc/terms/"}


@pytest.fixture(scope="module")
def seed_graph(web_store) -> ox.Store:
    store = ox.Store()
    store.load(path=str(web_store / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def reader(store: ox.Store) -> str:
    from kg.web.app import create_app

    return create_app({}, store).test_client().get(f"/article/{DOC}", headers={"Accept": BROWSER_ACCEPT}).text


def classes_of(page: str, claim: str) -> list[str]:
    link = re.search(rf'<a class="claim ([^"]*)" href="/resource/{DOC}/claim/{claim}"', page)
    return link.group(1).split()


def title_of(page: str, claim: str) -> str:
    return re.search(rf'href="/resource/{DOC}/claim/{claim}"\s+title="([^"]*)"', page).group(1)


def test_kinds_and_views_are_told_apart(seed_graph):
    """A claim held by the author is marked as the author's view; one held by another actor is not; kinds differ."""
    author_held = {r["c"].value.rsplit("/", 1)[-1] for r in seed_graph.query(
        f"SELECT ?c {{ ?c fp:statedIn <{FPR}{DOC}> ; fp:viewOf ?h . <{FPR}{DOC}> dcterms:creator ?h }}",
        use_default_graph_as_union=True, prefixes=PREFIXES)}
    others = {r["c"].value.rsplit("/", 1)[-1] for r in seed_graph.query(
        f"SELECT ?c {{ ?c fp:statedIn <{FPR}{DOC}> ; fp:viewOf ?h . <{FPR}{DOC}> dcterms:creator ?a "
        "FILTER(?h != ?a) }", use_default_graph_as_union=True, prefixes=PREFIXES)} - author_held
    assert author_held and others
    page = reader(seed_graph)
    assert "view-author" in classes_of(page, sorted(author_held)[0])
    assert "view-author" not in classes_of(page, sorted(others)[0])
    kinds = {c for claim in author_held | others for c in classes_of(page, claim) if c.startswith("kind-")}
    assert len(kinds) >= 3


def test_reported_views_and_hedges_show_in_the_highlight(seed_graph):
    """Beijing's concern, written by the author, shows as China's view; a hedged claim says how sure it is."""
    page = reader(seed_graph)
    assert "view-author" not in classes_of(page, "concern-1-refugee-crisis")
    assert "view of China" in title_of(page, "concern-1-refugee-crisis")
    assert "possibly so" in title_of(page, "xi-absence-signal")
    assert "possibly so" not in title_of(page, "stability-priority")
    assert "not-certain" in classes_of(page, "xi-absence-signal")
    assert "not-certain" not in classes_of(page, "stability-priority")
