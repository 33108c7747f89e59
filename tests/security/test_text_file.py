"""`document.text` names a regular file inside the annotation's folder and nothing else: no secrets, no devices."""

import os
import subprocess
import sys
import threading

import pytest

from kg.annotate.loader import load_article
from kg.annotate.sourcefile import read_inside
from kg.errors import AnnotationError, LoadError

SECRET = "fpkg-canary-secret-4711"


def _text_line(path) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.strip().startswith("text:"))


@pytest.mark.parametrize("named", ["../outside.txt", "sub/../../outside.txt", "/etc/passwd",
                                   "/proc/self/environ", "/dev/zero"])
def test_paths_leaving_the_folder_are_refused(variant, article_dir, named):
    """An absolute path or one with '..' is refused at read time with the file and the 'text' line."""
    (article_dir.parent / "outside.txt").write_text(SECRET)
    path = variant("text: small.txt", f"text: {named}")
    with pytest.raises(AnnotationError) as caught:
        load_article(path)
    assert (caught.value.file, caught.value.line) == (str(path), _text_line(path))
    assert caught.value.rule == "text-inside-folder" and "\n" not in str(caught.value)


@pytest.mark.parametrize("target", ["/proc/self/environ", "/etc/passwd", "../outside.txt", "small.txt"])
def test_symbolic_links_are_not_followed(variant, article_dir, target, monkeypatch):
    """A link in the folder is refused, whether it leads to the environment, a system file, outside or inside."""
    monkeypatch.setenv("FPKG_TEST_SECRET", SECRET)
    (article_dir.parent / "outside.txt").write_text(SECRET)
    os.symlink(target, article_dir / "link.txt")
    path = variant("text: small.txt", "text: link.txt")
    with pytest.raises(LoadError) as caught:
        load_article(path)
    assert (caught.value.file, caught.value.line) == (str(path), _text_line(path))
    assert "symbolic link" in caught.value.message and SECRET not in str(caught.value)


def test_a_linked_folder_on_the_way_is_refused(variant, article_dir):
    """A folder on the path that is a link out of the annotation's folder is refused too."""
    outside = article_dir.parent / "elsewhere"
    outside.mkdir()
    (outside / "small.txt").write_text(SECRET)
    os.symlink(outside, article_dir / "texts")
    path = variant("text: small.txt", "text: texts/small.txt")
    with pytest.raises(LoadError, match="symbolic link"):
        load_article(path)


def test_a_real_subfolder_is_fine(variant, article_dir):
    """A text in a real subfolder of the annotation's folder still loads."""
    (article_dir / "texts").mkdir()
    os.rename(article_dir / "small.txt", article_dir / "texts" / "small.txt")
    assert load_article(variant("text: small.txt", "text: texts/small.txt")).text == (article_dir / "texts" / "small.txt").read_text(encoding="utf-8")


def test_a_fifo_does_not_hang(variant, article_dir):
    """A FIFO named as the text is refused at once (nobody ever writes to it)."""
    os.mkfifo(article_dir / "pipe.txt")
    path = variant("text: small.txt", "text: pipe.txt")
    result = {}
    worker = threading.Thread(target=lambda: result.update(error=_error_of(path)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "reading the FIFO blocked"
    assert "not a regular file" in str(result["error"])


def _error_of(path):
    try:
        load_article(path)
    except LoadError as exc:
        return exc
    return None


def test_size_cap(article_dir):
    """A file over the cap is refused after reading at most the cap plus one byte."""
    (article_dir / "big.txt").write_bytes(b"x" * 2048)
    with pytest.raises(LoadError, match="larger than 1024 bytes") as caught:
        read_inside(article_dir, "big.txt", file="a.yaml", line=3, limit=1024)
    assert str(caught.value).startswith("a.yaml:3: ")


def test_environment_never_reaches_the_build(variant, article_dir, tmp_path):
    """`kg build` on an annotation pointing at /proc/self/environ fails with one line and stores no secret."""
    path = variant("text: small.txt", "text: /proc/self/environ")
    store = tmp_path / "store"
    env = {**os.environ, "FPKG_TEST_SECRET": SECRET}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(path), "--store-dir", str(store)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 1, done.stderr
    assert "text-inside-folder" in done.stderr and SECRET not in done.stderr + done.stdout
    found = [p for p in store.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()] if store.exists() else []
    assert found == []
