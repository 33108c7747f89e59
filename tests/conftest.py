"""Fixtures every test area shares: where the repo's real inputs are."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    return REPO / "ontology"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return REPO / "seeds"
