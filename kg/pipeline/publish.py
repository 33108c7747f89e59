"""What goes out with every dataset: its VoID/DCAT description beside it, and its exports.

The description (:mod:`kg.rdf.describe`) is written as ``void.ttl`` into each build's folder (beside
``dataset.nq``, linked through ``current``) and into the exports folder, so every build and every export carries it. Its SPARQL endpoint is
``$KG_ENDPOINT_URL`` when set (the served copy at ``/.well-known/void`` names the endpoint it is served by).
:func:`republish` replaces the current dataset outside a build (``kg link``), bringing metadata, description
and exports along.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.describe import void_turtle
from kg.rdf.linked import read_catalogue
from kg.rdf.canonical import canonical_quads
from kg.rdf.files import atomic_write
from kg.rdf.store import (EXPORTS_DIR, publishing, read_build_info, resolve_store_dir, write_build_info,
                          write_dataset)

VOID_FILE = "void.ttl"
ENDPOINT_ENV = "KG_ENDPOINT_URL"
#: Export file names, one per format of :data:`kg.rdf.export.FORMATS`.
EXPORT_BASENAME = "fpkg"


def description(quads: list[ox.Quad], metadata: dict, store_dir) -> bytes:
    """The Turtle description of a dataset about to be published in ``store_dir``."""
    return void_turtle(quads, build=metadata, endpoint=os.environ.get(ENDPOINT_ENV) or None,
                       catalogue=read_catalogue(store_dir))


def write_description(body: bytes, *directories: Path) -> None:
    """``void.ttl`` replaced atomically in each of ``directories``."""
    for directory in directories:
        atomic_write(Path(directory) / VOID_FILE, body)


def graph_key(q: ox.Quad) -> str:
    return "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value


def republish(quads: list[ox.Quad], store_dir=None) -> None:
    """Make ``quads`` the store's dataset: ``dataset.nq``, ``build.json`` (the last build's, with the new counts
    and the catalogue of linked graphs), ``void.ttl`` and the exports.

    :raises StoreError: if nothing was built yet or a file cannot be written.
    """
    from kg.rdf.export import write_exports

    directory = resolve_store_dir(store_dir)
    metadata = read_build_info(directory)
    metadata.pop("dataset", None)
    quads = canonical_quads(quads)
    metadata["triples_per_graph"] = dict(sorted(Counter(map(graph_key, quads)).items()))
    metadata["linked"] = read_catalogue(directory)
    body = description(quads, metadata, directory)
    with publishing(directory) as folder:
        dataset = write_dataset(folder, quads, canonical=True)
        exports = write_exports(quads, folder / EXPORTS_DIR, EXPORT_BASENAME, canonical=True)
        write_description(body, folder, folder / EXPORTS_DIR)
        write_build_info(folder, metadata, dataset=dataset, exports=exports)
