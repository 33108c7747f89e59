"""Fixtures of the attack tests: a small valid article in its own folder that each test breaks one way."""

import shutil
from pathlib import Path

import pytest

ARTICLE_FIXTURES = Path(__file__).resolve().parent.parent / "article" / "fixtures"


@pytest.fixture
def article_dir(tmp_path, seeds_dir) -> Path:
    """A folder holding ``small.yaml`` (the article tests' valid fixture) and the text it annotates."""
    folder = tmp_path / "article"
    folder.mkdir()
    shutil.copy(seeds_dir / "mibae-2018-china-north-korea.txt", folder / "small.txt")
    text = (ARTICLE_FIXTURES / "valid-small.yaml").read_text(encoding="utf-8")
    text = text.replace("text: mibae-2018-china-north-korea.txt", "text: small.txt")
    assert "text: small.txt" in text
    (folder / "small.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def variant(article_dir):
    """Write ``small.yaml`` with one text replacement applied (asserting it applied); returns its path."""
    def write(old: str, new: str, name: str = "variant.yaml") -> Path:
        text = (article_dir / "small.yaml").read_text(encoding="utf-8")
        assert old in text, old
        path = article_dir / name
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path
    return write


def _endpoint_fixtures():
    """The endpoint tests' real server and canary fixtures, loaded from their conftest (not importable by name)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "endpoint" / "conftest.py"
    spec = importlib.util.spec_from_file_location("endpoint_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_endpoint = _endpoint_fixtures()
Canary, canary, endpoint, sparql = _endpoint.Canary, _endpoint.canary, _endpoint.endpoint, _endpoint.sparql
ENDPOINT_DATASET = _endpoint.HERE / "fixtures" / "dataset.nq"
