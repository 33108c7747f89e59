"""Fixtures of the article tests: the seed annotation loaded once, and the broken-annotation fixtures."""

from pathlib import Path

import pytest

from kg.annotate.loader import load_article

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_NAME = "mibae-2018-china-north-korea"


@pytest.fixture(scope="session")
def seed_annotation(seeds_dir) -> Path:
    return seeds_dir / f"{SEED_NAME}.yaml"


@pytest.fixture(scope="session")
def seed_text_path(seeds_dir) -> Path:
    return seeds_dir / f"{SEED_NAME}.txt"


@pytest.fixture(scope="session")
def article(seed_annotation):
    return load_article(seed_annotation)


@pytest.fixture(scope="session")
def union(article):
    return article.union()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def line_of():
    """1-based number of the first line of a file containing ``needle``, found independently of the loader."""
    def find(path: Path, needle: str) -> int:
        for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
            if needle.encode("utf-8") in line:
                return number
        raise AssertionError(f"{needle!r} not in {path}")
    return find
