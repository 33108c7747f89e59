"""Fixtures of the pipeline tests: a store built from a small hand-written dataset, and a runner for `kg`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

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
