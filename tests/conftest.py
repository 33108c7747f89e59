"""Fixtures every test area shares: where the repo's real inputs are, a home and caches of this run's own."""

import os
from pathlib import Path

import pytest

from kg import settings as kg_settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory):
    """No test reads or writes the user's home: HOME, XDG_CACHE_HOME and KG_CACHE_DIR point into this run's
    temporary folder, so every run starts with an empty :mod:`kg.cache` (SHACL and HermiT really run at least
    once per input) and the servers and commands the tests start inherit the same."""
    root = tmp_path_factory.mktemp("home")
    names = {"HOME": root, "XDG_CACHE_HOME": root / ".cache", "KG_CACHE_DIR": root / ".cache" / "fpkg-tests"}
    previous = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(path) for name, path in names.items()})
    yield root
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def fresh_settings():
    """Each test starts from the environment's settings (read again), whatever an earlier test activated."""
    kg_settings.activate(None)
    yield
    kg_settings.activate(None)


@pytest.fixture
def use_settings():
    """``use_settings(name=value, ...)``: these settings in effect for the rest of the test."""
    def use(**changes):
        kg_settings.activate(kg_settings.current().replace(**changes))
        return kg_settings.current()

    return use


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    return REPO / "ontology"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return REPO / "seeds"
