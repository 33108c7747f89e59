"""Where a built dataset lives between processes, and how it is opened for queries.

A *store directory* (``store_dir``, else the setting ``store_dir`` of :mod:`kg.settings`: ``$KG_STORE_DIR``,
else ``.kg`` in the current working directory) holds:

- ``dataset.nq``: the whole dataset as canonical, sorted N-Quads. It is the source of truth.
- ``build.json``: what the last build read (inputs with sha256), what it made (counts per graph) and how long
  each stage took, plus the sha256 of the ``dataset.nq`` it describes.
- ``exports/``: the exports of the last build (written by :mod:`kg.pipeline.builder`).

Every file is written atomically (:mod:`kg.rdf.files`), so a build killed at any moment, even with ``kill -9``,
leaves the previous ``dataset.nq`` whole and readable; the dataset is in canonical form (:mod:`kg.rdf.canonical`).

Queries run on pyoxigraph: :func:`open_store` bulk-loads ``dataset.nq`` into memory (the default), or keeps an
on-disk RocksDB copy at ``persistent_path`` that survives restarts and is rebuilt only when ``dataset.nq``
changed. This module imports neither rdflib nor the validators at import time: the server imports it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.canonical import canonical_quads
from kg.rdf.files import atomic_write, fsync_dir, sha256_file
from kg.settings import current

DATASET_FILE = "dataset.nq"
BUILD_FILE = "build.json"
EXPORTS_DIR = "exports"


def resolve_store_dir(store_dir: str | os.PathLike | None = None) -> Path:
    """The store directory: ``store_dir`` if given, else the setting ``store_dir`` (``$KG_STORE_DIR``, else
    ``.kg``, relative to the current working directory)."""
    return Path(store_dir or current().store_dir)


def save_dataset(data, store_dir: str | os.PathLike | None = None, *, metadata: dict | None = None,
                 canonical: bool = False) -> Path:
    """Write ``data`` (anything :func:`kg.rdf.canonical.as_quads` accepts) as the store's ``dataset.nq``, then ``build.json`` with
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
    fsync_dir(root)
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
