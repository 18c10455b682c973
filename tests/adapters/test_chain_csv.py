"""The column reader of chain folders gives the chain the row-by-row validation gives (same
nodes, edges and messages), and reports corrupt lines by file, row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborlens.adapters.io.chain import read_chain
from laborlens.adapters.io.chain_csv import read_table_folder
from laborlens.core.chain import build_chain

_IDS = ["a", "b", "c", " d ", "é", "新疆", "", "a b"]
_TEXT = st.sampled_from(
    ["", " ", "x", "Cotton Lint", "a,b", 'say "hi"', "棉纱", "  pad  ", "bell\x07", "y" * 2100]
)
_ALIASES = st.sampled_from(["", "a; b", "甲；乙", ";".join(f"n{i}" for i in range(60))])
_NUM = st.sampled_from(["", "5", "-3", "1,000", "2.5", "lots", "1e3", "nan", " 7 ", "0"])


def _rows_as_before(text: str) -> list[dict[str, Any]]:
    """What the row-by-row reader handed to ``build_chain``: csv.DictReader with the separator
    sniffed from the header (and standard quoting: the sniffed dialect of a header without
    quotes turned ``""`` inside a quoted field into two quotes, which the column reader fixes)."""
    lines = text.splitlines()
    try:
        sep = csv.Sniffer().sniff(lines[0], delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    return [dict(r) for r in csv.DictReader(lines, delimiter=sep)]


def _csv(header: list[str], rows: list[list[str]], sep: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@st.composite
def folders(draw: st.DrawFn) -> tuple[str, str]:
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    node_header = ["id", "name", "role", "lat", "yield", "Product", "notes", "aliases", "lon"]
    nodes = [
        [
            draw(st.sampled_from(_IDS)),
            draw(_TEXT),
            draw(st.sampled_from(["", "mill", "importer"])),
            draw(st.sampled_from(["", "12.5", "95", "north"])),
            draw(st.sampled_from(["", "0.5", "-1", "0.0", "x"])),
            draw(_TEXT),
            draw(_TEXT),
            draw(_ALIASES),
            draw(st.sampled_from(["", "80.1", "1,5", "200", "43°"])),
        ]
        for _ in range(draw(st.integers(0, 7)))
    ]
    edge_header = ["Source", "to", "type", "product", "qty", "unit", "value", "period", "date"]
    edge_header += ["declared", "id"]
    edges = [
        [
            draw(st.sampled_from(_IDS)),
            draw(st.sampled_from(_IDS)),
            draw(st.sampled_from(["", "owns", "friendship", "material", "Control"])),
            draw(_TEXT),
            draw(_NUM),
            draw(st.sampled_from(["", "kg", "t", "bales", "PCS"])),
            draw(_NUM),
            draw(st.sampled_from(["", "2025-01", "2025-Q2", "Dec", "2024"])),
            draw(st.sampled_from(["", "2025-03-04", "31/12/2024", "2025-03-04T10:00"])),
            draw(st.sampled_from(["", "untainted", "maybe", "YES"])),
            draw(st.sampled_from(["", "", "e1", "e1"])),
        ]
        for _ in range(draw(st.integers(0, 10)))
    ]
    return _csv(node_header, nodes, sep), _csv(edge_header, edges, sep)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(folders())
def test_columns_give_what_rows_gave(tmp_path: Path, files: tuple[str, str]) -> None:
    nodes_text, edges_text = files
    (tmp_path / "nodes.csv").write_text(nodes_text, encoding="utf-8")
    (tmp_path / "edges.csv").write_text(edges_text, encoding="utf-8")
    got = read_chain(tmp_path)
    want = build_chain(
        _rows_as_before(nodes_text),
        _rows_as_before(edges_text),
        nodes_source=str(tmp_path / "nodes.csv"),
        edges_source=str(tmp_path / "edges.csv"),
    )
    assert [str(e) for e in got.errors] == [str(e) for e in want.errors]
    assert got.nodes == want.nodes
    assert got.edges == want.edges


def _folder(tmp_path: Path, nodes: str, edges: str) -> Path:
    (tmp_path / "nodes.csv").write_bytes(nodes.encode("utf-8"))
    (tmp_path / "edges.csv").write_bytes(edges.encode("utf-8"))
    return tmp_path


def test_short_and_long_rows_are_kept_and_long_ones_reported(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, "id,name,country\na,A,CN\nb,B\nc,C,VN,extra\n", "from,to\na,b\nb,c\n"
    )
    table = read_table_folder(folder)
    assert table.ids == ("a", "b", "c")
    assert table.records.records([1])[0].country is None
    msgs = [str(e) for e in table.errors]
    assert msgs == [
        f"{folder / 'nodes.csv'}, row 3: 4 fields where the header has 3;"
        " the extra fields are ignored"
    ]
    assert table.m == 2


def test_a_corrupt_line_in_a_large_file_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    n = 50_000
    lines = [f"N{i},Name {i},新疆 {i}" for i in range(n)]
    body = "\n".join(lines).encode("utf-8")
    cut = body.index(b"N31337,")
    corrupt = body[:cut] + b"N31337,Bad \xff\xfe name,x" + body[body.index(b"\n", cut) :]
    (tmp_path / "nodes.csv").write_bytes(b"id,name,address\n" + corrupt + b"\n")
    (tmp_path / "edges.csv").write_bytes(b"from,to\nN1,N31337\nN2,N99999999\n")
    table = read_table_folder(tmp_path)
    assert table.n == n and table.m == 1
    msgs = [str(e) for e in table.errors]
    assert msgs[0] == (
        f"{tmp_path / 'nodes.csv'}, row 31338, column 'name': text is not valid UTF-8 "
        "(bad bytes replaced by U+FFFD)"
    )
    assert "row 2, column 'to': unknown node id 'N99999999'" in msgs[1]
    (rec,) = table.records.records([31337])
    assert rec.name == "Bad \ufffd\ufffd name" and rec.row == 31338


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030", "utf-8-sig"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "nodes.csv").write_bytes("id,name\na,新疆棉业\nb,阿克苏\n".encode(encoding))
    (tmp_path / "edges.csv").write_bytes("from,to\na,b\n".encode(encoding))
    table = read_table_folder(tmp_path)
    assert [r.name for r in table.records.records([0, 1])] == ["新疆棉业", "阿克苏"]
    assert table.m == 1 and not table.errors
