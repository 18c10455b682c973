"""Screening the nodes of a chain: each distinct screening input once, results fanned back out.

Nodes repeat inputs (the same facility name and address in several tiers, products shared by
thousands of nodes). :func:`screen_nodes` groups the nodes by everything screening reads (name,
aliases, address, country, registration id, phone, HS code, product, coordinates), screens one
neutral record per group through the engine, and gives each node its group's findings, with the
row problems of its own row. The results are those of screening every node on its own (tested).

This is the one place the trace screens: when the engine offers batch screening of distinct
names, addresses and products, it plugs in here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from laborlens.core.chain import ChainTable, Screened
from laborlens.core.chain import graph as g
from laborlens.core.model import Record, RowError, ScreenResult
from laborlens.core.screen import ScreeningIndex
from laborlens.ops.screening import engine_for

#: The record fields screening reads (``id``, ``row``, ``extra`` and ``source`` it only carries).
SCREENED_FIELDS: tuple[str, ...] = (
    "name",
    "aliases",
    "address",
    "country",
    "registration_id",
    "phone",
    "hs_code",
    "product",
    "lat",
    "lon",
)
BATCH = 2000


def distinct_inputs(table: ChainTable) -> tuple[g.IntArray, g.IntArray]:
    """``(first, group)``: the first node of each distinct screening input, and each node's
    group (an index into ``first``)."""
    records = table.records
    fast = getattr(records, "distinct", None)
    if fast is not None:
        first, group = fast(SCREENED_FIELDS)
        return np.asarray(first, dtype=np.int64), np.asarray(group, dtype=np.int64)
    index: dict[tuple[object, ...], int] = {}
    groups = np.zeros(table.n, dtype=np.int64)
    firsts: list[int] = []
    for start in range(0, table.n, BATCH):
        stop = min(start + BATCH, table.n)
        for v, rec in zip(range(start, stop), records.records(range(start, stop)), strict=True):
            key = tuple(getattr(rec, f) for f in SCREENED_FIELDS)
            k = index.get(key)
            if k is None:
                k = index[key] = len(firsts)
                firsts.append(v)
            groups[v] = k
    return np.asarray(firsts, dtype=np.int64), groups


def _neutral(rec: Record) -> Record:
    """The record without what belongs to its row (id, row, file, extra columns, row problems)."""
    return replace(rec, row=0, id="", extra=(), errors=(), source=None)


def _resourced(errors: Sequence[RowError], row: int, source: str | None) -> list[RowError]:
    """Screening problems of a neutral record, placed on a node's row (as screening would)."""
    return [RowError(e.message, e.column, e.row or row, e.source or source) for e in errors]


def screen_nodes(
    table: ChainTable,
    index: ScreeningIndex,
    as_of: date,
    *,
    engine: str = "local",
    workers: int = 1,
) -> Screened:
    """Screen every node of ``table`` (once per distinct screening input)."""
    first, group = distinct_inputs(table)
    runner = engine_for(engine, workers)

    def batches() -> Iterator[list[Record]]:
        for start in range(0, first.shape[0], BATCH):
            part = first[start : start + BATCH].tolist()
            yield [_neutral(r) for r in table.records.records(part)]

    groups = Screened()
    problems: dict[int, tuple[RowError, ...]] = {}
    for k, res in enumerate(runner.screen(batches(), index, as_of)):
        groups.add(replace(res, errors=()))
        if res.errors:
            problems[k] = res.errors
    # each node: its own record's problems (as screening it alone reports them), then its
    # group's screening problems; records are built only for the node rows that have a problem
    rows = {e.row for e in table.errors if e.source == table.nodes_source and e.row}
    mine_at = np.flatnonzero(np.isin(table.node_row, np.fromiter(rows, np.int64, len(rows))))
    own = dict(
        zip(
            mine_at.tolist(),
            (r.errors for r in table.records.records(mine_at.tolist())),
            strict=True,
        )
    )
    concerned = np.isin(group, np.fromiter(problems, dtype=np.int64, count=len(problems)))
    concerned[mine_at] = True
    errors: dict[int, tuple[RowError, ...]] = {}
    for v in np.flatnonzero(concerned).tolist():
        row = int(table.node_row[v])
        mine = [*own.get(v, ())]
        mine += _resourced(problems.get(int(group[v]), ()), row, table.nodes_source)
        errors[v] = tuple(mine)
    return groups.spread(group, errors)


def screen_each(table: ChainTable, index: ScreeningIndex, as_of: date) -> list[ScreenResult]:
    """Every node screened on its own (the reference :func:`screen_nodes` is tested against)."""
    runner = engine_for("local", 1)
    batches = (
        table.records.records(range(s, min(s + BATCH, table.n))) for s in range(0, table.n, BATCH)
    )
    return list(runner.screen(batches, index, as_of))
