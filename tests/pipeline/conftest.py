"""Fixtures of the pipeline tests: a store built from a small hand-written dataset, and a runner for `kg`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.rdf.store import save_dataset

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def sample_quads() -> list[ox.Quad]:
    return list(ox.parse(path=str(FIXTURES / "sample.trig")))


@pytest.fixture
def sample_store(tmp_path) -> Path:
    """A store directory holding the sample dataset, as `kg build` would leave it."""
    store = tmp_path / "store"
    save_dataset(sample_quads(), store, metadata={"inputs": []})
    return store


def run_kg(*args: str, store: Path | None = None, cwd: Path | None = None, env: dict | None = None,
           input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m kg.cli ARGS` as a real process; KG_STORE_DIR points at ``store`` when given."""
    full_env = {k: v for k, v in os.environ.items() if k != "KG_STORE_DIR"}
    full_env["PYTHONPATH"] = str(REPO)
    if store is not None:
        full_env["KG_STORE_DIR"] = str(store)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], cwd=cwd or REPO, env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


def rdflib_dataset(data) -> rdflib.Dataset:
    """``data`` (pyoxigraph quads, or an rdflib Dataset) as an rdflib Dataset, through N-Quads text: the oracle
    the round-trip tests compare with, independent of the project's own canonicalization and writers."""
    if isinstance(data, rdflib.Dataset):
        return data
    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(list(data), format=ox.RdfFormat.N_QUADS), format="nquads")
    return dataset


def _graphs(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def same_dataset(a, b) -> bool:
    """Whether ``a`` and ``b`` hold the same named graphs, each isomorphic (rdflib.compare: blank nodes up to
    renaming)."""
    ga, gb = _graphs(rdflib_dataset(a)), _graphs(rdflib_dataset(b))
    return ga.keys() == gb.keys() and all(isomorphic(ga[name], gb[name]) for name in ga)


def same_union(a, b) -> bool:
    """Whether the union graphs of ``a`` and ``b`` (every graph's triples, once) are isomorphic."""
    def union(data) -> rdflib.Graph:
        graph = rdflib.Graph()
        for s, p, o, _ in rdflib_dataset(data).quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph

    return isomorphic(union(a), union(b))
