"""Queries in processes the server can stop: a pool of forked query processes with a deadline and a memory cap.

pyoxigraph cannot cancel a running query, and a query whose memory grows without bound takes its whole process
down (Rust aborts when an allocation fails). So the front process, which holds the client connections, never runs
a query; it hands each one to a query process and can kill that process without losing anything else.

- When the pool is made, the front forks a *zygote* while it still has a single thread. The zygote holds the
  store, never runs a query and never starts a thread; it forks the query processes, so every fork happens in a
  single-threaded process and an in-memory store is shared copy-on-write, not copied.
- A query process serves one request at a time over its own socket pair. Its address space is capped
  (``RLIMIT_AS``: its size at the fork plus ``memory_mb``), it writes no core dumps, ignores SIGINT (a terminal's
  Ctrl-C is the front's business) and dies with the zygote, which dies with the front (``PR_SET_PDEATHSIG``).
- :meth:`QueryPool.run` takes an idle process (or waits for one), sends the request and waits for the answer
  until the deadline. Past it the process is killed and the client gets 503; a process that ends without an
  answer (over its memory cap) gets the client a 503 as well. Either way a fresh process is forked at once.
- :meth:`QueryPool.reload` has the zygote open the store anew; processes forked before are retired when idle.

Requests and answers are pickled, each framed by its 8-byte length.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import socket
import struct
import sys
import threading

from kg.lifetime import die_with_parent

_HEADER = struct.Struct("!Q")
_TEXT = [("Content-Type", "text/plain; charset=utf-8")]
_STOPPING = ("503 Service Unavailable", _TEXT, b"the server is shutting down; the query was not run or was stopped\n")


class PoolStopped(Exception):
    """The server is shutting down: no query is started any more."""


def log(line: str) -> None:
    """One line on the server's standard error."""
    print(f"fpkg: {line}", file=sys.stderr, flush=True)


def _send(sock: socket.socket, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv(sock: socket.socket):
    """The next message, or None if the other side closed the connection.

    Request and answer alternate, so nothing follows a message: one ``recv`` usually reads all of it.
    """
    data = sock.recv(65536)
    if len(data) < _HEADER.size:
        data += _recv_rest(sock, _HEADER.size - len(data)) if data else b""
        if len(data) < _HEADER.size:
            return None
    size = _HEADER.unpack_from(data)[0] + _HEADER.size
    if len(data) < size:
        data += _recv_rest(sock, size - len(data))
        if len(data) < size:
            return None
    return pickle.loads(memoryview(data)[_HEADER.size:])


def _recv_rest(sock: socket.socket, size: int) -> bytes:
    buf = bytearray(size)
    view, got = memoryview(buf), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            break
        got += n
    return bytes(view[:got])


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


# --- inside the zygote and the query processes ------------------------------------------------------------------

def _zygote(ctrl: socket.socket, handler, reopen, after_fork, memory_mb: int, parent: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1):  # not the handlers inherited from the front
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps ended query processes
    die_with_parent()
    if os.getppid() != parent:
        os._exit(0)
    while True:
        try:
            command = ctrl.recv(64)
        except OSError:
            command = b""
        if command == b"spawn":
            mine, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:
                ctrl.close()
                mine.close()
                _query_process(theirs, handler, after_fork, memory_mb, os.getppid())
            theirs.close()
            socket.send_fds(ctrl, [_HEADER.pack(pid)], [mine.fileno()])
            mine.close()
        elif command == b"reload":
            try:
                reopen()
                ctrl.send(b"ok")
            except Exception as e:  # the old store stays in use; the front logs the reason
                ctrl.send(f"{type(e).__name__}: {e}".encode()[:4000])
        else:  # the front closed the control socket, or is gone
            os._exit(0)


def _query_process(sock: socket.socket, handler, after_fork, memory_mb: int, parent: int) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    die_with_parent()
    if os.getppid() != parent:
        os._exit(0)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _quiet_native_stderr()
    if memory_mb:
        cap = _vm_size() + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        if after_fork is not None:
            after_fork()
        while (request := _recv(sock)) is not None:
            try:
                answer = handler(request)
            except MemoryError:
                answer = ("503 Service Unavailable", _TEXT, memory_message(memory_mb).encode())
            _send(sock, answer)
    except (OSError, EOFError):
        pass  # the front went away
    except BaseException as e:  # never a traceback: one line, and the front answers 503
        log(f"query process {os.getpid()} failed: {type(e).__name__}: {e}")
    os._exit(0)


def _quiet_native_stderr() -> None:
    """Send what native code writes to standard error (Rust's multi-line report of a failed allocation) nowhere;
    this module's own one-line messages still reach the log through a copy of the descriptor."""
    sys.stderr = open(os.dup(2), "w", buffering=1, closefd=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def memory_message(memory_mb: int) -> str:
    return (f"the query was stopped: it needed more than the {memory_mb} MB a query may use (KG_QUERY_MEMORY_MB); "
            "narrow it or add LIMIT\n")


# --- in the front ---------------------------------------------------------------------------------------------------

class _Process:
    __slots__ = ("pid", "sock", "generation")

    def __init__(self, pid: int, sock: socket.socket, generation: int):
        self.pid, self.sock, self.generation = pid, sock, generation

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.sock.close()


class QueryPool:
    """``size`` query processes running ``handler(request) -> answer`` (see the module docstring).

    ``reopen()`` runs in the zygote on :meth:`reload`; ``after_fork()`` in each new query process (to open what
    must not cross a fork, such as a RocksDB handle). Answers are ``(status, headers, body)`` tuples, or whatever
    ``handler`` returns.
    """

    def __init__(self, handler, *, size: int, timeout: float, memory_mb: int = 0, reopen=None, after_fork=None):
        self.size, self.timeout, self.memory_mb = size, timeout, memory_mb
        self.generation = 0
        self._idle: list[_Process] = []
        self._all: set[_Process] = set()
        self._starting = 0
        self._cond = threading.Condition()
        self._ctrl_lock = threading.Lock()
        self._stopping = False
        self._ctrl, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            self._ctrl.close()
            _zygote(theirs, handler, reopen or (lambda: None), after_fork, memory_mb, parent)
        theirs.close()
        self.zygote_pid = pid
        for _ in range(size):
            self._starting += 1
            self._add(self._spawn())

    def run(self, request):
        """The answer of a query process to ``request``; a 503 answer if it timed out or its process ended.

        Once :meth:`stop` was called the answer is 503 too.
        """
        try:
            proc = self._checkout()
        except PoolStopped:
            return _STOPPING
        try:
            _send(proc.sock, request)
            answer = _recv(proc.sock)  # the socket's timeout bounds the wait for the answer
        except BlockingIOError:  # SO_RCVTIMEO ran out
            self._lost(proc)
            return self._stopped_answer() or (
                "503 Service Unavailable", _TEXT,
                f"query timed out after {self.timeout:g} s (KG_TIMEOUT); the query was stopped\n".encode())
        except OSError:
            answer = None
        if answer is None:  # the process ended without answering
            self._lost(proc)
            return self._stopped_answer() or ("503 Service Unavailable", _TEXT,
                                              memory_message(self.memory_mb).encode())
        self._checkin(proc)
        return answer

    def reload(self) -> None:
        """Open the store anew in the zygote; later queries run in processes forked from it.

        :raises RuntimeError: with the zygote's one-line reason if the store could not be opened (the old one
            stays in use).
        """
        with self._ctrl_lock:
            self._ctrl.send(b"reload")
            reply = self._ctrl.recv(4096)
        if reply != b"ok":
            raise RuntimeError(reply.decode(errors="replace") or "the zygote ended")
        with self._cond:
            self.generation += 1
            retired, self._idle = self._idle, []
            for proc in retired:
                self._all.discard(proc)
                proc.sock.close()  # its process reads end-of-file and exits
            self._cond.notify_all()

    def stop(self) -> None:
        """Kill every query process and the zygote; queries running now are answered 503."""
        with self._cond:
            self._stopping = True
            procs, self._idle = list(self._all), []
            self._cond.notify_all()
        for proc in procs:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._ctrl.close()

    def pids(self) -> set:
        """Process ids of the live query processes."""
        with self._cond:
            return {p.pid for p in self._all}

    # --- bookkeeping ---

    def _spawn(self) -> _Process:
        with self._ctrl_lock:
            self._ctrl.send(b"spawn")
            data, fds, _, _ = socket.recv_fds(self._ctrl, _HEADER.size, 1)
        if not fds:
            raise PoolStopped("the query processes' zygote ended")
        sock = socket.socket(fileno=fds[0])
        # the kernel bounds each wait for the answer (SO_RCVTIMEO): no extra poll() per receive as settimeout has
        seconds = max(self.timeout, 0.001)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO,
                        struct.pack("ll", int(seconds), int(seconds % 1 * 1e6)))
        return _Process(_HEADER.unpack(data)[0], sock, self.generation)

    def _add(self, proc: _Process) -> None:
        with self._cond:
            self._starting -= 1
            self._all.add(proc)
            self._idle.append(proc)
            self._cond.notify()

    def _checkout(self) -> _Process:
        with self._cond:
            while True:
                if self._stopping:
                    raise PoolStopped("the server is shutting down")
                while self._idle:
                    proc = self._idle.pop()  # the most recently used: its caches are warm
                    if proc.generation == self.generation:
                        return proc
                    self._all.discard(proc)
                    proc.sock.close()
                if len(self._all) + self._starting < self.size:
                    self._starting += 1
                    break
                self._cond.wait()
        return self._start_one(checkout=True)

    def _start_one(self, checkout: bool = False) -> _Process | None:
        try:
            proc = self._spawn()
        except (OSError, PoolStopped):
            with self._cond:
                self._starting -= 1
                self._cond.notify()
            if checkout:
                raise PoolStopped("the server is shutting down") from None
            return None
        if checkout:
            with self._cond:
                self._starting -= 1
                self._all.add(proc)
            return proc
        self._add(proc)
        return proc

    def _checkin(self, proc: _Process) -> None:
        with self._cond:
            if proc.generation == self.generation and not self._stopping:
                self._idle.append(proc)
            else:
                self._all.discard(proc)
                proc.sock.close()
            self._cond.notify()

    def _lost(self, proc: _Process) -> None:
        proc.kill()
        with self._cond:
            self._all.discard(proc)
            if self._stopping:
                return
            self._starting += 1
        self._start_one()  # a replacement at once, so the pool stays at full size

    def _stopped_answer(self):
        return _STOPPING if self._stopping else None
