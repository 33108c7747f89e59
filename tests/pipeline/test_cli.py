"""The `kg` command on a built store: query formats, stats, export, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from kg.rdf.export import export

from .conftest import REPO, run_kg, sample_quads

CONCERNS = "SELECT ?c ?k WHERE { fpr:China fp:hasConcern ?c . ?c fp:concernKind ?k }"


def test_query_table(sample_store):
    """A SELECT prints an aligned table with compact IRIs and a row count; prefixes need not be declared."""
    r = run_kg("query", CONCERNS, store=sample_store)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("c                                 | k\n"
                        "----------------------------------+------------------\n"
                        "fpr:sample/concern/refugee-crisis | fpk:RefugeeCrisis\n"
                        "(1 row)\n")


def test_query_from_file_and_stdin(sample_store, tmp_path):
    """The query may come from a file or from standard input ('-')."""
    path = tmp_path / "q.rq"
    path.write_text(CONCERNS)
    from_file = run_kg("query", str(path), store=sample_store)
    from_stdin = run_kg("query", "-", store=sample_store, input=CONCERNS)
    assert from_file.returncode == from_stdin.returncode == 0
    assert from_file.stdout == from_stdin.stdout and "fpk:RefugeeCrisis" in from_file.stdout


def test_query_result_formats(sample_store):
    """--format json, xml, csv and tsv give the standard SPARQL results formats."""
    out = {fmt: run_kg("query", CONCERNS, "--format", fmt, store=sample_store) for fmt in ("json", "xml", "csv", "tsv")}
    assert all(r.returncode == 0 for r in out.values())
    bindings = json.loads(out["json"].stdout)["results"]["bindings"]
    assert bindings == [{"c": {"type": "uri", "value": "https://w3id.org/fpkg/resource/sample/concern/refugee-crisis"},
                         "k": {"type": "uri", "value": "https://w3id.org/fpkg/kinds/RefugeeCrisis"}}]
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [u.text for u in ET.fromstring(out["xml"].stdout).iterfind(".//r:uri", ns)] == [
        "https://w3id.org/fpkg/resource/sample/concern/refugee-crisis", "https://w3id.org/fpkg/kinds/RefugeeCrisis"]
    assert list(csv.reader(io.StringIO(out["csv"].stdout)))[:2] == [
        ["c", "k"], ["https://w3id.org/fpkg/resource/sample/concern/refugee-crisis",
                     "https://w3id.org/fpkg/kinds/RefugeeCrisis"]]
    assert out["tsv"].stdout.splitlines()[0] == "?c\t?k"


def test_query_construct_and_ask(sample_store):
    """CONSTRUCT prints Turtle (or N-Triples with --format nt); ASK prints true or false."""
    r = run_kg("query", "CONSTRUCT WHERE { fpr:China skos:exactMatch ?o }", store=sample_store)
    assert r.returncode == 0 and "fpr:China skos:exactMatch wd:Q148 ." in r.stdout
    r = run_kg("query", "CONSTRUCT WHERE { fpr:China skos:exactMatch ?o }", "--format", "nt", store=sample_store)
    assert r.stdout == ("<https://w3id.org/fpkg/resource/China> <http://www.w3.org/2004/02/skos/core#exactMatch> "
                        "<http://www.wikidata.org/entity/Q148> .\n")
    assert run_kg("query", "ASK { fpr:China a fp:State }", store=sample_store).stdout == "true\n"
    assert run_kg("query", "ASK { fpr:Japan a fp:State }", store=sample_store).stdout == "false\n"


def test_query_default_graph_is_union_and_graph_option_picks(sample_store):
    """Without --graph every graph is searched; --graph restricts the default graph to the named graphs given."""
    q = "SELECT ?x WHERE { ?x a fp:Claim }"
    assert "fpr:sample/claim/refugees" in run_kg("query", q, store=sample_store).stdout
    only_asserted = run_kg("query", q, "--graph", "https://w3id.org/fpkg/graph/sample/provenance", store=sample_store)
    assert only_asserted.returncode == 0 and only_asserted.stdout.splitlines()[-1] == "(0 rows)"
    inferred = run_kg("query", q, "--graph", "fpg:inferred", store=sample_store)
    assert inferred.stdout.splitlines()[-1] == "(1 row)"


def test_stats(sample_store):
    """kg stats lists triples per graph with the total, and instances per class outside the ontology graph."""
    r = run_kg("stats", "--format", "json", store=sample_store)
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert stats["triples"] == len(set(sample_quads())) == sum(stats["triples_per_graph"].values())
    assert stats["triples_per_graph"]["https://w3id.org/fpkg/graph/ontology"] == 12
    assert stats["instances_per_class"]["https://w3id.org/fpkg/ontology#State"] == 2
    assert "http://www.w3.org/2002/07/owl#Class" not in stats["instances_per_class"]
    table = run_kg("stats", store=sample_store).stdout
    assert "fpg:sample/assertions | 6" in table and "(all graphs)          | 33" in table


def test_export_to_stdout_and_file(sample_store, tmp_path):
    """kg export writes the export bytes of the stored dataset to stdout, or atomically to -o FILE."""
    r = run_kg("export", "--format", "turtle", store=sample_store)
    assert r.returncode == 0 and r.stdout.encode() == export(sample_quads(), "turtle")
    target = tmp_path / "x.jsonld"
    assert run_kg("export", "--format", "jsonld", "-o", str(target), store=sample_store).returncode == 0
    assert target.read_bytes() == export(sample_quads(), "jsonld")


def test_persistent_store_option(sample_store, tmp_path):
    """--store PATH answers from an on-disk database created from the store directory."""
    r = run_kg("query", "ASK { fpr:China a fp:State }", "--store", str(tmp_path / "db"), store=sample_store)
    assert r.stdout == "true\n" and (tmp_path / "db" / "current").is_symlink()


def test_errors_are_one_line_with_exit_code_2(sample_store, tmp_path):
    """A missing store, a bad query, a wrong format for the query form and bad arguments exit 2 with one line."""
    cases = [
        run_kg("stats", store=tmp_path / "never-built"),
        run_kg("query", "SELEC ?x", store=sample_store),
        run_kg("query", CONCERNS, "--format", "ttl", store=sample_store),
        run_kg("query", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv", store=sample_store),
        run_kg("export", "--format", "rdfxml", store=sample_store),
        run_kg("frobnicate"),
        run_kg("query", "ASK {}", "--store-dir", str(tmp_path / "nope")),
    ]
    for r in cases:
        assert r.returncode == 2, (r.args, r.stderr)
        assert len(r.stderr.splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr and r.stdout == ""
    assert str(tmp_path / "never-built" / "dataset.nq") in cases[0].stderr
    assert cases[1].stderr.startswith("kg query: query failed")


def test_store_dir_option_beats_environment(sample_store, tmp_path):
    """--store-dir overrides KG_STORE_DIR."""
    r = run_kg("query", "ASK { fpr:China a fp:State }", "--store-dir", str(sample_store), store=tmp_path / "empty")
    assert r.returncode == 0 and r.stdout == "true\n"


def test_default_store_dir_is_dot_kg_in_cwd(sample_store, tmp_path):
    """Without --store-dir or KG_STORE_DIR the store is .kg under the current working directory."""
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / ".kg").symlink_to(sample_store)
    r = run_kg("query", "ASK { fpr:China a fp:State }", cwd=tmp_path / "work")
    assert r.returncode == 0 and r.stdout == "true\n"


def test_serve_delegates_to_the_endpoint(sample_store):
    """`kg serve` starts the SPARQL endpoint on the built store and answers over HTTP."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KG_STORE_DIR": str(sample_store), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--workers", "1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode(
        {"query": "ASK { <https://w3id.org/fpkg/resource/China> a <https://w3id.org/fpkg/ontology#State> }"})
    try:
        deadline, body = time.monotonic() + 60, None
        while body is None and time.monotonic() < deadline:
            assert proc.poll() is None, "kg serve exited"
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
                body = urllib.request.urlopen(request, timeout=5).read()
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert body is not None and json.loads(body)["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_without_a_build_stops_with_one_line(tmp_path):
    """`kg serve` where nothing was built exits 2 with one line saying to run `kg build`; it builds nothing."""
    r = run_kg("serve", "--port", "1", cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, r.stderr
    assert "kg build" in r.stderr and not (tmp_path / ".kg").exists()


def test_build_reads_seeds_and_writes_store_in_the_working_directory(tmp_path):
    """`kg build` with no arguments reads ./seeds/*.yaml and writes ./.kg, both in the current directory."""
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    r = run_kg("build", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / ".kg" / "dataset.nq").is_file()
    inputs = {i["path"] for i in json.loads((tmp_path / ".kg" / "build.json").read_text())["inputs"]}
    assert {p.relative_to(tmp_path).as_posix() for p in (tmp_path / "seeds").iterdir()
            if p.suffix in (".yaml", ".txt")} <= inputs
    assert "ontology/shapes.ttl" in inputs
    empty = run_kg("build", "-q", cwd=tmp_path / "seeds")
    assert empty.returncode == 2 and "no annotation files" in empty.stderr
