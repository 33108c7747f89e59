"""Child processes that end with their parent, so a ``kill -9`` of a build or a server leaves nothing behind.

Linux sends the signal chosen with ``prctl(PR_SET_PDEATHSIG)`` to a process when the thread that forked it ends;
without it, an orphaned child blocked on a pipe nobody reads would live (and hold its memory) for ever.

>>> die_with_parent(expected_parent=os.getppid())
True
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent: int | None = None) -> bool:
    """Ask the kernel to SIGKILL this process when its parent ends. If the parent has already ended (this
    process was re-parented before the call, so ``os.getppid()`` differs from ``expected_parent``), end now.
    Returns False where prctl is not available (not Linux), True otherwise."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return False
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)
    return True
