"""Files written so that a reader, or a crash, sees the old content or the new one, never a torn file.

Every file is written to a temporary file in the same directory, flushed to disk and renamed over the old one
(``os.replace`` is atomic on POSIX), then the directory is synced, so a process killed at any moment, even with
``kill -9``, leaves the previous file whole and readable.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kg.errors import StoreError

#: Test hook, the environment variable of the setting ``pause_before_rename``: seconds :func:`kg.rdf.store.publishing`
#: sleeps once a build's folder is complete and synced, before ``current`` is renamed to it, so the crash-safety
#: tests can ``kill -9`` a real build in the worst possible moment.
PAUSE_ENV = "KG_PAUSE_BEFORE_RENAME"


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` by ``data`` so that a reader, or a crash, sees either the old file or the new one.

    :raises StoreError: if the file cannot be written (naming the path).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(path)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write {path}: {e.strerror or e}", file=str(path)) from e


def fsync_dir(directory: Path) -> None:
    """Sync ``directory``: the rename itself must reach the disk, or a power cut could bring the old name back."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary files of ``path`` left by writers that were killed (their process is gone)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:-4]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sha256_file(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
