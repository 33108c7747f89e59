"""The one settings object: every knob of fpkg, read once from the environment at the boundary (the ``kg``
command, the server, or the first library call) and then passed down or looked up with :func:`current`.

Locations are explicit and relative to the current working directory unless given absolute: annotations are read
from ``./seeds`` and the store is written to ``./.kg``, never into the installed package or its source tree.

==========================  =====================================  ===============================================
setting                     environment                            default
==========================  =====================================  ===============================================
``seeds_dir``               ``KG_SEEDS_DIR``                       ``seeds`` (annotation files ``*.yaml``)
``store_dir``               ``KG_STORE_DIR``                       ``.kg`` (dataset, build metadata, exports)
``store``                   ``KG_STORE``                           none: queries run in memory
``cache``                   ``KG_CACHE`` (``0`` turns it off)      on
``cache_dir``               ``KG_CACHE_DIR``                       ``$XDG_CACHE_HOME/fpkg``, else ``~/.cache/fpkg``
``hermit_cds``              ``KG_HERMIT_CDS`` (``0`` off)          on: HermiT's JVM class archive (off with ``KG_CACHE=0``)
``hermit_cds_dir``          ``KG_HERMIT_CDS_DIR``                  ``<cache_dir>/hermit-cds``
``jobs``                    ``KG_JOBS``                            one process per CPU
``reasoner``                ``KG_REASONER``                        ``auto``
``host``, ``port``          ``KG_HOST``, ``KG_PORT``               ``127.0.0.1``, ``5000``
``workers``                 ``KG_WORKERS``                         0: two query processes per front
``fronts``                  ``KG_FRONTS``                          0: one HTTP front per CPU (at most workers / 2)
``timeout``                 ``KG_TIMEOUT``                         30 seconds per query
``query_memory_mb``         ``KG_QUERY_MEMORY_MB``                 2048 (0: no cap) per query process
``reload_interval``         ``KG_RELOAD_INTERVAL``                 1 second between checks for a new build
``max_rows``                ``KG_MAX_ROWS``                        10000
``max_request_bytes``       ``KG_MAX_REQUEST_BYTES``               65536
``service_allow``           ``KG_SERVICE_ALLOW``                   none (SERVICE calls refused)
``cors_origin``             ``KG_CORS_ORIGIN`` (empty: CORS off)   ``*``
``public_base``             ``KG_PUBLIC_BASE``                     the project's ``https://w3id.org/fpkg/``
``debug``                   ``KG_DEBUG``                           off: errors without a traceback
==========================  =====================================  ===============================================

A variable set to the empty string counts as set: ``KG_CORS_ORIGIN=`` turns CORS off; for the others it means
the default.

>>> s = Settings.from_env({"KG_CORS_ORIGIN": "", "KG_TIMEOUT": "2.5", "KG_SERVICE_ALLOW": "http://a, http://b"})
>>> s.cors_origin, s.timeout, s.service_allow, s.store_dir
('', 2.5, ('http://a', 'http://b'), PosixPath('.kg'))
>>> with using(s.replace(max_rows=3)):
...     current().max_rows
3
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import UsageError

REASONERS = ("auto", "hermit", "rules")


def _default_cache_root(environ: Mapping[str, str]) -> Path:
    xdg = environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path(environ.get("HOME") or Path.home()) / ".cache") / "fpkg"


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default; make one with :meth:`from_env` or :meth:`replace`."""

    seeds_dir: Path = Path("seeds")
    store_dir: Path = Path(".kg")
    store: Path | None = None
    cache: bool = True
    cache_dir: Path = dataclasses.field(default_factory=lambda: _default_cache_root(os.environ))
    hermit_cds: bool = True
    #: Where HermiT's JVM class archives live (None: ``cache_dir/hermit-cds``). They are executed, so they are
    #: governed like the cache: the same folder, and off when the cache is off.
    hermit_cds_dir: Path | None = None
    jobs: int | None = None
    reasoner: str = "auto"
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0
    fronts: int = 0
    timeout: float = 30.0
    query_memory_mb: int = 2048
    reload_interval: float = 1.0
    max_rows: int = 10000
    max_request_bytes: int = 65536
    service_allow: tuple[str, ...] = ()
    cors_origin: str = "*"
    #: The IRI base this server answers for (pages at its own paths); None: the project's base.
    public_base: str | None = None
    debug: bool = False
    #: Seconds to wait between writing a store file and renaming it into place: lets a test kill a build there.
    pause_before_rename: float = 0.0

    def replace(self, **changes) -> Settings:
        """A copy with ``changes``; a change given as None keeps the current value (an option not given)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``environ`` (default: the process environment): ``KG_<NAME>`` for each field.

        :raises UsageError: if a value is not of its setting's kind (one line naming the variable).
        """
        env = os.environ if environ is None else environ
        values: dict = {"cache_dir": _default_cache_root(env)}
        for f in dataclasses.fields(cls):
            name = f"KG_{f.name.upper()}"
            raw = env.get(name)
            if raw is None or (raw == "" and f.name != "cors_origin"):
                continue
            values[f.name] = _convert(name, f.name, raw)
        if values.get("cache") is False and "KG_HERMIT_CDS" not in env:
            values["hermit_cds"] = False  # the class archive is executed: no cache means none of it either
        settings = cls(**values)
        if settings.reasoner not in REASONERS:
            raise UsageError(f"KG_REASONER={settings.reasoner!r}: expected one of {', '.join(REASONERS)}")
        return settings


_KINDS = {"seeds_dir": Path, "store_dir": Path, "store": Path, "cache_dir": Path, "hermit_cds_dir": Path,
          "jobs": int, "port": int, "workers": int, "fronts": int, "timeout": float, "query_memory_mb": int,
          "reload_interval": float, "max_rows": int, "max_request_bytes": int, "pause_before_rename": float}
_SWITCHES = ("cache", "hermit_cds", "debug")


def _convert(variable: str, field: str, raw: str):
    if field in _SWITCHES:
        return raw.strip().lower() not in ("0", "false", "no", "off")
    if field == "service_allow":
        return tuple(raw.replace(",", " ").split())
    if field == "reasoner":
        return raw.strip().lower()
    kind = _KINDS.get(field, str)
    try:
        return kind(raw)
    except ValueError:
        raise UsageError(f"{variable}={raw!r} is not a{'n integer' if kind is int else ' number'}") from None


_active: Settings | None = None


def current() -> Settings:
    """The settings in effect: those :func:`activate` installed, else the environment's, read once."""
    global _active
    if _active is None:
        _active = Settings.from_env()
    return _active


def activate(settings: Settings | None) -> None:
    """Make ``settings`` the ones in effect in this process (and in processes it forks); None: read the
    environment again at the next :func:`current`."""
    global _active
    _active = settings


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """``settings`` in effect inside the ``with`` block, the previous ones restored after it."""
    global _active
    previous = _active
    _active = settings
    try:
        yield settings
    finally:
        _active = previous
