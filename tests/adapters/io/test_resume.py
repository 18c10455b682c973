"""Resuming: the records a partial output holds are skipped exactly, however the input is
batched, and a partial output of other inputs is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from laborlens.adapters.io.encode import Shape
from laborlens.adapters.io.resume import Progress, ResumeError, inspect_partial, skip_done
from laborlens.core.model import Record


def _records(n: int) -> list[Record]:
    return [
        Record(row=i + 1, id=f"R{i + 1}", name=f"Supplier {i}", source="a.csv") for i in range(n)
    ]


def _batched(records: list[Record], sizes: list[int]) -> list[list[Record]]:
    batches, at = [], 0
    for size in sizes:
        batches.append(records[at : at + size])
        at += size
    batches.append(records[at:])
    return [b for b in batches if b]


@given(
    total=st.integers(1, 60),
    sizes=st.lists(st.integers(1, 9), max_size=12),
    data=st.data(),
)
def test_skip_done_yields_exactly_the_records_not_yet_written(
    total: int, sizes: list[int], data: st.DataObject
) -> None:
    records = _records(total)
    done = data.draw(st.integers(0, total))
    progress = Progress(rows=done)
    if done:
        last = records[done - 1]
        progress.last = (last.source, last.row, last.id)
    rest = [r for batch in skip_done(_batched(records, sizes), progress) for r in batch]
    assert rest == records[done:]


def test_skip_done_refuses_other_inputs() -> None:
    progress = Progress(rows=3, last=("a.csv", 3, "OTHER"))
    with pytest.raises(ResumeError, match="other inputs"):
        list(skip_done([_records(5)], progress))


def test_skip_done_refuses_a_partial_output_longer_than_the_inputs() -> None:
    progress = Progress(rows=9, last=("a.csv", 9, "R9"))
    with pytest.raises(ResumeError, match="more than the inputs"):
        list(skip_done([_records(5)], progress))


def test_inspect_partial_keeps_complete_lines_only(tmp_path: Path) -> None:
    lines = [
        b'{"row":1,"id":"R1","risk":"none","findings":[],"errors":[],"regimes":[]}\n',
        b'{"row":2,"id":"R2","risk":"high","findings":[{"kind":"entity"}],"errors":[],"regimes":[]}\n',
    ]
    path = tmp_path / ".out.jsonl.partial"
    path.write_bytes(b"".join(lines) + b'{"row":3,"id":"R3","ri')
    progress = inspect_partial(path, Shape("jsonl", True, False, (), ()))
    assert progress.valid_bytes == len(b"".join(lines))
    assert progress.rows == 2 and progress.last == (None, 2, "R2")
    assert progress.summary.by_risk["high"] == 1 and progress.summary.with_findings == 1


def test_inspect_partial_refuses_another_shape(tmp_path: Path) -> None:
    path = tmp_path / ".out.jsonl.partial"
    path.write_bytes(b'{"row":1,"id":"R1","risk":"none","outcomes":{},"findings":[]}\n')
    with pytest.raises(ResumeError, match="another shape"):
        inspect_partial(path, Shape("jsonl", True, False, (), ()))
