"""A damaged dataset file is reported in one line naming the file and the line, by every reader."""

import subprocess
import sys
from pathlib import Path

import pytest

DATASET = Path(__file__).resolve().parents[1] / "endpoint" / "fixtures" / "dataset.nq"


@pytest.fixture
def truncated(tmp_path) -> Path:
    """A store folder whose dataset.nq was cut off in the middle of a line."""
    store = tmp_path / "store"
    store.mkdir()
    body = DATASET.read_bytes()
    (store / "dataset.nq").write_bytes(body[:len(body) // 2].rstrip(b"\n")[:-3])
    return store


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["export", "--format", "nt", "-o", "out.nt"]])
def test_truncated_dataset_is_one_line_with_file_and_line(truncated, tmp_path, command):
    """`kg query` and `kg export` on a truncated dataset.nq exit 2 with one line naming the file, no traceback."""
    done = subprocess.run([sys.executable, "-m", "kg.cli", command[0], "--store-dir", str(truncated),
                           *command[1:]], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "dataset.nq" in lines[0] and "line" in lines[0], done.stderr
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr
    assert not (tmp_path / "out.nt").exists()
