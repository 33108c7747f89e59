"""Results worth keeping between builds, stored by the hash of everything they depend on.

A rebuild that changes one article of a corpus should pay SHACL validation and HermiT for that article only, not
for all of them. Each cached result is a small file named by the sha256 of its inputs (the data's canonical
N-Triples, the shapes and ontology files, the code that computed it), so a stale entry cannot be found: any
change to an input changes the name; each entry holds the sha256 of its content, checked on every read, so a
damaged or altered entry is never used. Entries are written to a temporary name and renamed, so a build killed
mid-write leaves no torn file; the oldest entries are dropped once a kind holds :data:`MAX_ENTRIES`.

Where it lives and whether it is on are the settings ``cache_dir`` and ``cache`` (:mod:`kg.settings`):
``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/fpkg``, else ``~/.cache/fpkg``; ``KG_CACHE=0`` turns it off.

>>> import tempfile
>>> from kg.settings import current, using
>>> with using(current().replace(cache_dir=Path(tempfile.mkdtemp()))):
...     key = digest(b"some data", b"shapes v1")
...     print(get("example", key))
...     put("example", key, b"conforms")
...     print(get("example", key))
None
b'conforms'
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from kg.settings import current

#: Entries kept per kind; beyond it the least recently written are removed.
MAX_ENTRIES = 5000


def enabled() -> bool:
    """Whether caching is on (the setting ``cache``)."""
    return current().cache


def root() -> Path:
    """The cache directory (not created): the setting ``cache_dir``."""
    return current().cache_dir


def digest(*parts: bytes) -> str:
    """The sha256 of ``parts``, each length-prefixed so that no two different lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def get(kind: str, key: str) -> bytes | None:
    """The bytes stored for ``key`` under ``kind``, or None: when caching is off, the entry is missing or
    unreadable, or its content no longer matches the sha256 stored with it (a damaged or altered entry is removed
    and reported on standard error, then computed again)."""
    if not enabled():
        return None
    path = root() / kind / key
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    checksum, _, value = stored.partition(b"\n")
    if checksum != hashlib.sha256(value).hexdigest().encode():
        print(f"fpkg: cache entry {kind}/{key} does not match its checksum; ignored and removed", file=sys.stderr)
        try:
            path.unlink()
        except OSError:
            pass
        return None
    return value


def put(kind: str, key: str, value: bytes) -> None:
    """Store ``value`` for ``key`` under ``kind``, with its sha256 for :func:`get` to check. Never raises: a cache
    that cannot be written only costs time."""
    if not enabled():
        return
    directory = root() / kind
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = directory / f".{key}.{os.getpid()}"
        tmp.write_bytes(hashlib.sha256(value).hexdigest().encode() + b"\n" + value)
        os.replace(tmp, directory / key)
        _trim(directory)
    except OSError:
        pass


def _trim(directory: Path) -> None:
    """Drop the oldest entries of ``directory`` beyond :data:`MAX_ENTRIES` (checked only every 100 writes' worth)."""
    entries = list(os.scandir(directory))
    if len(entries) <= MAX_ENTRIES + 100:
        return
    entries.sort(key=lambda e: e.stat().st_mtime_ns)
    for entry in entries[:len(entries) - MAX_ENTRIES]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
