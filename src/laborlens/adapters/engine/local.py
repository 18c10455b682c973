"""The local engine: streams record batches through the pure screening core on all cores.

Worker processes (:mod:`.pool`) are forked after the index is built, so they share it
copy-on-write instead of unpickling it, and they die with the process that started them. For
file outputs the workers also encode their results (:meth:`LocalEngine.encode_inputs`): the
parent reads and numbers the records, the workers screen and serialise, and the parent only
writes bytes in input order. With one worker everything runs in-process.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from laborlens.adapters.engine.pool import Pool, can_fork
from laborlens.adapters.io.encode import Chunk, Encoder, Shape
from laborlens.adapters.io.readers import RecordStream
from laborlens.adapters.io.resume import Progress, skip_done
from laborlens.core.model import Record, ScreenResult
from laborlens.core.screen import Distinct, ScreeningIndex, screen_batch

#: Records screened once in the parent before workers are forked: the matchers load some
#: tables on first use (pinyin phrases, script converters), which the workers then share.
_WARM_UP = (
    Record(0, "", name="新疆示例纺织有限公司", address="新疆乌鲁木齐市天山区北京路1号",
           country="中国", phone="+86 991 1234567", hs_code="6109.10", product="棉T恤"),
    Record(0, "", name="Example Cotton Trading Co., Ltd.", aliases=("Shili Fangzhi",),
           address="No. 1 Example Road, Shenzhen, Guangdong, China", hs_code="8541.43",
           product="solar modules"),
)  # fmt: skip


def _warm_up(index: ScreeningIndex, as_of: date) -> None:
    screen_batch(_WARM_UP, index, as_of, Distinct())


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
    memo = Distinct()
    if workers <= 1 or not can_fork():
        for batch in batches:
            yield from screen_batch(batch, index, as_of, memo)
        return

    def work(batch: list[Record]) -> list[ScreenResult]:
        return screen_batch(batch, index, as_of, memo)

    _warm_up(index, as_of)
    with Pool(workers, work) as pool:
        for results in pool.map(batches):
            yield from results


def encode_stream(
    batches: Iterable[list[Record]],
    index: ScreeningIndex,
    as_of: date,
    shape: Shape,
    workers: int = 1,
) -> Iterator[Chunk]:
    """Screen and encode batches of records; one :class:`Chunk` per batch, in input order."""
    memo = Distinct()
    encoder = Encoder(shape)

    def work(batch: list[Record]) -> Chunk:
        return encoder.encode(
            list(zip(batch, screen_batch(batch, index, as_of, memo), strict=True))
        )

    if workers <= 1 or not can_fork():
        yield from map(work, batches)
        return
    _warm_up(index, as_of)
    with Pool(workers, work) as pool:
        yield from pool.map(batches)


def _batches(streams: Sequence[RecordStream]) -> Iterator[list[Record]]:
    for stream in streams:
        yield from stream


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
            for batch in _batches(streams):
                in_flight.extend(batch)
                yield batch

        def pairs() -> Iterator[tuple[Record, ScreenResult]]:
            for result in screen_stream(batches(), index, as_of, self.workers):
                yield in_flight.popleft(), result

        return pairs()

    def encode_inputs(
        self,
        streams: Sequence[RecordStream],
        index: ScreeningIndex,
        as_of: date,
        shape: Shape,
        resume: Progress | None = None,
    ) -> Iterator[Chunk]:
        batches = _batches(streams)
        if resume is not None:
            batches = skip_done(batches, resume)
        return encode_stream(batches, index, as_of, shape, self.workers)
