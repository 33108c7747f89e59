"""A query run on this machine (``kg query``) keeps the endpoint's promises: no SERVICE call outside the allow-list,
no update, and an end: a timeout, and Ctrl-C that works even while Oxigraph is busy in Rust.

>>> sorted(service_allow({"KG_SERVICE_ALLOW": "http://a/sparql, http://b/sparql"}))
['http://a/sparql', 'http://b/sparql']
>>> run_bounded(lambda: 42, timeout=5)
42
"""

from __future__ import annotations

import os
import sys
import threading
import time

from kg.errors import QueryError
from kg.web.queryscan import UPDATE_KEYWORDS, scan_query
from kg.web.services import refuse_services

#: Seconds a query may run when neither --timeout nor KG_TIMEOUT says otherwise (the endpoint's default too).
DEFAULT_TIMEOUT = 30.0


def service_allow(environ=os.environ) -> frozenset:
    """The SERVICE endpoints queries may call: ``KG_SERVICE_ALLOW``, space or comma separated (default: none)."""
    return frozenset(environ.get("KG_SERVICE_ALLOW", "").replace(",", " ").split())


def check_query(text: str, prefixes: dict) -> None:
    """Refuse an update and any SERVICE call not allowed, before the query runs.

    :raises QueryError: saying which.
    """
    keyword = scan_query(text).first_keyword
    if keyword in UPDATE_KEYWORDS:
        raise QueryError(f"updates are not allowed ({keyword}): kg query only reads the store", rule="read-only")
    refuse_services(text, service_allow(), prefixes=prefixes)


def run_bounded(work, timeout: float | None):
    """``work()``'s value, computed in a thread this one watches: past ``timeout`` seconds (None or 0: never) or on
    Ctrl-C the process prints one line and exits (2 and 130), since a query inside Oxigraph cannot be interrupted.
    Exceptions of ``work`` are raised here."""
    box: dict = {}

    def run():
        try:
            box["value"] = work()
        except BaseException as exc:  # handed to the watching thread, which raises it
            # without its tracebacks: their frames hold Oxigraph results, which must be dropped on this thread
            cause = exc
            while cause is not None:
                cause.with_traceback(None)
                cause = cause.__cause__ or cause.__context__
            box["error"] = exc

    worker = threading.Thread(target=run, name="kg-query", daemon=True)
    worker.start()
    deadline = time.monotonic() + timeout if timeout else None
    try:
        while worker.is_alive():
            worker.join(0.05)
            if deadline is not None and worker.is_alive() and time.monotonic() > deadline:
                _leave(f"kg query: the query did not finish within {timeout:g} s (--timeout or KG_TIMEOUT) "
                       "[query-timeout]", 2)
    except KeyboardInterrupt:
        _leave("kg query: interrupted", 130)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _leave(line: str, code: int) -> None:
    """Exit now, without waiting for the worker thread (it cannot be stopped)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    os._exit(code)
