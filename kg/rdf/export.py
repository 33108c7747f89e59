"""Exports of the built dataset: Turtle, TriG, JSON-LD, N-Triples and N-Quads, byte-identical for identical input.

What each format holds:

- ``turtle`` and ``nt`` hold one graph, the **union** of all graphs (ontology, per-document graphs, inferred
  triples), deduplicated: what a consumer merging the file into a larger foreign-policy graph wants.
- ``trig``, ``jsonld`` and ``nq`` hold the whole **dataset**: every named graph kept apart, so asserted, background,
  provenance, ontology and inferred triples stay distinguishable.

Determinism: blank nodes are renamed by RDFC-1.0 canonicalization and quads sorted (graph, subject, predicate
with rdf:type first, object) before pyoxigraph's streaming writers see them; the writers emit triples in the
order given. Turtle and TriG use the prefixes of :data:`kg.rdf.namespaces.PREFIXES`; JSON-LD is compacted with the
same prefixes as its ``@context`` (published at :data:`CONTEXT_URL`), one node object per line.
:func:`write_exports` writes all five files, building the union graph once.

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

import itertools
import json
import operator
import os
import re
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.errors import UsageError
from kg.rdf.namespaces import PREFIXES
from kg.rdf.canonical import as_quads, canonical_quads, canonical_union, gc_paused
from kg.rdf.files import atomic_write

#: Format name -> (pyoxigraph format, keeps named graphs, file extension).
FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, False, "ttl"),
    "trig": (ox.RdfFormat.TRIG, True, "trig"),
    "jsonld": (ox.RdfFormat.JSON_LD, True, "jsonld"),
    "nt": (ox.RdfFormat.N_TRIPLES, False, "nt"),
    "nq": (ox.RdfFormat.N_QUADS, True, "nq"),
}
_ALIASES = {"ttl": "turtle", "json-ld": "jsonld", "ntriples": "nt", "n-triples": "nt", "nquads": "nq",
            "n-quads": "nq"}
#: Where the JSON-LD context of our exports is published; the same object is shipped as ``context.jsonld``.
CONTEXT_URL = "https://w3id.org/fpkg/context.jsonld"
#: The ``@context`` of the JSON-LD exports: our prefixes, so IRIs are written as ``fpr:China``.
CONTEXT = json.loads((Path(__file__).with_name("context.jsonld")).read_text(encoding="utf-8"))["@context"]
_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
# A string literal as pyoxigraph writes it (one line, inner quotes escaped), and a prefixed name whose local part
# needed backslash escapes (``fpr:doc\/claim\/x``), which we write as a full IRI instead: easier to read and grep.
_STRING = re.compile(r'("[^"\\]*(?:\\.[^"\\]*)*")')  # '"(?:[^"\\]|\\.)*"' unrolled: same matches, faster
_ESCAPED_PNAME = re.compile(r'(?<![^\s^\[(])([A-Za-z][\w.-]*):(\S*\\\S*)')
_ESCAPED_WORD = re.compile(r"((?<!\S)[^\s\\]*+\\\S*+)")  # a whitespace-free run with a backslash
_ESCAPE = re.compile(r"\\(.)")
_JSON_DECODER = json.JSONDecoder()
# What json.dumps(x, ensure_ascii=False) gives, with the encoder made once; decoded JSON has no cycles to check.
_json = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


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
    ``canonical=True`` promises that ``data`` already is the output of :func:`kg.rdf.canonical.canonical_quads`
    (the build's case), which saves canonicalizing the dataset formats again.

    :raises UsageError: if the format is unknown.
    :raises StoreError: if a term cannot be represented.
    """
    name = format_name(fmt)
    with gc_paused():
        if FORMATS[name][1]:
            return _render(name, as_quads(data) if canonical else canonical_quads(data))
        # Always canonicalized: the union's blank-node labels must not depend on how the dataset was labelled.
        return _render(name, canonical_union(data))


def write_exports(data, out_dir: str | os.PathLike, basename: str, *, canonical: bool = False) -> dict[str, Path]:
    """Write ``data`` in every format of :data:`FORMATS` to ``out_dir/basename.EXT``, each file replaced
    atomically, with the same bytes as :func:`export`; the union graph is built once for Turtle and N-Triples.
    Returns the path of each format, in :data:`FORMATS` order. ``canonical``: as in :func:`serialize`.

    :raises StoreError: if a file cannot be written or a term cannot be represented.
    """
    paths = {name: Path(out_dir) / f"{basename}.{ext}" for name, (_, _, ext) in FORMATS.items()}
    with gc_paused():
        quads = as_quads(data) if canonical else canonical_quads(data)
        # The dataset formats first, so the union is built only once their bytes are written and dropped.
        for keeps_graphs in (True, False):
            statements = quads if keeps_graphs else canonical_union(quads)
            for name in [name for name, (_, keeps, _) in FORMATS.items() if keeps == keeps_graphs]:
                atomic_write(paths[name], _render(name, statements))
    return paths


def _render(name: str, statements: list) -> bytes:
    """The bytes of format ``name`` for canonical ``statements``: pyoxigraph's writer, then our layout."""
    rdf_format = FORMATS[name][0]
    if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return _readable_turtle(ox.serialize(statements, format=rdf_format, prefixes=_PREFIXES))
    if name == "jsonld":
        return _jsonld_lines(ox.serialize(statements, format=rdf_format))
    return ox.serialize(statements, format=rdf_format)


def _jsonld_lines(body: bytes) -> bytes:
    """pyoxigraph's one-line expanded JSON-LD, compacted with :data:`CONTEXT` (given inline, so the file is read
    without fetching anything) and laid out one node object per line, so a changed annotation gives a readable
    diff. The top-level items are decoded one at a time, so only one graph's objects are in memory at once.

    >>> body = (b'[{"@id":"https://w3id.org/fpkg/graph/g","@graph":[{"@id":"https://w3id.org/fpkg/resource/s",'
    ...         b'"http://ex/p":[{"@value":"1","@type":"http://www.w3.org/2001/XMLSchema#integer"}]}]},'
    ...         b'{"@id":"_:b","@type":["https://w3id.org/fpkg/ontology#State"]}]')
    >>> print(_jsonld_lines(body).decode().split(chr(10), 1)[1], end="")
    "@graph": [
    {"@id": "fpg:g", "@graph": [
     {"@id": "fpr:s", "http://ex/p": [{"@value": "1", "@type": "xsd:integer"}]}
    ]},
    {"@id": "_:b", "@type": ["fp:State"]}
    ]}
    """
    text = body.decode()
    del body  # the caller passes the only reference: a million quads make it large
    out = [f'{{"@context": {_json(CONTEXT)},\n"@graph": [\n'.encode()]
    compact = _Compactor()
    pos = text.index("[") + 1
    while text[pos] != "]":  # pyoxigraph writes no whitespace between items
        item, pos = _JSON_DECODER.raw_decode(text, pos)
        if len(out) > 1:
            out.append(b",\n")
        if "@graph" in item:
            # A graph's nodes in one encoder call, then a line break between nodes: a node ends with "]}" (its
            # last property's values), the next starts with '{"@id": ', and nowhere else in the list do these
            # meet, as values hold only strings (whose quotes are escaped).
            nodes = _json(list(map(compact.node, item["@graph"])))[1:-1].replace(']}, {"@id": ', ']},\n {"@id": ')
            out.append(f'{{"@id": {_json(compact.iri(item["@id"]))}, "@graph": [\n {nodes}\n]}}'.encode())
        else:
            out.append(_json(compact.node(item)).encode())
        if text[pos] == ",":
            pos += 1
    del text
    out.append(b"\n]}\n")
    return b"".join(out)


class _Compactor:
    """Compacts IRIs in expanded JSON-LD node objects to ``prefix:local`` with :data:`CONTEXT`'s prefixes: the
    longest namespace wins; a local part starting with ``//`` would read as an absolute IRI and is left alone."""

    def __init__(self):
        self.done: dict[str, str] = {}
        self.namespaces = sorted(((ns, p) for p, ns in CONTEXT.items()), key=lambda x: -len(x[0]))

    def iri(self, iri: str) -> str:
        short = self.done.get(iri)
        if short is None:
            short = iri
            for ns, prefix in self.namespaces:
                if iri.startswith(ns) and not iri.startswith("//", len(ns)):
                    short = prefix + ":" + iri[len(ns):]
                    break
            self.done[iri] = short
        return short

    def node(self, node: dict) -> dict:
        iri = self.iri
        out = {}
        for key, values in node.items():
            if key == "@id":
                out[key] = iri(values)
            elif key == "@type":
                out[key] = list(map(iri, values))
            else:
                out[iri(key)] = list(map(self.value, values))
        return out

    def value(self, value: dict) -> dict:
        if "@id" in value:
            return {"@id": self.iri(value["@id"])}
        if "@type" in value:
            return {**value, "@type": self.iri(value["@type"])}
        return value


def turtle(triples: list, prefixes: dict[str, str]) -> bytes:
    """Turtle of canonical ``triples`` (see :func:`kg.rdf.store.canonical_union`) with ``prefixes``, laid out as
    the exports are: prefix lines in the order of ``prefixes``, full IRIs for names with slashes."""
    return _readable_turtle(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes), prefixes)


def _readable_turtle(body: bytes, prefixes: dict[str, str] = _PREFIXES) -> bytes:
    r"""Prefix lines in :data:`PREFIXES` order, and full IRIs for names with slashes in their local part.

    >>> body = b'@prefix fpr: <https://w3id.org/fpkg/resource/> .\nfpr:d\\/c fpr:p "a fpr:b\\/c" .\n'
    >>> print(_readable_turtle(body).decode(), end="")
    @prefix fpr: <https://w3id.org/fpkg/resource/> .
    <https://w3id.org/fpkg/resource/d/c> fpr:p "a fpr:b\/c" .
    """
    lines = body.split(b"\n")
    n_prefixes = 0
    while n_prefixes < len(lines) and lines[n_prefixes].startswith(b"@prefix "):
        n_prefixes += 1
    declared = {}
    for line in lines[:n_prefixes]:
        prefix = line[len(b"@prefix "):].split(b":", 1)[0].decode()
        declared[prefix] = prefixes[prefix]
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items() if p in declared).encode()
    del lines[:n_prefixes]
    # Only a line with a backslash can hold such a name; the others are kept as they are.
    escaped = list(map(operator.contains, lines, itertools.repeat(b"\\")))
    for i, line in zip(itertools.compress(range(len(lines)), escaped),
                       _full_iris(list(itertools.compress(lines, escaped)), declared)):
        lines[i] = line
    return header + b"\n".join(lines)


def _full_iris(lines: list[bytes], declared: dict[str, str]) -> list[bytes]:
    r"""``lines`` of Turtle (without their line feeds) in which each prefixed name of ``declared`` whose local
    part has backslash escapes, outside string literals, is written as a full IRI.

    >>> _full_iris([b'fpr:a\\/b fp:p "fpr:c\\/d" .', b'fp:q fpr:a\\/b .'], {"fpr": "https://w3id.org/fpkg/resource/"})
    [b'<https://w3id.org/fpkg/resource/a/b> fp:p "fpr:c\\/d" .', b'fp:q <https://w3id.org/fpkg/resource/a/b> .']
    """
    quoted = list(map(operator.contains, lines, itertools.repeat(b'"')))
    # A line with a literal is cut where str.splitlines cuts (also at U+2028 and the like, which a literal may
    # hold), then around its literals, as the regexes have always seen it: the bytes must not change.
    cut = [[_STRING.split(piece) for piece in line.decode().splitlines(keepends=True)]
           for line in itertools.compress(lines, quoted)]
    # The text outside literals goes through the regexes in two calls, not one per line or piece: joined by line
    # feeds, which no such text holds, no name can span, and the regexes take for whitespace, as they take the
    # start or end of a text.
    plain = b"\n".join(itertools.compress(lines, map(operator.not_, quoted))).decode()
    plain_lines = iter(_words_rewritten(plain, declared).encode().split(b"\n"))
    outside = "\n".join(part for pieces in cut for parts in pieces for part in parts[::2])
    outside_parts = iter(_words_rewritten(outside, declared).split("\n"))
    for parts in itertools.chain.from_iterable(cut):
        parts[::2] = itertools.islice(outside_parts, (len(parts) + 1) // 2)
    quoted_lines = ("".join(itertools.chain.from_iterable(pieces)).encode() for pieces in cut)
    return [next(quoted_lines) if own else next(plain_lines) for own in quoted]


def _words_rewritten(text: str, declared: dict[str, str]) -> str:
    r"""``text`` (outside string literals) with each prefixed name of ``declared`` that has backslash escapes
    written as a full IRI. A name lies within one word (a whitespace-free run) that has a backslash, so the regex
    sees that word alone exactly as it sees it within the text; such words recur on many lines, and each distinct
    one is rewritten once.

    >>> _words_rewritten("fp:q fpr:a\\/b ;\n\tfpr:a\\/b fp:r\\/s .", {"fpr": "https://w3id.org/fpkg/resource/"})
    'fp:q <https://w3id.org/fpkg/resource/a/b> ;\n\t<https://w3id.org/fpkg/resource/a/b> fp:r\\/s .'
    """
    parts = _ESCAPED_WORD.split(text)  # text, word, text, word, ..., text
    words = list(set(parts[1::2]))
    done = dict(zip(words, _full_iris_in_words(words, declared)))
    parts[1::2] = map(done.__getitem__, parts[1::2])
    return "".join(parts)


def _full_iris_in_words(words: list[str], declared: dict[str, str]) -> list[str]:
    r"""Each of ``words`` (whitespace-free) with its prefixed names of ``declared`` that have backslash escapes
    written as full IRIs, ``\x`` becoming ``x``. The words are joined by line feeds and go through each regex
    once: a line feed is whitespace to both, so each word is seen as if alone.

    >>> _full_iris_in_words(["fpr:a\\/b", "(xx:c\\/d", "^^fpr:e\\.f\\\\"], {"fpr": "https://w3id.org/fpkg/resource/"})
    ['<https://w3id.org/fpkg/resource/a/b>', '(xx:c\\/d', '^^<https://w3id.org/fpkg/resource/e.f\\>']
    """
    parts = _ESCAPED_PNAME.split("\n".join(words))  # text, prefix, local part, text, ..., text
    prefixes, locals_ = parts[1::3], parts[2::3]
    # Splitting at the escapes keeps each escaped character: the same as sub(r"\1"), without a call per match.
    unescaped = "".join(_ESCAPE.split("\n".join(locals_))).split("\n")
    parts[1::3] = ["<" + declared[p] if p in declared else p + ":" for p in prefixes]
    parts[2::3] = [u + ">" if p in declared else local for p, local, u in zip(prefixes, locals_, unescaped)]
    return "".join(parts).split("\n")


def export(data, fmt: str, out: str | os.PathLike | BinaryIO | None = None, *,
           canonical: bool = False) -> bytes | None:
    """Serialize ``data`` in ``fmt`` (``turtle``, ``trig``, ``jsonld``, ``nt``, ``nq``). With ``out=None`` return the bytes;
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
