"""Where a built dataset lives between processes, and how it is opened for queries.

A *store directory* (``store_dir``, else the setting ``store_dir`` of :mod:`kg.settings`: ``$KG_STORE_DIR``,
else ``.kg`` in the current working directory) holds every build as one folder, and publishes one of them:

- ``builds/<id>/``: one build: ``dataset.nq`` (the whole dataset as canonical, sorted N-Quads, the source of
  truth), ``build.json`` (what the build read, with sha256s, what it made, how long each stage took, the sha256 of
  its ``dataset.nq`` and of each export) and ``exports/`` (written by :mod:`kg.pipeline.builder`).
- ``current``: a symbolic link to the published build, replaced by one atomic rename when a build is complete and
  synced to disk. A build that fails or is killed at any moment, even with ``kill -9``, never touches it; two
  builds at once each publish a whole folder, one after the other (a lock on ``.lock`` orders them).
- ``dataset.nq``, ``build.json``, ``exports``: links through ``current``, for readers that open one file.
  Readers that need several files of one build resolve ``current`` once (:func:`current_build`).

The build just replaced is kept (a server may still be loading it); older ones are removed by the next build.
A store directory holding a plain ``dataset.nq`` (copied by hand, or written before builds had folders) is
read as one build, and turned into the new layout by the next build. Dataset files are in canonical form
(:mod:`kg.rdf.canonical`).

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
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.canonical import canonical_quads
from kg.rdf.files import fsync_dir, sha256_file
from kg.settings import current

DATASET_FILE = "dataset.nq"
BUILD_FILE = "build.json"
EXPORTS_DIR = "exports"
BUILDS_DIR = "builds"
CURRENT_LINK = "current"
LOCK_FILE = ".lock"


def resolve_store_dir(store_dir: str | os.PathLike | None = None) -> Path:
    """The store directory: ``store_dir`` if given, else the setting ``store_dir`` (``$KG_STORE_DIR``, else
    ``.kg``, relative to the current working directory)."""
    return Path(store_dir or current().store_dir)


@contextmanager
def publishing(store_dir: str | os.PathLike | None = None):
    """Yield a new, empty build folder to fill; when the block ends without error, publish it as the store's
    ``current`` build with one atomic rename and remove builds older than the one it replaces. On an error the
    folder is deleted and the published build is untouched. The store's lock is held throughout, so concurrent
    builds publish one after the other, each whole.

    :raises StoreError: if the store directory cannot be written (naming the path).
    """
    directory = resolve_store_dir(store_dir)
    builds = directory / BUILDS_DIR
    try:
        builds.mkdir(parents=True, exist_ok=True)
        lock = open(directory / LOCK_FILE, "a")
    except OSError as e:
        raise StoreError(f"cannot write the store: {e.strerror or e}", file=str(directory)) from e
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = builds / f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}-{os.urandom(3).hex()}"
        try:
            folder.mkdir()
            yield folder
            _sync_tree(folder)
            pause = current().pause_before_rename
            if pause:
                time.sleep(pause)
            previous = _publish(directory, folder)
        except BaseException as e:
            shutil.rmtree(folder, ignore_errors=True)
            if isinstance(e, OSError):
                raise StoreError(f"cannot write the build: {e.strerror or e}", file=str(folder)) from e
            raise
        _remove_old_builds(builds, keep={folder.name, previous})


def _publish(directory: Path, folder: Path) -> str | None:
    """Point ``current`` at ``folder`` by renaming a new link over it, then make sure the links through
    ``current`` exist. Returns the name of the build replaced (None if there was none)."""
    link = directory / CURRENT_LINK
    previous = os.readlink(link).rsplit("/", 1)[-1] if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a copied store: its 'current' is a real folder
        os.replace(link, directory / BUILDS_DIR / f"copied-{os.getpid()}-{os.urandom(3).hex()}")
    tmp = directory / f".{CURRENT_LINK}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(f"{BUILDS_DIR}/{folder.name}", tmp)
    os.replace(tmp, link)
    fsync_dir(directory)
    for name in sorted({DATASET_FILE, BUILD_FILE, EXPORTS_DIR, *(p.name for p in folder.iterdir())}):
        _link_through_current(directory, name, exists=(folder / name).exists())
    fsync_dir(directory)
    return previous


def _link_through_current(directory: Path, name: str, *, exists: bool) -> None:
    """Make ``directory/name`` a link to ``current/name``, replacing a plain file or folder of an older layout."""
    path, target = directory / name, f"{CURRENT_LINK}/{name}"
    if path.is_symlink() and os.readlink(path) == target or not exists and not path.exists():
        return
    if path.is_dir() and not path.is_symlink():
        os.replace(path, directory / BUILDS_DIR / f"old-{name}-{os.getpid()}")  # removed with the old builds
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _remove_old_builds(builds: Path, keep: set) -> None:
    """Delete build folders other than ``keep``: older builds and folders of builds that were killed."""
    for folder in builds.iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _sync_tree(folder: Path) -> None:
    """fsync every file and folder under ``folder``, so the build is on disk before it is published."""
    for root, _, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def write_dataset(folder: Path, data, *, canonical: bool = False) -> dict:
    """Write ``data`` (anything :func:`as_quads` accepts) as ``folder/dataset.nq``; returns its file name, sha256
    and quad count for ``build.json``. ``canonical=True`` promises ``data`` is already the output of
    :func:`canonical_quads`."""
    body = ox.serialize(data if canonical else canonical_quads(data), format=ox.RdfFormat.N_QUADS)
    (folder / DATASET_FILE).write_bytes(body)
    return {"file": DATASET_FILE, "sha256": hashlib.sha256(body).hexdigest(), "quads": body.count(b"\n")}


def write_build_info(folder: Path, metadata: dict | None, *, dataset: dict, exports: dict | None = None) -> None:
    """Write ``folder/build.json``: ``metadata`` plus ``dataset`` (from :func:`write_dataset`) and the path and
    sha256 of each file of ``exports`` (name -> path), so a reader can check the files are one build's."""
    info = dict(metadata or {}, dataset=dataset)
    if exports:
        info["exports"] = {name: {"file": Path(path).name, "sha256": sha256_file(path)}
                           for name, path in exports.items()}
    (folder / BUILD_FILE).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def save_dataset(data, store_dir: str | os.PathLike | None = None, *, metadata: dict | None = None,
                 canonical: bool = False) -> Path:
    """Publish ``data`` as a new build of the store holding only ``dataset.nq`` and ``build.json`` (with
    ``metadata`` plus the dataset's sha256 and quad count). Returns the path of the build's ``dataset.nq``.

    :raises StoreError: if the store directory or a file cannot be written.
    """
    with publishing(store_dir) as folder:
        write_build_info(folder, metadata, dataset=write_dataset(folder, data, canonical=canonical))
    return folder / DATASET_FILE


def current_build(store_dir: str | os.PathLike | None = None) -> Path:
    """The folder of the published build, resolved once: every file read from it belongs to that one build, even
    if another build is published meanwhile. A store directory with a plain ``dataset.nq`` is its own build.

    :raises StoreError: if nothing was built in that store directory yet.
    """
    directory = resolve_store_dir(store_dir)
    link = directory / CURRENT_LINK
    if link.is_dir():
        return link.resolve()
    if (directory / DATASET_FILE).is_file() and not (directory / DATASET_FILE).is_symlink():
        return directory
    raise StoreError("no built dataset here; run `kg build` first", file=str(directory / DATASET_FILE))


def dataset_path(store_dir: str | os.PathLike | None = None) -> Path:
    """Path of the published build's ``dataset.nq`` (in its build folder, so it stays that build's file).

    :raises StoreError: if nothing was built in that store directory yet.
    """
    path = current_build(store_dir) / DATASET_FILE
    if not path.is_file():
        raise StoreError("no built dataset here; run `kg build` first", file=str(path))
    return path


def read_dataset(store_dir: str | os.PathLike | None = None) -> list[ox.Quad]:
    """Every quad of the published build's ``dataset.nq``.

    :raises StoreError: if nothing was built, or the file is damaged (one line naming the file and the line).
    """
    path = dataset_path(store_dir)
    try:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as e:
        position = getattr(e, "lineno", None)
        raise StoreError(f"damaged dataset, rebuild it with `kg build`: {e.msg if hasattr(e, 'msg') else e}",
                         file=str(path), line=position) from None
    except OSError as e:
        raise StoreError(f"cannot read the dataset: {e.strerror or e}", file=str(path)) from None


def read_build_info(store_dir: str | os.PathLike | None = None, *, build: Path | None = None) -> dict:
    """The metadata (``build.json``) of the published build, or of the build folder ``build``.

    :raises StoreError: if there is none or it is unreadable.
    """
    path = (build or current_build(store_dir)) / BUILD_FILE
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
