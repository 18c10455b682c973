"""Worker processes that die with their parent, and tasks whose results come back in order.

Workers are forked from the process that built the screening index, so they share it
copy-on-write. A worker must never outlive that process: a ``kill -9`` of ``laborlens screen``
would otherwise leave workers screening (and holding the output's lock) for minutes. Each worker
therefore

* asks Linux to send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``, when the
  pool is started from the main thread: the signal follows the thread that forked);
* watches a pipe whose only writer is the parent: the read returns when the parent is gone,
  on any POSIX system, and the worker exits;
* ignores SIGINT (Ctrl-C reaches the whole process group; the parent stops the workers).

Tasks go out through one queue, at most ``ahead`` at a time; results are yielded in task order.
An exception in a worker ends the run with that exception's message; a worker that dies ends
it with a :class:`WorkerError`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = ["Pool", "WorkerError", "can_fork"]

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


class WorkerError(RuntimeError):
    """A worker process failed or died."""


def can_fork() -> bool:
    """Whether worker processes can be forked here (POSIX)."""
    return "fork" in mp.get_all_start_methods()


def _exit_with_parent(parent: int, watch_read: int, watch_write: int, deathsig: bool) -> None:
    os.close(watch_write)  # the parent's end: only the parent may keep it open
    if deathsig and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)

    def watch() -> None:
        with contextlib.suppress(OSError):
            os.read(watch_read, 1)  # returns b"" once the parent's end is closed
        os._exit(1)

    threading.Thread(target=watch, name="laborlens-parent-watch", daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_main(
    handler: Callable[[Any], Any],
    tasks: Any,
    results: Any,
    guard: tuple[int, int, int, bool],
) -> None:
    _exit_with_parent(*guard)
    while True:
        item = tasks.get()
        if item is None:
            break
        number, payload = item
        try:
            results.put((number, True, handler(payload)))
        except BaseException as exc:  # report it; the parent decides
            text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            results.put((number, False, text))
    results.close()
    results.join_thread()


class Pool:
    """``workers`` forked processes running ``handler`` on tasks, results in task order.

    Use as a context manager (the workers are stopped on exit, whatever happened); the handler
    and everything it reads are inherited at fork time, never pickled.
    """

    def __init__(self, workers: int, handler: Callable[[Any], Any], ahead: int = 0) -> None:
        if not can_fork():
            raise WorkerError("worker processes need fork(); use --workers 1")
        self.workers = workers
        self.handler = handler
        self.ahead = ahead or 2 * workers
        self._procs: list[Any] = []
        self._watch: tuple[int, int] | None = None

    def __enter__(self) -> Pool:
        ctx = mp.get_context("fork")
        self._tasks = ctx.Queue()
        self._results = ctx.Queue()
        self._watch = os.pipe()
        guard = (os.getpid(), *self._watch, threading.current_thread() is threading.main_thread())
        # the index and lists are large, immutable and already built: keep them out of the
        # collector's scans so that the workers' pages stay shared
        gc.collect()
        gc.freeze()
        for _ in range(self.workers):
            proc = ctx.Process(
                target=_worker_main,
                args=(self.handler, self._tasks, self._results, guard),
                daemon=True,
            )
            proc.start()
            self._procs.append(proc)
        os.close(self._watch[0])  # the workers hold the read end
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(graceful=exc[0] is None)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._procs if p.pid is not None]

    def close(self, graceful: bool = True) -> None:
        """Stop the workers (asking nicely after a clean run, terminating otherwise)."""
        if graceful:
            for _ in self._procs:
                self._tasks.put(None)
            for proc in self._procs:
                proc.join(timeout=5)
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join(timeout=5)
        for q in (self._tasks, self._results):
            q.cancel_join_thread()
            q.close()
        if self._watch is not None:
            with contextlib.suppress(OSError):
                os.close(self._watch[1])
            self._watch = None
        self._procs = []

    def _result(self) -> tuple[int, bool, Any]:
        while True:
            try:
                item: tuple[int, bool, Any] = self._results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                dead = [p for p in self._procs if p.exitcode is not None]
                if dead:
                    code = dead[0].exitcode
                    how = f"signal {-code}" if code and code < 0 else f"exit code {code}"
                    raise WorkerError(f"a worker process stopped unexpectedly ({how})") from None
                continue
            return item

    def map(self, payloads: Iterable[Any]) -> Iterator[Any]:
        """The handler's result for each payload, in order (at most ``ahead`` in flight)."""
        done: dict[int, Any] = {}
        sent = 0
        wanted = 0
        source = iter(payloads)
        exhausted = False
        while True:
            while not exhausted and sent - wanted < self.ahead:
                payload = next(source, _END)
                if payload is _END:
                    exhausted = True
                    break
                self._tasks.put((sent, payload))
                sent += 1
            if wanted == sent:
                return
            while wanted not in done:
                number, ok, value = self._result()
                if not ok:
                    raise WorkerError(value)
                done[number] = value
            yield done.pop(wanted)
            wanted += 1


_END = object()
