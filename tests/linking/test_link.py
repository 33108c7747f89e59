"""`kg link`: another graph loaded beside ours, reported, kept across builds, and joined with ours on Wikidata
IRIs; and the identity check across articles."""

from __future__ import annotations

import json
import shutil

import pytest

from kg.errors import AnnotationError, LoadError
from kg.pipeline.builder import build
from kg.pipeline.identity import check_identities
from kg.rdf.store import open_store

from .conftest import NOTE, REPO, SEED, WIKIDATA, run_kg

QUESTION = (REPO / "ontology" / "queries" / "heads-of-government.rq").read_text(encoding="utf-8")
FPR = "https://w3id.org/fpkg/resource/"
WD = "http://www.wikidata.org/entity/"


def answers(store_dir) -> set[tuple]:
    from kg.cli import run_query

    rows = run_query(open_store(store_dir), QUESTION)
    return {tuple(None if row[v] is None else row[v].value for v in ("state", "item", "headOfGovernment", "ours"))
            for row in rows}


def test_cross_graph_question_in_one_query(built_store):
    """"For each state that has a concern, who is its head of government?" is one SPARQL query over our graphs and
    the linked Wikidata graph: Japan's is Shinzo Abe, found back as our own resource; China (a concern holder in
    the seed) has no P6 in the fixture and is listed without one."""
    found = answers(built_store)
    assert (FPR + "Japan", WD + "Q17", WD + "Q132345", FPR + "ShinzoAbe") in found
    assert (FPR + "China", WD + "Q148", None, None) in found


def test_from_a_wikidata_iri_to_our_entity(built_store):
    """A query starting from a Wikidata IRI finds our entity, and the states it has relations with (P530)."""
    r = run_kg("query", "SELECT ?ours ?partner WHERE { ?ours skos:exactMatch wd:Q17 . wd:Q17 wdt:P530 ?item . "
               "?partner skos:exactMatch ?item }", "--format", "csv", store=built_store)
    assert r.returncode == 0, r.stderr
    rows = {tuple(line.split(",")) for line in r.stdout.splitlines()[1:]}
    assert (FPR + "Japan", FPR + "China") in rows and (FPR + "Japan", FPR + "UnitedStates") in rows


def test_link_reports_catalogues_and_survives_a_build(tmp_path):
    """kg link prints how many resources coincide with ours, records source, time and count in the catalogue,
    and the linked graph is still there, with the same answers, after the next kg build."""
    store = tmp_path / "store"
    build([SEED, NOTE], store_dir=store)
    r = run_kg("link", str(WIKIDATA), "--name", "wd-fixture", store=store)
    assert r.returncode == 0, r.stderr
    assert "linked 26 triples" in r.stdout and "9 resources; 9 coincide with ours" in r.stdout
    [entry] = json.loads((store / "linked" / "catalogue.json").read_text())
    assert (entry["name"], entry["triples"], entry["source"]) == ("wd-fixture", 26, str(WIKIDATA))
    assert entry["loaded_at"].endswith("Z")
    before = answers(store)
    build([SEED, NOTE], store_dir=store)
    info = json.loads((store / "build.json").read_text())
    assert info["triples_per_graph"]["https://w3id.org/fpkg/graph/linked/wd-fixture"] == 26
    assert answers(store) == before


def test_link_counts_declared_same_as(tmp_path):
    """Resources declared owl:sameAs or skos:exactMatch to one of ours count as coinciding; others do not."""
    store = tmp_path / "store"
    build([NOTE], store_dir=store)
    other = tmp_path / "other.nt"
    other.write_text(f"<http://example.org/jp> <http://www.w3.org/2002/07/owl#sameAs> <{WD}Q17> .\n"
                     f"<http://example.org/jp> <http://example.org/name> \"Nihon\" .\n"
                     f"<http://example.org/x> <http://example.org/near> <{FPR}NorthKorea> .\n")
    r = run_kg("link", str(other), store=store)
    assert r.returncode == 0, r.stderr
    assert "4 resources; 3 coincide with ours: 1 same IRI, 1 same Wikidata item, 1 by owl:sameAs" in r.stdout


def test_link_refuses_what_it_cannot_read(tmp_path):
    """An unreadable file is one error line and exit 2, and nothing is linked."""
    store = tmp_path / "store"
    build([NOTE], store_dir=store)
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle\n")
    r = run_kg("link", str(bad), store=store)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "bad.ttl" in r.stderr
    assert not (store / "linked" / "catalogue.json").exists()


def _copy(tmp_path, text: str, name: str):
    shutil.copy(NOTE.with_suffix(".txt"), tmp_path / NOTE.with_suffix(".txt").name)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_two_entities_claiming_one_wikidata_item_is_an_error(tmp_path):
    """Nippon declared with Japan's item in another article is an error naming both files and lines."""
    other = _copy(tmp_path, NOTE.read_text().replace("  Japan: {type: State", "  Nippon: {type: State")
                  .replace("[Japan,", "[Nippon,").replace(", Japan]", ", Nippon]").replace("addressee: Japan",
                                                                                            "addressee: Nippon")
                  .replace("id: test-japan-note", "id: test-nippon-note"), "nippon.yaml")
    with pytest.raises(AnnotationError) as caught:
        check_identities([NOTE, other])
    [problem] = caught.value.violations
    text = str(problem)
    assert text.startswith(f"{other}:{_line(other, 'Nippon: {')}:") and "'Nippon'" in text and "Q17" in text
    assert f"{NOTE}:{_line(NOTE, 'Japan: {')}" in text and "[wikidata-unique]" in text
    r = run_kg("build", str(NOTE), str(other), "--store-dir", str(tmp_path / "store"))
    assert r.returncode == 1 and "[wikidata-unique]" in r.stderr


def test_one_entity_with_two_wikidata_items_is_an_error(tmp_path):
    """The same shared entity given another item in another article is an error naming both declarations (the
    other item is Wikidata's sandbox, Q4115189: another state's item is refused within the article already)."""
    other = _copy(tmp_path, NOTE.read_text().replace("wikidata: Q17, iso3: JPN", "wikidata: Q4115189")
                  .replace("id: test-japan-note", "id: test-other-note"), "other.yaml")
    with pytest.raises(AnnotationError) as caught:
        check_identities([NOTE, other])
    texts = [str(v) for v in caught.value.violations]
    assert any("'Japan'" in t and "Q4115189" in t and f"{NOTE}:{_line(NOTE, 'Japan: {')}" in t and "Q17" in t
               for t in texts)


def test_identity_check_accepts_shared_entities(tmp_path):
    """The same entity with the same item in two articles (the seed and the note share Japan) is fine."""
    check_identities([SEED, NOTE])
    with pytest.raises(LoadError):
        check_identities([tmp_path / "missing.yaml"])
