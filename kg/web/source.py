"""Where the endpoint's queries get their store, and how the server notices a new build.

:func:`source_for` picks the source the settings name: the built dataset (:class:`StoreSource`), or a remote
SPARQL 1.1 store when ``STORE`` is a URL (:class:`RemoteSource`, ``kg serve --store URL``).

:class:`StoreSource` is the one seam between the web layer and the data: :meth:`StoreSource.open` gives an object
with pyoxigraph's ``Store.query`` (and ``quads_for_pattern``, ``contains_named_graph``) and
:meth:`StoreSource.version` tells cheaply whether the build behind it changed. Another backend (a remote SPARQL
store) is another class with these three members.

A build publishes its dataset by one atomic rename (a new ``dataset.nq``, or a new build folder behind a
``current`` link), so the file named by :func:`kg.rdf.store.dataset_path` is always one whole build: its
(device, inode, mtime, size) changes exactly when a new build is published.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pyoxigraph as ox


def source_for(settings: dict):
    """The source of the endpoint's settings: a :class:`RemoteSource` when ``STORE`` is a URL, else a
    :class:`StoreSource` of ``STORE_DIR`` (and of the on-disk database ``STORE``, if set)."""
    from kg.rdf.remote import is_remote

    if is_remote(settings["STORE"]):
        return RemoteSource(settings["STORE"], settings["TIMEOUT"])
    return StoreSource(settings["STORE_DIR"], settings["STORE"])


class StoreSource:
    """The built dataset of ``store_dir``: loaded into memory, or opened read-only from the on-disk database at
    ``persistent_path`` (see :func:`kg.rdf.store.open_store`) once :meth:`prepare` brought it up to date.

    ``inheritable`` says whether a store opened here may be used by processes forked afterwards: an in-memory
    store may (its pages are shared copy-on-write), a RocksDB handle may not, so forked processes open their own.
    """

    def __init__(self, store_dir=None, persistent_path=None):
        self.store_dir = store_dir
        self.persistent_path = persistent_path
        self.inheritable = persistent_path is None

    def prepare(self, *, fresh_process: bool = False) -> None:
        """Bring the on-disk database up to date with the published build (nothing to do in memory).

        RocksDB writes with background threads, which a process forked from one that used RocksDB lacks, so a
        forked process (``fresh_process``) has a new interpreter do it.

        :raises StoreError: if it cannot be brought up to date (one line naming the path).
        """
        from kg.errors import StoreError
        from kg.rdf.store import open_store

        if self.persistent_path is None:
            return
        if not fresh_process:
            open_store(self.store_dir, persistent_path=self.persistent_path)  # the handle closes when dropped
            return
        code = "import sys; from kg.rdf.store import open_store; open_store(sys.argv[1], persistent_path=sys.argv[2])"
        done = subprocess.run([sys.executable, "-c", code, str(self.store_dir or ""), str(self.persistent_path)],
                              capture_output=True, text=True)
        if done.returncode:
            last = (done.stderr.strip().splitlines() or ["exit code %d" % done.returncode])[-1]
            raise StoreError(f"cannot update the on-disk database: {last}", file=str(self.persistent_path))

    def open(self) -> ox.Store:
        """A store holding the current build: loaded into memory, or the on-disk database that
        :meth:`prepare` made current, opened read-only.

        :raises StoreError: if nothing was built, or it cannot be read (one line naming the path).
        """
        from kg.errors import StoreError
        from kg.rdf.store import open_store

        if self.persistent_path is None:
            return open_store(self.store_dir)
        current = os.path.join(self.persistent_path, "current")
        try:
            return ox.Store.read_only(current)
        except OSError as e:
            raise StoreError(f"cannot open the on-disk database: {e}", file=current) from e

    def version(self) -> tuple | None:
        """An identity of the published build that changes whenever a new one is published (None: none yet).

        One ``stat`` through the store's links: cheap enough to call every few hundred milliseconds.
        """
        from kg.errors import StoreError
        from kg.rdf.store import dataset_path

        try:
            st = os.stat(dataset_path(self.store_dir))
        except (OSError, StoreError):  # nothing built (any more): nothing to reload
            return None
        return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size


class RemoteSource:
    """A remote SPARQL 1.1 store at ``url`` (its query endpoint), fronted by the endpoint: queries are forwarded
    with the endpoint's limits, and the query pool's timeout stops them. There is nothing to reload: the remote
    store changes when it is written to (``kg push``)."""

    inheritable = True  # a RemoteStore holds only its URL and settings: forked processes may share it

    def __init__(self, url: str, timeout: float):
        self.url = url
        self.timeout = timeout

    def prepare(self, *, fresh_process: bool = False) -> None:
        """Nothing to bring up to date: the remote store is queried as it is."""

    def open(self):
        from kg.rdf.remote import RemoteStore

        # The pool's timeout answers 503 first; the connection's, a little longer, only frees a process whose
        # store never answers.
        return RemoteStore(self.url, timeout=self.timeout + 2)

    def version(self) -> None:
        return None
