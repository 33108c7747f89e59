"""Where a built dataset lives between processes, and how it is opened for queries.

A *store directory* (``store_dir``, else the setting ``store_dir`` of :mod:`kg.settings`: ``$KG_STORE_DIR``,
else ``.kg`` in the current working directory) holds:

- ``dataset.nq``: the whole dataset as canonical, sorted N-Quads. It is the source of truth.
- ``build.json``: what the last build read (inputs with sha256), what it made (counts per graph) and how long
  each stage took, plus the sha256 of the ``dataset.nq`` it describes.
- ``exports/``: the exports of the last build (written by :mod:`kg.pipeline.builder`).

Every file is written to a temporary file in the same directory, flushed to disk and then renamed over the old
one (``os.replace`` is atomic on POSIX), so a build killed at any moment, even with ``kill -9``, leaves the
previous ``dataset.nq`` whole and readable.

Queries run on pyoxigraph: :func:`open_store` bulk-loads ``dataset.nq`` into memory (the default), or keeps an
on-disk RocksDB copy at ``persistent_path`` that survives restarts and is rebuilt only when ``dataset.nq``
changed. This module imports neither rdflib nor the validators at import time: the server imports it.

>>> import pyoxigraph as ox
>>> q = ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.BlankNode("x"))
>>> [str(t) for t in canonical_quads([q])]
['<http://ex/s> <http://ex/p> _:c14n0']
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import itertools
import json
import os
import shutil
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.settings import current

DATASET_FILE = "dataset.nq"
BUILD_FILE = "build.json"
EXPORTS_DIR = "exports"
#: Test hook, the environment variable of the setting ``pause_before_rename``: seconds to sleep after a temporary
#: file is written and synced, before it is renamed into place, so the crash-safety tests can ``kill -9`` a real
#: build in the worst possible moment.
PAUSE_ENV = "KG_PAUSE_BEFORE_RENAME"

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_TYPE_PREDICATE = f" {_RDF_TYPE} ".encode()
_TYPE_MARKER = b" \x01 "
_RDFLIB_DEFAULT_GRAPH = "urn:x-rdflib:default"


def resolve_store_dir(store_dir: str | os.PathLike | None = None) -> Path:
    """The store directory: ``store_dir`` if given, else the setting ``store_dir`` (``$KG_STORE_DIR``, else
    ``.kg``, relative to the current working directory)."""
    return Path(store_dir or current().store_dir)


# --- converting and ordering quads ------------------------------------------------------------------------------

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


# --- atomic files -----------------------------------------------------------------------------------------------

def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a reader, or a crash, sees either the old file or the new one.

    :raises StoreError: if the file cannot be written (naming the path).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(path)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        pause = current().pause_before_rename
        if pause:
            time.sleep(pause)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {e.strerror or e}", file=str(path)) from e


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk, or a power cut could bring the old name back.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary files of ``path`` left by writers that were killed (their process is gone)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:-4]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- saving and reading the built dataset --------------------------------------------------------------------------

def save_dataset(data, store_dir: str | os.PathLike | None = None, *, metadata: dict | None = None,
                 canonical: bool = False) -> Path:
    """Write ``data`` (anything :func:`as_quads` accepts) as the store's ``dataset.nq``, then ``build.json`` with
    ``metadata`` plus the dataset's sha256 and quad count; both atomically. Returns the path of ``dataset.nq``.
    ``canonical=True`` promises ``data`` is already the output of :func:`canonical_quads`.

    :raises StoreError: if the store directory or a file cannot be written.
    """
    directory = resolve_store_dir(store_dir)
    target = directory / DATASET_FILE
    body = ox.serialize(data if canonical else canonical_quads(data), format=ox.RdfFormat.N_QUADS)
    atomic_write(target, body)
    info = dict(metadata or {})
    info["dataset"] = {"file": DATASET_FILE, "sha256": hashlib.sha256(body).hexdigest(),
                       "quads": body.count(b"\n")}
    atomic_write(directory / BUILD_FILE, (json.dumps(info, indent=2, sort_keys=True) + "\n").encode())
    return target


def dataset_path(store_dir: str | os.PathLike | None = None) -> Path:
    """Path of the built ``dataset.nq``.

    :raises StoreError: if nothing was built in that store directory yet.
    """
    path = resolve_store_dir(store_dir) / DATASET_FILE
    if not path.is_file():
        raise StoreError("no built dataset here; run `kg build` first", file=str(path))
    return path


def read_build_info(store_dir: str | os.PathLike | None = None) -> dict:
    """The metadata of the last build (``build.json``).

    :raises StoreError: if there is none or it is unreadable.
    """
    path = resolve_store_dir(store_dir) / BUILD_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError("no build metadata here; run `kg build` first", file=str(path)) from None
    except (OSError, ValueError) as e:
        raise StoreError(f"unreadable build metadata: {e}", file=str(path)) from e


def open_store(store_dir: str | os.PathLike | None = None, *,
               persistent_path: str | os.PathLike | None = None) -> ox.Store:
    """A pyoxigraph Store holding the built dataset.

    Without ``persistent_path`` the store is in memory, bulk-loaded from ``dataset.nq``. With it, the store is an
    on-disk RocksDB database under that directory, opened read-only; it is (re)built from ``dataset.nq`` only
    when the dataset's sha256 differs from the one it was built from. The new database is made in a fresh
    sub-directory and a ``current`` symlink is swapped to it atomically, so a crash never leaves it half-built.

    :raises StoreError: if nothing was built, or ``dataset.nq`` or the database cannot be read (naming the path).
    """
    source = dataset_path(store_dir)
    if persistent_path is None:
        store = ox.Store()
        try:
            store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as e:
            raise StoreError(f"cannot load {source}: {e}", file=str(source)) from e
        return store
    return _open_persistent(source, Path(persistent_path))


def _open_persistent(source: Path, root: Path) -> ox.Store:
    current = root / "current"
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _locked(root / ".lock"):
            digest = sha256_file(source)
            name = f"db-{digest[:16]}"
            up_to_date = current.is_symlink() and os.readlink(current) == name
            if not up_to_date:
                _build_persistent(source, root, name)
            return ox.Store.read_only(str(current))
    except OSError as e:
        raise StoreError(f"cannot open the persistent store at {root}: {e}", file=str(root)) from e
    except SyntaxError as e:
        raise StoreError(f"cannot load {source}: {e}", file=str(source)) from e


def _build_persistent(source: Path, root: Path, name: str) -> None:
    target = root / name
    tmp = root / f".{name}.{os.getpid()}.tmp"
    for stale in [*root.glob(".db-*.tmp"), target]:
        shutil.rmtree(stale, ignore_errors=True)
    store = ox.Store(str(tmp))
    store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store  # closes RocksDB before the directory is renamed
    os.replace(tmp, target)
    link = root / f".current.{os.getpid()}.tmp"
    link.unlink(missing_ok=True)
    os.symlink(name, link)
    old = os.readlink(root / "current") if (root / "current").is_symlink() else None
    os.replace(link, root / "current")
    _fsync_dir(root)
    # Keep the database just replaced (a running server may still read it); drop any older ones.
    for db in root.glob("db-*"):
        if db.name not in (name, old):
            shutil.rmtree(db, ignore_errors=True)


@contextmanager
def _locked(path: Path):
    """An exclusive lock between processes refreshing the same persistent store."""
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Number of triples in each graph of ``store``, keyed by graph IRI ('' for the default graph), sorted."""
    counts: dict[str, int] = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        counts[row["g"].value] = int(row["n"].value)
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if default:
        counts[""] = default
    return dict(sorted(counts.items()))

