"""`kg export` chooses graphs (by IRI, by role, without ontology or text), writes N-Quads, and writes the
event-data CSV with non-actual events marked and left out by default."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from .conftest import REPO, run_kg

FPG = "https://w3id.org/fpkg/graph/"
FP_TEXT = "https://w3id.org/fpkg/ontology#text"


def _graphs(nquads: str) -> set[str]:
    return {q.graph_name.value for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}


def test_export_by_role_and_by_graph(built_store):
    """--background gives exactly the articles' background graphs; --graph IRI (prefixed or full) just that graph."""
    r = run_kg("export", "--format", "nq", "--background", store=built_store)
    assert r.returncode == 0, r.stderr
    assert _graphs(r.stdout) == {FPG + "mibae-2018-china-north-korea/background", FPG + "test-japan-note/background"}
    r = run_kg("export", "--format", "nq", "--graph", "fpg:linked/wikidata", "--graph", FPG + "inferred",
               store=built_store)
    assert _graphs(r.stdout) == {FPG + "linked/wikidata", FPG + "inferred"}


def test_export_without_ontology_and_text(built_store, tmp_path):
    """--no-ontology --no-text keeps every other graph but no fp:text literal; a selection written to a file gets
    its own description beside it."""
    out = tmp_path / "data.nq"
    r = run_kg("export", "--format", "nq", "--no-ontology", "--no-text", "-o", str(out), store=built_store)
    assert r.returncode == 0, r.stderr
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    everything = list(ox.parse(path=str(built_store / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    assert FPG + "ontology" not in {q.graph_name.value for q in quads}
    assert not [q for q in quads if q.predicate.value == FP_TEXT]
    assert len(quads) == len([q for q in everything if q.graph_name.value != FPG + "ontology"
                              and q.predicate.value != FP_TEXT])
    assert "void:triples" in (tmp_path / "data.nq.void.ttl").read_text()


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_event_csv_leaves_out_what_did_not_happen(built_store):
    """The event CSV has GDELT's leading columns; the note's reported launch is a row with its date, CAMEO code,
    actors' ISO codes and Wikidata items, quote and article URL, while the recommended sanctions appear only
    with --include-non-actual, marked Actual=0."""
    r = run_kg("export", "--events", "-", store=built_store)
    assert r.returncode == 0, r.stderr
    header = r.stdout.splitlines()[0].split(",")
    assert header[:4] == ["GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name"]
    rows = _rows(r.stdout)
    assert rows and all(row["Actual"] == "1" and row["Status"] == "actual" for row in rows)
    launch = next(row for row in rows if row["GLOBALEVENTID"] == "hokkaido-launch")
    assert (launch["SQLDATE"], launch["EventCode"], launch["EventRootCode"], launch["QuadClass"]) == \
        ("20170829", "150", "15", "4")
    assert (launch["Actor1Code"], launch["Actor2Code"]) == ("PRK", "JPN")
    assert launch["Actor1Wikidata"] == "http://www.wikidata.org/entity/Q423"
    assert launch["Quote"] == "On August 29 North Korea launched a missile over Hokkaido."
    assert launch["SOURCEURL"] == "https://example.org/notes/japan"
    assert not [row for row in rows if row["GLOBALEVENTID"] == "japan-new-sanctions"]
    every = _rows(run_kg("export", "--events", "-", "--include-non-actual", store=built_store).stdout)
    advised = [row for row in every if row["GLOBALEVENTID"] == "japan-new-sanctions"]
    assert [(row["Actual"], row["Status"]) for row in advised] == [("0", "recommended")]
    assert advised[0]["PLOVER"] == plover_of("cameo-163")


def plover_of(code: str) -> str:
    """The PLOVER category the ontology files map a CAMEO code to (its own mapping), read with rdflib."""
    import rdflib

    g = rdflib.Graph()
    for path in (REPO / "ontology").glob("*.ttl"):
        g.parse(path)
    kind = rdflib.URIRef("https://w3id.org/fpkg/kinds/" + code)
    [match] = [o for p in (rdflib.SKOS.broadMatch, rdflib.SKOS.exactMatch, rdflib.SKOS.closeMatch)
               for o in g.objects(kind, p) if "plover" in str(o).lower()]
    return str(match).rsplit("plover-", 1)[1].upper()
