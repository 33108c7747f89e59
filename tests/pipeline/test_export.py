"""Exports: each format parses back in an independent parser to the same data, and bytes are deterministic."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
import rdflib

from kg.errors import UsageError
from kg.rdf.export import FORMATS, export, write_exports
from kg.rdf.canonical import canonical_quads

from .conftest import FIXTURES, same_dataset, same_union, sample_quads

RDFLIB_FORMATS = {"turtle": "turtle", "trig": "trig", "jsonld": "json-ld", "nt": "nt", "nq": "nquads"}


def parse_with_rdflib(body: bytes, fmt: str) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(data=body, format=RDFLIB_FORMATS[fmt])
    return dataset


def same_as_input(fmt: str, parsed, quads) -> bool:
    """Whether ``parsed`` holds what the format should: the dataset for trig/jsonld, the union graph for
    turtle/nt (compared by rdflib's graph isomorphism)."""
    return same_dataset(parsed, quads) if FORMATS[fmt][1] else same_union(parsed, quads)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_parses_back_isomorphic_in_rdflib(fmt):
    """pyoxigraph-written exports, parsed by rdflib, give the same graph or dataset (blank nodes up to renaming)."""
    body = export(sample_quads(), fmt)
    assert same_as_input(fmt, parse_with_rdflib(body, fmt), sample_quads())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_parses_back_isomorphic_in_pyoxigraph(fmt):
    """The same exports parsed by pyoxigraph's own parsers give the same data too."""
    body = export(sample_quads(), fmt)
    assert same_as_input(fmt, list(ox.parse(body, FORMATS[fmt][0])), sample_quads())


def _relabelled_shuffled(seed: int) -> list[ox.Quad]:
    """The sample quads in another order and with other blank-node labels."""
    rng = random.Random(seed)
    quads = list(ox.parse(path=str(FIXTURES / "sample.trig"), rename_blank_nodes=True))
    rng.shuffle(quads)
    return quads


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_is_deterministic(fmt):
    """Differently ordered input with different blank-node labels, or the same data as an rdflib Dataset,
    gives byte-identical output."""
    first = export(_relabelled_shuffled(1), fmt)
    assert export(_relabelled_shuffled(2), fmt) == first
    as_rdflib = parse_with_rdflib(export(sample_quads(), "trig"), "trig")
    assert export(as_rdflib, fmt) == first


def test_turtle_uses_prefixes_and_full_iris_for_slashed_names():
    """Turtle declares the project prefixes and writes names with a '/' in the local part as full IRIs."""
    text = export(sample_quads(), "turtle").decode()
    assert "@prefix fp: <https://w3id.org/fpkg/ontology#> ." in text
    assert "fpr:China a fp:State ;" in text
    assert "<https://w3id.org/fpkg/resource/sample/concern/refugee-crisis> a fp:Concern ;" in text
    assert "\\/" not in text


def test_write_exports_writes_what_export_gives(tmp_path):
    """write_exports writes every format, in FORMATS order, with the bytes export gives for it."""
    paths = write_exports(sample_quads(), tmp_path / "out", "fpkg")
    assert list(paths) == list(FORMATS)
    for name, (_, _, ext) in FORMATS.items():
        assert paths[name] == tmp_path / "out" / f"fpkg.{ext}"
        assert paths[name].read_bytes() == export(sample_quads(), name)
    canonical = write_exports(canonical_quads(sample_quads()), tmp_path / "again", "fpkg", canonical=True)
    assert all(canonical[name].read_bytes() == paths[name].read_bytes() for name in FORMATS)


def _with_literals() -> list[ox.Quad]:
    resource, p = "https://w3id.org/fpkg/resource/", ox.NamedNode("https://w3id.org/fpkg/ontology#note")
    doc = ox.NamedNode(resource + "doc/a")
    return [ox.Quad(doc, p, ox.Literal("see fpr:doc\\/b: not a name here")),
            ox.Quad(doc, p, ox.NamedNode(resource + "doc/b")),
            ox.Quad(ox.NamedNode(resource + "c"), p, ox.Literal(']}, {"@id": "https://w3id.org/fpkg/resource/d'))]


def test_turtle_full_iris_outside_literals_only():
    """A name with a slash becomes a full IRI also on a line that holds a literal; text in a literal that looks
    like such a name stays as it is."""
    text = export(_with_literals(), "turtle").decode()
    assert ('<https://w3id.org/fpkg/resource/doc/a> fp:note "see fpr:doc\\\\/b: not a name here" , '
            '<https://w3id.org/fpkg/resource/doc/b> .') in text


def test_jsonld_one_node_per_line():
    """JSON-LD breaks lines between node objects only, not where a literal holds the same characters."""
    lines = export(_with_literals(), "jsonld").decode().splitlines()
    assert lines[0].startswith('{"@context": {') and lines[1] == '"@graph": [' and lines[-1] == "]}"
    assert len(lines) == 5
    assert lines[2].startswith('{"@id": "fpr:c", ') and lines[2].endswith("]},")


def test_jsonld_is_compacted_with_the_published_context():
    """The JSON-LD export's @context is the shipped context.jsonld, which maps every prefix the project binds,
    and its IRIs are written with those prefixes."""
    import json
    from pathlib import Path

    import kg.rdf.export
    from kg.rdf.namespaces import PREFIXES

    shipped = json.loads((Path(kg.rdf.export.__file__).with_name("context.jsonld")).read_text())["@context"]
    assert shipped == {p: str(ns) for p, ns in PREFIXES.items()}
    document = json.loads(export(sample_quads(), "jsonld"))
    assert document["@context"] == shipped
    ids = [node["@id"] for item in document["@graph"] for node in item.get("@graph", [item])]
    assert "fpr:China" in ids and not any(i.startswith("https://w3id.org/fpkg/resource/") for i in ids)


def test_export_to_file_and_unknown_format(tmp_path):
    """export() writes a file when given a path, and rejects an unknown format with a UsageError."""
    target = tmp_path / "out.nt"
    assert export(sample_quads(), "nt", target) is None
    assert target.read_bytes() == export(sample_quads(), "nt")
    with pytest.raises(UsageError, match="unknown export format 'rdfxml'"):
        export(sample_quads(), "rdfxml")
