"""Exports of the built dataset: Turtle, TriG, JSON-LD and N-Triples, byte-identical for identical input.

What each format holds:

- ``turtle`` and ``nt`` hold one graph, the **union** of all graphs (ontology, per-document graphs, inferred
  triples), deduplicated: what a consumer merging the file into a larger foreign-policy graph wants.
- ``trig`` and ``jsonld`` hold the whole **dataset**: every named graph kept apart, so asserted, background,
  provenance, ontology and inferred triples stay distinguishable.

Determinism: blank nodes are renamed by RDFC-1.0 canonicalization and quads sorted (graph, subject, predicate
with rdf:type first, object) before pyoxigraph's streaming writers see them; the writers emit triples in the
order given. Turtle and TriG use the prefixes of :data:`kg.namespaces.PREFIXES`; JSON-LD is expanded (full IRIs),
one node object per line.

>>> import pyoxigraph as ox
>>> q = ox.Quad(ox.NamedNode("https://w3id.org/fpkg/resource/China"),
...             ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
...             ox.NamedNode("https://w3id.org/fpkg/ontology#State"), ox.NamedNode("https://w3id.org/fpkg/graph/g"))
>>> print(export([q], "nt").decode(), end="")
<https://w3id.org/fpkg/resource/China> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fpkg/ontology#State> .
>>> export([q], "turtle").decode().splitlines()[-1]
'fpr:China a fp:State .'
"""

from __future__ import annotations

import json
import os
import re
import sys
import types
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import UsageError
from kg.namespaces import PREFIXES
from kg.store import as_quads, atomic_write, canonical_quads

#: Format name -> (pyoxigraph format, keeps named graphs, file extension).
FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False, "ttl"),
    "trig": (ox.RdfFormat.TRIG, True, "trig"),
    "jsonld": (ox.RdfFormat.JSON_LD, True, "jsonld"),
    "nt": (ox.RdfFormat.N_TRIPLES, False, "nt"),
}
_ALIASES = {"ttl": "turtle", "json-ld": "jsonld", "ntriples": "nt", "n-triples": "nt"}
_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
# A string literal as pyoxigraph writes it (one line, inner quotes escaped), and a prefixed name whose local part
# needed backslash escapes (``fpr:doc\/claim\/x``), which we write as a full IRI instead: easier to read and grep.
_STRING = re.compile(r'("(?:[^"\\]|\\.)*")')
_ESCAPED_PNAME = re.compile(r'(?<![^\s^\[(])([A-Za-z][\w.-]*):(\S*\\\S*)')



def format_name(fmt: str) -> str:
    """The canonical name of an export format (``ttl`` -> ``turtle``).

    :raises UsageError: if the format is unknown.
    """
    name = _ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return name


def serialize(data, fmt: str, *, canonical: bool = False) -> bytes:
    """The bytes of ``data`` (an rdflib Dataset/Graph, a pyoxigraph Store/Dataset or quads) in format ``fmt``.
    ``canonical=True`` promises that ``data`` already is the output of :func:`kg.store.canonical_quads`
    (the build's case), which saves canonicalizing the dataset formats again.

    :raises UsageError: if the format is unknown.
    :raises StoreError: if a term cannot be represented.
    """
    name = format_name(fmt)
    rdf_format, keeps_graphs, _ = FORMATS[name]
    quads = as_quads(data)
    if keeps_graphs:
        items = quads if canonical else canonical_quads(quads)
    else:
        union = {ox.Quad(q.subject, q.predicate, q.object) for q in quads}
        # Always canonicalized: the union's blank-node labels must not depend on how the dataset was labelled.
        items = [q.triple for q in canonical_quads(union)]
    body = ox.serialize(items, format=rdf_format,
                        prefixes=_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None)
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        body = _readable_turtle(body.decode()).encode()
    if name == "jsonld":
        body = _jsonld_lines(body)
    return body


def _jsonld_lines(body: bytes) -> bytes:
    """pyoxigraph's one-line JSON-LD with one node object per line, so a changed annotation gives a readable
    diff (json's C encoder per node: indenting the whole document is several times slower).

    >>> print(_jsonld_lines(b'[{"@id":"g","@graph":[{"@id":"s","p":[{"@value":"1"}]}]},{"@id":"t"}]').decode(), end="")
    [
    {"@id": "g", "@graph": [
     {"@id": "s", "p": [{"@value": "1"}]}
    ]},
    {"@id": "t"}
    ]
    """
    items = []
    for item in json.loads(body):
        if "@graph" in item:
            nodes = ",\n".join(" " + json.dumps(n, ensure_ascii=False) for n in item["@graph"])
            items.append(f'{{"@id": {json.dumps(item["@id"], ensure_ascii=False)}, "@graph": [\n{nodes}\n]}}')
        else:
            items.append(json.dumps(item, ensure_ascii=False))
    return ("[\n" + ",\n".join(items) + "\n]\n").encode()


def _readable_turtle(text: str) -> str:
    r"""Prefix lines in :data:`PREFIXES` order, and full IRIs for names with slashes in their local part.

    >>> print(_readable_turtle('@prefix fpr: <https://w3id.org/fpkg/resource/> .\nfpr:d\\/c fpr:p "a fpr:b\\/c" .\n'), end="")
    @prefix fpr: <https://w3id.org/fpkg/resource/> .
    <https://w3id.org/fpkg/resource/d/c> fpr:p "a fpr:b\/c" .
    """
    lines = text.splitlines(keepends=True)
    declared = {}
    while lines and lines[0].startswith("@prefix "):
        prefix = lines.pop(0)[len("@prefix "):].split(":", 1)[0]
        declared[prefix] = _PREFIXES[prefix]

    def full_iri(m: re.Match) -> str:
        if m.group(1) not in declared:
            return m.group(0)
        return "<" + declared[m.group(1)] + re.sub(r"\\(.)", r"\1", m.group(2)) + ">"

    body = "".join(
        "".join(part if i % 2 else _ESCAPED_PNAME.sub(full_iri, part) for i, part in enumerate(_STRING.split(line)))
        for line in lines)
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in _PREFIXES.items() if p in declared)
    return header + body


def export(data, fmt: str, out: str | os.PathLike | BinaryIO | None = None, *,
           canonical: bool = False) -> bytes | None:
    """Serialize ``data`` in ``fmt`` (``turtle``, ``trig``, ``jsonld``, ``nt``). With ``out=None`` return the bytes;
    with a path, replace that file atomically; with a binary (or text, via its buffer) stream, write to it.
    ``canonical``: as in :func:`serialize`.

    :raises UsageError: if the format is unknown.
    :raises StoreError: if the file cannot be written or a term cannot be represented.
    """
    body = serialize(data, fmt, canonical=canonical)
    if out is None:
        return body
    if isinstance(out, (str, os.PathLike)):
        atomic_write(out, body)
    else:
        getattr(out, "buffer", out).write(body)
    return None


class _CallableModule(types.ModuleType):
    """Lets ``kg.export(data, fmt)`` work from a notebook: importing this submodule rebinds the name ``kg.export``
    from the function :mod:`kg` re-exports to this module, so the module itself forwards calls to :func:`export`."""

    def __call__(self, data, fmt: str, out=None):
        return export(data, fmt, out)


sys.modules[__name__].__class__ = _CallableModule
