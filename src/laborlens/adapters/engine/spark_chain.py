"""Tracing on Spark (work in progress on this branch)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from laborlens.core.chain import ChainTable, GraphTrace
from laborlens.core.model import RowError
from laborlens.core.screen import ScreeningIndex


def trace_on_spark(
    table: ChainTable,
    index: ScreeningIndex,
    as_of: date,
    *,
    workers: int,
    path_budget: int,
    max_sources: int,
    extra_errors: Sequence[RowError],
) -> GraphTrace:
    raise NotImplementedError
