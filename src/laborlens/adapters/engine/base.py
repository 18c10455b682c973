"""The engine port: how screening runs over many records.

Every engine maps the same pure :func:`laborlens.core.screen.screen_batch` over batches of
records and gives the results back in input order, so choosing an engine changes where the work
runs, never what it finds. ``laborlens.ops`` chooses the engine; interfaces only name it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Protocol

from laborlens.adapters.io.encode import Chunk, Shape
from laborlens.adapters.io.readers import RecordStream
from laborlens.adapters.io.resume import Progress
from laborlens.core.model import Record, ScreenResult
from laborlens.core.screen import ScreeningIndex

#: The engine names ``ops`` accepts.
ENGINES: tuple[str, ...] = ("local", "spark")


class Engine(Protocol):
    """Screens records with a compiled index, keeping input order."""

    @property
    def name(self) -> str: ...

    def screen(
        self, batches: Iterable[list[Record]], index: ScreeningIndex, as_of: date
    ) -> Iterator[ScreenResult]:
        """One result per record of ``batches``, in order."""
        ...

    def screen_inputs(
        self, streams: Sequence[RecordStream], index: ScreeningIndex, as_of: date
    ) -> Iterator[tuple[Record, ScreenResult]]:
        """Each record of the opened inputs (file after file) with its result, in order.

        Anything that can fail before the first result (starting a cluster session) fails when
        this is called, not when the iterator is first read.
        """
        ...

    def encode_inputs(
        self,
        streams: Sequence[RecordStream],
        index: ScreeningIndex,
        as_of: date,
        shape: Shape,
        resume: Progress | None = None,
    ) -> Iterator[Chunk]:
        """The opened inputs screened and encoded in ``shape``, chunk by chunk, in order;
        with ``resume``, without the rows a partial output already holds."""
        ...
