"""Quads in one canonical form: duplicates dropped, blank nodes named by RDFC-1.0, statements in a fixed order
(graph, subject, predicate with rdf:type first, object), so identical data gives identical bytes in the store and
the exports. Also the conversion of rdflib terms, which reach this module only as objects handed to it.

>>> q = ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.BlankNode("x"))
>>> [str(t) for t in canonical_quads([q])]
['<http://ex/s> <http://ex/p> _:c14n0']
"""

from __future__ import annotations

import gc
import itertools
from collections import defaultdict
from contextlib import contextmanager

import pyoxigraph as ox

from kg.errors import StoreError

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_TYPE_PREDICATE = f" {_RDF_TYPE} ".encode()
_TYPE_MARKER = b" \x01 "
_RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"


def _ox_term(term):
    """The pyoxigraph term for an rdflib term (rdflib is only touched through the objects it hands us)."""
    kind = type(term).__name__
    if kind == "URIRef":
        return ox.NamedNode(str(term))
    if kind == "BNode":
        return ox.BlankNode(str(term))
    if kind == "Literal":
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store RDF term {term!r} of type {kind}")


def _ox_graph(graph_name):
    if graph_name is None or str(graph_name) == _RDFLIB_DEFAULT_GRAPH:
        return ox.DefaultGraph()
    return _ox_term(getattr(graph_name, "identifier", graph_name))


def as_quads(data) -> list[ox.Quad]:
    """The quads of ``data``: an rdflib Dataset/ConjunctiveGraph (named graphs kept), an rdflib Graph (its triples
    go to the default graph), a pyoxigraph Store/Dataset or any iterable of pyoxigraph Quads.

    :raises StoreError: if a term cannot be represented.
    """
    if hasattr(data, "quads") and hasattr(data, "contexts"):  # rdflib Dataset / ConjunctiveGraph
        return [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o), _ox_graph(g))
                for s, p, o, g in data.quads((None, None, None, None))]
    if hasattr(data, "triples") and hasattr(data, "serialize"):  # rdflib Graph
        return [ox.Quad(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in data]
    return [q if isinstance(q, ox.Quad) else ox.Quad(*q) for q in data]


def canonical_quads(data) -> list[ox.Quad]:
    """The quads of ``data`` (see :func:`as_quads`) without duplicates, blank nodes renamed by RDFC-1.0 and
    sorted by graph, subject, predicate (rdf:type first), object: identical input gives identical output.

    :raises StoreError: if a term cannot be represented.
    """
    with gc_paused():
        return _canonical(as_quads(data), by_graph=True)


def canonical_union(data) -> list[ox.Triple]:
    """The union graph of ``data`` (see :func:`as_quads`): the triples of every graph without duplicates, blank
    nodes renamed by RDFC-1.0 and sorted by subject, predicate (rdf:type first), object.

    >>> g = ox.NamedNode("http://ex/g")
    >>> q = ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.BlankNode("x"), g)
    >>> [str(t) for t in canonical_union([q, ox.Quad(q.subject, q.predicate, q.object)])]
    ['<http://ex/s> <http://ex/p> _:c14n0']

    :raises StoreError: if a term cannot be represented.
    """
    with gc_paused():
        return _canonical([q.triple for q in as_quads(data)], by_graph=False)


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector: while lists of a million pyoxigraph terms are built, each
    collection would walk every live object, which costs more than the work itself (no cycles are made)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _canonical(statements: list, *, by_graph: bool) -> list:
    """``statements`` (all quads or all triples) without duplicates, blank nodes renamed by RDFC-1.0, sorted by
    graph name if ``by_graph`` (the default graph first, then by the names' N-Triples text), then by
    :func:`_sort_keys`. Graph first, so the TriG and JSON-LD writers write each graph once; rdf:type first within
    a subject, as people read it. The work is done on each statement's N-Quads line, in C where possible."""
    body = ox.serialize(statements, format=ox.RdfFormat.N_QUADS)
    quoted = b"<<(" in body  # a quoted triple (RDF 1.2), or that text in a literal
    mention = _lines_with(body, b"_:")  # a blank node, or that text in a literal
    lines = body.splitlines()  # one per statement: literals escape their line breaks
    del body
    statements, lines = _canonical_blank_nodes(statements, lines, mention)
    keys = _str_keys(statements) if quoted else _sort_keys(lines)
    del lines
    # Statement by key, per graph name: equal keys in one graph are equal statements, so duplicates are dropped.
    if by_graph:
        groups: dict = defaultdict(dict)
        for graph, key, statement in zip([s.graph_name for s in statements], keys, statements):
            groups[graph][key] = statement
    else:
        groups = {ox.DefaultGraph(): dict(zip(keys, statements))}
    ordered = []
    for graph in sorted(groups, key=lambda g: "" if isinstance(g, ox.DefaultGraph) else str(g)):
        group = groups.pop(graph)
        ordered += map(group.__getitem__, sorted(group))
    return ordered


def _lines_with(body: bytes, needle: bytes) -> list[int]:
    r"""The numbers of the lines of ``body`` that contain ``needle``: a few searches through the whole text
    instead of one per line.

    >>> _lines_with(b"a _:x _:y\nb\n_:z\n", b"_:")
    [0, 2]
    """
    numbers: list[int] = []
    number, counted = 0, 0  # line feeds before position `counted`
    position = body.find(needle)
    while position != -1:
        number += body.count(b"\n", counted, position)
        counted = position
        numbers.append(number)
        end = body.find(b"\n", position)
        position = -1 if end == -1 else body.find(needle, end)
    return numbers


def _canonical_blank_nodes(statements: list, lines: list[bytes], mention: list[int]) -> tuple[list, list[bytes]]:
    """``statements`` (all quads or all triples) and their lines, blank nodes renamed by RDFC-1.0; ``mention``
    holds the index of every statement that may mention one.

    RDFC-1.0 names a blank node after the statements that mention it, so only those are canonicalized: in a
    build, the ontology's few hundred OWL-list triples instead of the whole dataset.
    """
    candidates = [statements[i] for i in mention]
    if not any(isinstance(term, ox.BlankNode) for s in candidates for term in s):
        return statements, lines  # "_:" only in literals, or inside quoted triples (no top-level blank node)
    dataset = ox.Dataset(ox.Quad(*s) for s in candidates)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    renamed = list(dataset) if isinstance(candidates[0], ox.Quad) else [q.triple for q in dataset]
    keep = [True] * len(statements)
    for i in mention:
        keep[i] = False
    return (list(itertools.compress(statements, keep)) + renamed,
            list(itertools.compress(lines, keep)) + ox.serialize(renamed, format=ox.RdfFormat.N_QUADS).splitlines())


def _str_keys(statements: list) -> list[tuple]:
    """Sort keys from the ``str()`` of the terms, for statements with a quoted triple (RDF 1.2) as object: this
    order has always compared ``str()``, which for a quoted triple lacks the ``<<( )>>`` of its N-Triples form,
    so :func:`_sort_keys` would order it differently. For any other term the two orders are the same.
    """
    return [(str(s.subject), str(s.predicate) != _RDF_TYPE, str(s.predicate), str(s.object)) for s in statements]


def _sort_keys(lines: list[bytes]) -> list[bytes]:
    r"""Byte strings whose order, among the lines of one graph, is subject, predicate with rdf:type first,
    object, comparing the N-Triples form of each term as text: the lines themselves, rdf:type replaced by
    ``\x01``, which N-Quads never holds unescaped and which sorts before any IRI's ``<``.

    Comparing whole lines compares terms one by one: a term that is a prefix of another (``_:b1``, ``_:b10``;
    ``"a"``, ``"a"@en``) is followed by a space, which sorts before any character that can continue a term.

    >>> _sort_keys([b'<s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <C> .', b'<s> <p> "a" .'])
    [b'<s> \x01 <C> .', b'<s> <p> "a" .']
    """
    keys = lines.copy()
    # The subject has no space, so the first space ends it; only a predicate in that place gets the marker.
    subject_ends = map(bytes.index, lines, itertools.repeat(b" "))
    typed = map(bytes.startswith, lines, itertools.repeat(_TYPE_PREDICATE), subject_ends)
    for i in itertools.compress(range(len(lines)), typed):
        keys[i] = lines[i].replace(_TYPE_PREDICATE, _TYPE_MARKER, 1)
    return keys
