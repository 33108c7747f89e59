"""Serving the endpoint: Granian (a Rust HTTP server) in front, queries in a pool of killable processes.

Processes: ``kg serve`` runs Granian's main process, which binds the socket and (for an in-memory store) loads
the store once; it forks the *front* workers. In a front, Rust accepts connections and reads requests, so an
idle, slow or half-sent connection holds no Python thread; a Python thread runs the WSGI app only once a whole
request is in, and keep-alive works. The app hands every request that touches the store to the front's
:class:`kg.web.pool.QueryPool`, whose processes it kills on timeout (503) and which are capped in memory.
docs/architecture.md gives the measured reasons for this shape.

Reload: every ``RELOAD_INTERVAL`` seconds a thread of each front stats the published dataset
(:meth:`kg.web.source.StoreSource.version`); when a new build was published, it has the pool's zygote open it,
then swaps the front's own store. Requests meanwhile are answered from the previous build, and a
build is only ever seen whole (it is published by one rename).

Shutdown: on SIGTERM or SIGINT Granian's main process first sends each front SIGUSR1, which stops its pool
(running queries are answered 503) and ends the front a second later; fronts still there after
:data:`STOP_SECONDS` are killed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

from kg.web.app import create_app, load_settings
from kg.web.handler import QueryHandler
from kg.web.pool import QueryPool, log
from kg.web.source import source_for

#: (settings, source, store, version, pool sizes, fronts started): set by :func:`serve` in the main process,
#: inherited by the forked fronts.
_SERVING: tuple | None = None
#: Seconds a front may take to stop after SIGTERM before it is killed.
STOP_SECONDS = 3


def serve(host: str = "127.0.0.1", port: int = 5000, store_dir: str | None = None, *,
          persistent_path: str | None = None, workers: int | None = None, timeout: float | None = None,
          config: dict | None = None, store=None) -> None:
    """Serve the endpoint until SIGTERM or SIGINT; print its URL once it listens.

    ``workers`` query processes run queries, shared out among the front processes (see :func:`plan`). A given
    ``store`` is served as it is, without reload.

    :raises StoreError: if nothing was built yet (and no ``store`` is given).
    """
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import MPServer

    global _SERVING
    settings = load_settings({**(config or {}), "STORE_DIR": store_dir, "STORE": persistent_path,
                              "WORKERS": workers, "TIMEOUT": timeout})
    source = source_for(settings)
    version = None
    if store is None:
        version = source.version()
        source.prepare()  # fails here with one line, not in every front
        store = source.open() if source.inheritable else None  # a RocksDB handle must not cross a fork
    else:
        source = None
    fronts, sizes = plan(settings["FRONTS"], settings["WORKERS"], os.cpu_count() or 1)
    _SERVING = (settings, source, store, version, sizes, multiprocessing.Value("i", 0))
    # The fronts must inherit the loaded store: fork, whatever this Python's default start method is.
    multiprocessing.set_start_method("fork", force=True)
    url = f"http://{host}:{port}/sparql"

    class Server(MPServer):
        def _stop_workers(self):
            # First each front stops its query pool (running queries get 503) and ends itself a second later;
            # Granian's own stop, which waits for every connection to close, then only reaps them.
            deadline = time.monotonic() + STOP_SECONDS
            for worker in self.wrks:
                worker.interrupt_by_parent = True
                try:
                    os.kill(worker.inner.pid, signal.SIGUSR1)
                except ProcessLookupError:
                    pass
            for worker in self.wrks:
                worker.join(max(0.0, deadline - time.monotonic()))
            super()._stop_workers()

    server = Server(
        "kg.web.front:front_app", address=host, port=port, interface=Interfaces.WSGI, factory=True,
        workers=fronts,
        # Python threads: one per query process, and spare ones that answer /health while all are busy
        blocking_threads=max(sizes[0] + 1, min(sizes[0] + 4, 2 * (os.cpu_count() or 1) + 1)),
        log_level="warning", respawn_failed_workers=True, workers_kill_timeout=STOP_SECONDS,
        # room for a GET query of the full request size in the request line; beyond it 431, never HTML
        http1_settings=HTTP1Settings(header_read_timeout=10_000,
                                     max_buffer_size=max(65536, settings["MAX_REQUEST_BYTES"] + 16384)),
    )
    server.on_startup(lambda: print(f"fpkg SPARQL endpoint: {url}", flush=True))
    server.serve()


def plan(fronts: int, workers: int, cpus: int) -> tuple[int, list[int]]:
    """How many fronts, and how many query processes each gets: ``workers`` in all (0: two per front), every
    front at least two (one long query never leaves a front with none free), ``fronts`` of them (0: one per CPU).

    One front's Python serves all its connections under one GIL, so on several cores two fronts answer up to
    1.5x more small queries at concurrency 8 than one (docs/architecture.md).

    >>> plan(0, 0, 2), plan(0, 3, 2), plan(0, 5, 2), plan(3, 1, 8)
    ((2, [2, 2]), (1, [3]), (2, [3, 2]), (1, [1]))
    """
    fronts = fronts or cpus
    if workers:
        fronts = max(1, min(fronts, workers // 2))
    else:
        workers = 2 * fronts
    return fronts, [workers // fronts + (i < workers % fronts) for i in range(fronts)]


def front_app():
    """The WSGI app of one front (Granian calls this in each worker process it forks)."""
    settings, source, store, version, sizes, started = _SERVING
    with started.get_lock():  # which share of the query processes is this front's (a respawned one: the next)
        size = sizes[started.value % len(sizes)]
        started.value += 1
    handler = QueryHandler(settings, store)

    def reopen() -> None:  # in the zygote
        source.prepare(fresh_process=True)
        if source.inheritable:
            handler.store = source.open()

    def after_fork() -> None:  # in each query process
        if handler.store is None:
            handler.store = source.open()

    pool = QueryPool(handler, size=size, timeout=settings["TIMEOUT"], memory_mb=settings["QUERY_MEMORY_MB"],
                     reopen=reopen if source else None, after_fork=after_fork if source else None)
    signal.signal(signal.SIGUSR1, lambda *_: _stop(pool))
    app = create_app(settings, store if store is not None else source.open(), executor=pool.run)
    if source is not None and settings["RELOAD_INTERVAL"]:
        _Watcher(app.extensions["fpkg"], pool, source, version, settings["RELOAD_INTERVAL"]).start()
    return app


def _stop(pool: QueryPool) -> None:
    """Stop the pool (running queries are answered 503), and end this front once those answers are out, rather
    than wait for idle keep-alive and half-sent connections."""
    pool.stop()
    threading.Timer(STOP_SECONDS / 3, os._exit, (0,)).start()


class _Watcher(threading.Thread):
    """Every ``interval`` seconds one stat for a newly published build; then the pool's zygote loads it and the
    front's own store is swapped. Requests meanwhile are answered from the previous build."""

    def __init__(self, state, pool: QueryPool, source, version, interval: float):
        super().__init__(name="fpkg-reload", daemon=True)
        self.state, self.pool, self.source = state, pool, source
        self.version, self.interval = version, interval

    def run(self) -> None:
        while True:
            time.sleep(self.interval)
            version = self.source.version()
            if version is not None and version != self.version:
                self.version = version  # tried once per published build, whatever the outcome
                try:
                    self.pool.reload()
                    self.state.swap(self.source.open())
                    log("serving the newly published build")
                except Exception as e:  # the previous build stays in service
                    log(f"could not load the newly published build, still serving the previous one: {e}")
