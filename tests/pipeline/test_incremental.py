"""Corpus builds: articles loaded and validated in worker processes, SHACL verdicts reused for unchanged articles."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import InvalidDataError, ShapeViolation
from kg.pipeline.builder import build
from kg.pipeline.prepare import LOADING_CODE

from .conftest import REPO

OUTPUTS = ["dataset.nq", "exports/fpkg.ttl", "exports/fpkg.trig", "exports/fpkg.jsonld", "exports/fpkg.nt"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """Three synthetic articles (text and annotation) from the benchmark generator, made once. (Not with the
    seed: the generator's world makes Singapore a city, the article a state, and HermiT rightly refuses both.)"""
    out = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--articles", "3", "--mode", "yaml",
                    "--out", str(out)], check=True, capture_output=True, timeout=120)
    return out / "10k" / "articles"


@pytest.fixture
def corpus(generated, tmp_path) -> list[Path]:
    """The three synthetic articles, copied where a test may edit them."""
    target = tmp_path / "corpus"
    target.mkdir()
    for source in generated.iterdir():
        shutil.copy(source, target / source.name)
    return sorted(target.glob("*.yaml"))


@pytest.fixture
def cache_dir(tmp_path, use_settings) -> Path:
    """An empty result cache for this test alone."""
    use_settings(cache_dir=tmp_path / "cache", cache=True)
    return tmp_path / "cache"


def build_logged(paths, store: Path, **kwargs) -> dict[str, str]:
    """Build and return each stage's progress detail by stage name."""
    details: dict[str, str] = {}
    build(paths, store_dir=store, progress=lambda stage, seconds, detail: details.update({stage: detail}), **kwargs)
    return details


def outputs(store: Path) -> dict[str, bytes]:
    return {name: (store / name).read_bytes() for name in OUTPUTS}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_parallel_build_equals_serial_build_byte_for_byte(corpus, cache_dir, tmp_path):
    """Three articles built in two worker processes give the same dataset and exports as built in one process."""
    serial = build_logged(corpus, tmp_path / "serial", jobs=1)
    parallel = build_logged(corpus, tmp_path / "parallel", jobs=2)
    assert "shacl" in serial and "load+shacl" in parallel
    assert "3 articles in 2 processes" in parallel["load+shacl"]
    assert outputs(tmp_path / "serial") == outputs(tmp_path / "parallel")


def test_unchanged_rebuild_reuses_every_verdict_with_identical_output(corpus, cache_dir, tmp_path):
    """A rebuild of unchanged articles takes all SHACL verdicts from the cache and writes the same bytes."""
    first = build_logged(corpus, tmp_path / "first", jobs=2)
    again = build_logged(corpus, tmp_path / "again", jobs=2)
    assert "from the cache" not in first["load+shacl"]
    assert again["load+shacl"].endswith("conforms (3 of 3 verdicts from the cache)")
    assert outputs(tmp_path / "first") == outputs(tmp_path / "again")


def test_editing_one_article_revalidates_that_article_only(corpus, cache_dir, tmp_path):
    """After one article's annotation changes, the rebuild validates that article and reuses the others' verdicts."""
    build_logged(corpus, tmp_path / "store", jobs=2)
    edit(corpus[-1], "statement: ", "statement: Reportedly, ")
    assert "(2 of 3 verdicts from the cache)" in build_logged(corpus, tmp_path / "store", jobs=2)["load+shacl"]


def test_editing_an_article_text_reloads_that_article(corpus, cache_dir, tmp_path):
    """A change to an article's text alone (its annotation untouched) is seen: that article is loaded and validated
    again and the new words reach the store."""
    build_logged(corpus, tmp_path / "store", jobs=2)
    text = corpus[1].with_suffix(".txt")
    text.write_text(text.read_text(encoding="utf-8") + "\nA closing remark nobody annotated.\n", encoding="utf-8")
    assert "(2 of 3 verdicts from the cache)" in build_logged(corpus, tmp_path / "store", jobs=2)["load+shacl"]
    assert b"A closing remark nobody annotated." in (tmp_path / "store" / "dataset.nq").read_bytes()


def test_cached_articles_depend_on_all_the_loading_code():
    """Every kg module the loader imports is among those whose source keys the cache of loaded articles."""
    code = "import sys, kg.annotate.loader; print(*sorted(n for n, m in sys.modules.items() if not hasattr(m, '__path__')))"
    r = subprocess.run([sys.executable, "-c", code],
                       cwd=REPO, capture_output=True, text=True, check=True)
    imported = {m.split(".", 1)[1] for m in r.stdout.split() if m.startswith("kg.")}
    assert imported and imported <= set(LOADING_CODE)


def test_no_cache_validates_everything(corpus, cache_dir, tmp_path, use_settings):
    """With the cache off (KG_CACHE=0) nothing is read from or written to the cache."""
    use_settings(cache=False)
    build_logged(corpus, tmp_path / "store", jobs=2)
    assert "from the cache" not in build_logged(corpus, tmp_path / "store", jobs=2)["load+shacl"]
    assert not cache_dir.exists()


def test_annotation_errors_from_workers_name_each_file_and_line(corpus, cache_dir, tmp_path):
    """Errors found in worker processes come back with their file and line, every broken file listed."""
    quote_file, holder_file = corpus[1], corpus[2]
    quote = next(line for line in quote_file.read_text().splitlines() if line.strip().startswith("quote:"))
    edit(quote_file, quote, quote.split(":")[0] + ": words that are not in the article")
    holder = next(line for line in holder_file.read_text().splitlines() if line.strip().startswith("view:"))
    edit(holder_file, holder, holder.split(":")[0] + ": no-such-entity")
    with pytest.raises(InvalidDataError) as caught:
        build(corpus, store_dir=tmp_path / "store", jobs=2)
    lines = [str(v) for v in caught.value.violations]
    assert any(line.startswith(f"{quote_file}:") and "[quote-occurs]" in line for line in lines), lines
    assert any(line.startswith(f"{holder_file}:") and "[unknown-entity]" in line for line in lines), lines
    assert not (tmp_path / "store").exists()


def test_a_violating_article_is_refused_on_every_build(corpus, cache_dir, tmp_path):
    """A SHACL violation found in a worker names the annotation line, and is found again on the next build: only
    conforming verdicts are cached."""
    rank = "  - [concern-1-1, concernRank, 1]\n"
    edit(corpus[0], rank, rank + "  - [concern-1-1, concernRank, 7]\n")
    messages = []
    for _ in range(2):
        with pytest.raises(ShapeViolation) as caught:
            build(corpus, store_dir=tmp_path / "store", jobs=2)
        messages.append([str(v) for v in caught.value.violations])
    assert messages[0] == messages[1]
    assert messages[0] and all(m.startswith(f"{corpus[0]}:") and "[fp:ConcernShape]" in m for m in messages[0])
