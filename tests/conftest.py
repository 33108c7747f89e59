"""Fixtures every test area shares: where the repo's real inputs are, and a result cache of this run's own."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def fresh_result_cache(tmp_path_factory):
    """Every test run starts with an empty :mod:`kg.cache`, so SHACL and HermiT really run at least once per
    input; servers the tests start inherit it."""
    previous = os.environ.get("KG_CACHE_DIR")
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    yield
    if previous is None:
        os.environ.pop("KG_CACHE_DIR", None)
    else:
        os.environ["KG_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    return REPO / "ontology"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return REPO / "seeds"
