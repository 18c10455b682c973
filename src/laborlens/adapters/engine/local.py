"""The local engine: streams record batches through the pure screening core on all cores.

Worker processes are forked after the index is built, so they share it copy-on-write instead of
unpickling it; results come back in input order. With one worker (or a small input) everything
runs in-process.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date

from laborlens.adapters.io.readers import RecordStream
from laborlens.core.model import Record, ScreenResult
from laborlens.core.screen import ScreeningIndex, screen_batch

_INDEX: ScreeningIndex | None = None  # set in the parent before forking workers


def _work(batch: list[Record], as_of: date) -> list[ScreenResult]:
    assert _INDEX is not None
    return screen_batch(batch, _INDEX, as_of)


def screen_stream(
    batches: Iterable[list[Record]],
    index: ScreeningIndex,
    as_of: date,
    workers: int = 1,
) -> Iterator[ScreenResult]:
    """Screen batches of records, yielding one result per record in input order.

    Args:
        batches: record batches (a reader's output).
        index: the compiled screening index.
        as_of: the evaluation date.
        workers: processes to use; 1 screens in this process.
    """
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for batch in batches:
            yield from screen_batch(batch, index, as_of)
        return
    global _INDEX  # noqa: PLW0603 - inherited by forked workers; never mutated after
    _INDEX = index
    # keep the (large, immutable) index out of the collector's scans in the workers: fewer
    # pages touched after fork, less time in gc (CPython's advice for pre-fork servers)
    gc.freeze()
    ctx = mp.get_context("fork")
    pending: list[Future[list[ScreenResult]]] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for batch in batches:
            pending.append(pool.submit(_work, batch, as_of))
            # bounded look-ahead keeps memory flat on huge inputs
            while len(pending) > workers * 2:
                yield from pending.pop(0).result()
        for fut in pending:
            yield from fut.result()


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """The :class:`~laborlens.adapters.engine.base.Engine` on this machine's cores."""

    workers: int = 1

    @property
    def name(self) -> str:
        return "local"

    def screen(
        self, batches: Iterable[list[Record]], index: ScreeningIndex, as_of: date
    ) -> Iterator[ScreenResult]:
        return screen_stream(batches, index, as_of, self.workers)

    def screen_inputs(
        self, streams: Sequence[RecordStream], index: ScreeningIndex, as_of: date
    ) -> Iterator[tuple[Record, ScreenResult]]:
        # the records of the batches in flight are kept (a bounded window: the engine's
        # look-ahead) so that writers can show the input name and file next to the result
        in_flight: deque[Record] = deque()

        def batches() -> Iterator[list[Record]]:
            for stream in streams:
                for batch in stream:
                    in_flight.extend(batch)
                    yield batch

        def pairs() -> Iterator[tuple[Record, ScreenResult]]:
            for result in screen_stream(batches(), index, as_of, self.workers):
                yield in_flight.popleft(), result

        return pairs()
