"""The OWL reasoner in a forked child process, so HermiT (JVM start included) runs while SHACL validates here."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pyoxigraph as ox

from kg.errors import KgError
from kg.lifetime import die_with_parent
from kg.reason.reasoning import Reasoned


def _reason_in_child(graph, send, parent: int) -> None:
    """Child process: run the reasoner and send back the outcome (inferred triples as N-Triples) or the error."""
    os.setpgid(0, 0)  # its own process group, so the parent can stop HermiT's JVM along with it
    die_with_parent(parent)  # a killed build must not leave it blocked on a pipe nobody reads
    start = time.perf_counter()
    try:
        from kg.reason.reasoning import reason

        result = reason(graph)
        send.send(("ok", result.consistent, str(result.explanation),
                   result.inferred.serialize(format="nt", encoding="utf-8"), time.perf_counter() - start))
    except BaseException as e:  # handed to the parent, which raises it
        send.send(("error", e if isinstance(e, KgError) else KgError(f"reasoner failed: {type(e).__name__}: {e}")))
    finally:
        send.close()


class Reasoner:
    """kg.reason.reasoning.reason in a forked process, so HermiT (JVM start included) runs while SHACL validates:
    a thread would share the GIL with pySHACL for the Python half of the reasoner's work."""

    def __init__(self, graph):
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_reason_in_child, args=(graph, send, os.getpid()), daemon=True)
        self._proc.start()
        send.close()

    def outcome(self) -> Reasoned:
        """Wait for the child and return its result.

        :raises KgError: whatever the reasoner raised, or if the child died without an answer.
        """
        try:
            message = self._recv.recv()
        except EOFError:
            raise KgError(f"the reasoner process died (exit code {self._proc.exitcode})") from None
        finally:
            self._proc.join()
        if message[0] == "error":
            raise message[1]
        _, consistent, explanation, nt, seconds = message
        return Reasoned(consistent, explanation, list(ox.parse(nt, ox.RdfFormat.N_TRIPLES)), seconds)

    def cancel(self) -> None:
        """Stop the child and its JVM: the build failed before their answer mattered."""
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._proc.join()
