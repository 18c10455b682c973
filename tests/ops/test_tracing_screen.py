"""Screening each distinct node input once gives what screening every node gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from laborlens.core.chain import Screened
from laborlens.core.screen import ScreeningIndex
from laborlens.ops.tracing import load_table
from laborlens.ops.tracing_screen import distinct_inputs, screen_each, screen_nodes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "chains"
AS_OF = date(2025, 12, 1)


def _same(got: Screened, want: Screened, n: int) -> None:
    assert got.countries == want.countries
    for v in range(n):
        assert got.own(v) == want.own(v)
        assert tuple(got.node_errors(v)) == tuple(want.node_errors(v))


def _folder(tmp_path: Path) -> Path:
    nodes = [
        "id,name,address,country,lat,product",
        "a,Xinjiang Zhongtai Chemical Co Ltd,Urumqi Xinjiang,CN,,PVC",
        "b,Xinjiang Zhongtai Chemical Co Ltd,Urumqi Xinjiang,CN,,PVC",
        "c,Plain Mill,Dhaka,BD,95,cotton yarn",
        "d,Plain Mill,Dhaka,BD,95,cotton yarn",
        "e,,,,,",
        "f,,,,,",
        "g,Plain Mill,Dhaka,BD,,cotton yarn",
    ]
    (tmp_path / "nodes.csv").write_text("\n".join(nodes) + "\n", encoding="utf-8")
    (tmp_path / "edges.csv").write_text("from,to\na,c\nb,d\nc,e\n", encoding="utf-8")
    return tmp_path


def test_repeated_inputs_are_screened_once_with_row_problems_kept(
    index: ScreeningIndex, tmp_path: Path
) -> None:
    table = load_table(_folder(tmp_path))
    first, group = distinct_inputs(table)
    assert first.tolist() == [0, 2, 4, 6]
    assert group.tolist() == [0, 0, 1, 1, 2, 2, 3]
    got = screen_nodes(table, index, AS_OF)
    want = Screened.of(screen_each(table, index, AS_OF))
    _same(got, want, table.n)
    # each node keeps its own row in its problems (latitude out of range; nothing to screen)
    assert [e.row for e in got.node_errors(3)] == [4]
    assert [e.row for e in got.node_errors(5)] == [6]


@pytest.mark.parametrize(
    "path", ["solar/chain.json", "cotton_apparel", "ftm_ownership/entities.jsonl"]
)
def test_examples(index: ScreeningIndex, path: str) -> None:
    table = load_table(EXAMPLES / path)
    got = screen_nodes(table, index, AS_OF)
    _same(got, Screened.of(screen_each(table, index, AS_OF)), table.n)
