"""Where the endpoint's queries get their store, and how the server notices a new build.

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

import pyoxigraph as ox


class StoreSource:
    """The built dataset of ``store_dir``: loaded into memory, or opened read-only from the on-disk database at
    ``persistent_path`` (see :func:`kg.rdf.store.open_store`).

    ``inheritable`` says whether a store opened here may be used by processes forked afterwards: an in-memory
    store may (its pages are shared copy-on-write), a RocksDB handle may not, so forked processes open their own.
    """

    def __init__(self, store_dir=None, persistent_path=None):
        self.store_dir = store_dir
        self.persistent_path = persistent_path
        self.inheritable = persistent_path is None

    def open(self) -> ox.Store:
        """A store holding the current build.

        :raises StoreError: if nothing was built, or it cannot be read (one line naming the path).
        """
        from kg.rdf.store import open_store

        return open_store(self.store_dir, persistent_path=self.persistent_path)

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
