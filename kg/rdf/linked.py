"""Graphs linked into the store by ``kg link``, as kept in the store directory: ``linked/NAME.nq`` (the graph,
in its named graph ``fpg:linked/NAME``) and ``linked/catalogue.json`` (name, graph, file, source, time, triple
count of each). Every build reads them as inputs, so linked graphs survive rebuilds.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from kg.errors import StoreError
from kg.rdf.namespaces import FPG
from kg.rdf.store import resolve_store_dir

LINKED_DIR = "linked"
CATALOGUE_FILE = "catalogue.json"


def linked_graph(name: str) -> str:
    """The IRI of the named graph that holds linked graph ``name``."""
    return f"{FPG}linked/{name}"


def read_catalogue(store_dir=None) -> list[dict]:
    """The entries of ``linked/catalogue.json`` (empty if nothing was linked).

    :raises StoreError: if the catalogue is unreadable.
    """
    path = resolve_store_dir(store_dir) / LINKED_DIR / CATALOGUE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as e:
        raise StoreError(f"unreadable catalogue of linked graphs: {e}", file=str(path)) from e


def linked_quads(store_dir=None) -> list[ox.Quad]:
    """The quads of every linked graph of the catalogue, as kept in ``linked/``.

    :raises StoreError: if a kept graph is missing or unreadable.
    """
    directory = resolve_store_dir(store_dir) / LINKED_DIR
    quads: list[ox.Quad] = []
    for entry in read_catalogue(store_dir):
        path = directory / entry["file"]
        try:
            quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        except (OSError, SyntaxError) as e:
            raise StoreError(f"cannot read linked graph {entry['name']!r}: {e}", file=str(path)) from e
    return quads


