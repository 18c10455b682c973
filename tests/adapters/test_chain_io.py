"""Chain readers (JSON, CSV folder, FollowTheMoney) and the SVG/HTML views."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from laborlens.adapters.io.chain import ChainInputError, read_chain
from laborlens.adapters.io.chain_views import render_html, render_svg
from laborlens.core import rules
from laborlens.core.chain import OWNERSHIP, trace_chain
from laborlens.core.model import Finding, ScreenResult
from laborlens.core.screen import ScreeningIndex

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "chains"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_json_chain(tmp_path: Path) -> None:
    p = _write(
        tmp_path / "c.json",
        json.dumps(
            {
                "nodes": [{"id": "a", "name": "A"}, {"id": "b", "name": "B", "role": "mill"}],
                "edges": [{"from": "a", "to": "b", "quantity": 3, "unit": "t"}],
            }
        ),
    )
    ch = read_chain(p)
    assert [n.id for n in ch.nodes] == ["a", "b"] and ch.nodes[1].role == "mill"
    assert ch.edges[0].quantity == 3


def test_folder_chain_with_bom_and_semicolons(tmp_path: Path) -> None:
    _write(tmp_path / "nodes.csv", "\ufeffid;name;country\na;Alpha;CN\nb;Beta;VN\n")
    _write(tmp_path / "edges.csv", "from;to;product;quantity;unit\na;b;yarn;5;t\n")
    ch = read_chain(tmp_path)
    assert ch.nodes[0].record.country == "CN"
    assert ch.edges[0].product == "yarn" and not ch.errors


def test_gb18030_csv(tmp_path: Path) -> None:
    (tmp_path / "nodes.csv").write_bytes(
        "id,name,address\na,新疆棉业,新疆阿克苏\n".encode("gb18030")
    )
    (tmp_path / "edges.csv").write_bytes(b"from,to\n")
    ch = read_chain(tmp_path)
    assert ch.nodes[0].record.address == "新疆阿克苏"


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        ({"c.json": "{not json"}, "invalid JSON at line 1"),
        ({"c.json": "[1, 2]"}, "entity 1 is not a JSON object"),
        ({"c.json": '[{"schema": "Address"}]'}, "no FollowTheMoney party"),
        ({"c.json": '{"edges": []}'}, '"nodes"'),
        ({"c.json": '{"nodes": [{"id": "a"}], "edges": [{"a": 1}]}'}, "'from'"),
        ({"c.txt": "x"}, "unknown chain format"),
    ],
)
def test_unusable_files(tmp_path: Path, files: dict[str, str], needle: str) -> None:
    for name, text in files.items():
        p = _write(tmp_path / name, text)
    with pytest.raises(ChainInputError) as exc:
        read_chain(p)
    assert needle in str(exc.value) and str(p) in str(exc.value)


def test_folder_without_edges_or_from_column(tmp_path: Path) -> None:
    _write(tmp_path / "nodes.csv", "id,name\na,A\n")
    with pytest.raises(ChainInputError, match=r"missing edges\.csv"):
        read_chain(tmp_path)
    _write(tmp_path / "edges.csv", "source_node,to\na,b\n")
    with pytest.raises(ChainInputError, match=r"edges\.csv: row 1: no column 'from'"):
        read_chain(tmp_path)


def test_missing_path() -> None:
    with pytest.raises(ChainInputError, match="no such file"):
        read_chain("/nonexistent/chain.json")


FTM = [
    {
        "id": "co-1",
        "schema": "Company",
        "properties": {
            "name": ["Xinjiang Example Cotton Co.", "新疆示例棉业"],
            "country": ["cn"],
            "addressEntity": ["addr-1"],
            "registrationNumber": ["91650000000000000X"],
        },
    },
    {"id": "addr-1", "schema": "Address", "properties": {"full": ["Aksu, Xinjiang, China"]}},
    {
        "id": "co-2",
        "schema": "Company",
        "properties": {"name": ["Example Mill"], "country": ["vn"]},
    },
    {"id": "co-3", "schema": "Organization", "properties": {"name": ["Holding"]}},
    {"id": "own-1", "schema": "Ownership", "properties": {"owner": ["co-3"], "asset": ["co-1"]}},
    {
        "id": "pay-1",
        "schema": "Payment",
        "properties": {
            "payer": ["co-2"],
            "beneficiary": ["co-1"],
            "amount": ["12000"],
            "currency": ["usd"],
            "purpose": ["cotton lint"],
            "date": ["2024-05-01"],
        },
    },
    {
        "id": "ul-1",
        "schema": "UnknownLink",
        "properties": {"subject": ["co-1"], "object": ["co-3"], "role": ["supplier of yarn"]},
    },
    {
        "id": "ul-2",
        "schema": "UnknownLink",
        "properties": {"subject": ["co-2"], "object": ["co-3"], "role": ["auditor"]},
    },
]


def test_followthemoney_entities(tmp_path: Path) -> None:
    p = _write(tmp_path / "ents.jsonl", "\n".join(json.dumps(e) for e in FTM) + "\n")
    ch = read_chain(p)
    ids = [n.id for n in ch.nodes]
    assert ids == ["co-1", "co-2", "co-3"]
    n1 = ch.nodes[0].record
    assert n1.address == "Aksu, Xinjiang, China" and n1.aliases == ("新疆示例棉业",)
    assert n1.registration_id == "91650000000000000X"
    kinds = sorted((ch.nodes[e.src].id, ch.nodes[e.dst].id, e.type) for e in ch.edges)
    assert kinds == [
        ("co-1", "co-2", "material"),
        ("co-1", "co-3", "material"),
        ("co-3", "co-1", OWNERSHIP),
    ]
    pay = next(e for e in ch.edges if e.value is not None)
    assert pay.value == 12000 and pay.product == "cotton lint" and pay.period == "2024-05"


def test_ftm_bad_line(tmp_path: Path) -> None:
    p = _write(tmp_path / "ents.ftm", json.dumps(FTM[0]) + "\n{oops\n")
    with pytest.raises(ChainInputError, match="line 2"):
        read_chain(p)


def test_list_files(tmp_path: Path) -> None:
    """trace --list-file reads user lists like screen --list-file (one reader for both)."""
    from laborlens.ops.screening import InputError, load_lists_checked

    p = _write(tmp_path / "watch.csv", "id,name,country\nw1,Example Mill,VN\nw2,,CN\n")
    loaded = load_lists_checked([p])
    assert len(loaded.lists.get("watch").entries) == 1
    assert loaded.errors and loaded.errors[0].column == "name"
    empty = _write(tmp_path / "empty.csv", "id,name\nx,\n")
    with pytest.raises(InputError, match="no usable list entry"):
        load_lists_checked([empty])


def _traced(n_plain: int = 0):  # type: ignore[no-untyped-def]
    from laborlens.core.chain import build_chain

    nodes = [{"id": "xj", "name": "XJ"}, {"id": "mid", "name": "Mid"}, {"id": "buyer"}]
    edges = [
        {"from": "xj", "to": "mid", "product": "lint"},
        {"from": "mid", "to": "buyer"},
        {"from": "buyer", "to": "mid", "type": "ownership"},
    ]
    for i in range(n_plain):
        nodes.append({"id": f"p{i}", "name": f"Plain {i}"})
        edges.append({"from": f"p{i}", "to": "mid", "product": "lint"})
    ch = build_chain(nodes, edges)
    xj = Finding(kind="region", region="CN-XJ", label="Xinjiang", why="address")
    screened = [
        ScreenResult(row=n.record.row, id=n.id, risk="none", findings=(xj,) if n.id == "xj" else ())
        for n in ch.nodes
    ]
    return trace_chain(ch, screened, rules.load_regimes(), date(2025, 1, 1))


def test_svg_is_well_formed_and_highlights_taint() -> None:
    svg = render_svg(_traced())
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "#b3261e" in svg  # a tainted edge
    assert "stroke-dasharray" in svg  # the ownership edge
    assert ">xj<" in svg and ">buyer<" in svg


def test_large_graphs_are_summarised() -> None:
    svg = render_svg(_traced(n_plain=40), max_nodes=10)
    ET.fromstring(svg)
    assert "40 untainted nodes (collapsed)" in svg
    assert ">p3<" not in svg


def test_html_report() -> None:
    html = render_html(_traced())
    assert html.startswith("<!doctype html>") and "<svg" in html and "CN-XJ" not in html[:50]
    assert "region from <b>xj</b>" in html


def test_example_views_render(index: ScreeningIndex) -> None:
    from laborlens.ops.tracing import trace

    res = trace(EXAMPLES / "solar" / "chain.json", as_of=date(2025, 12, 1), index=index)
    ET.fromstring(render_svg(res))


def test_views_escape_markup_in_names() -> None:
    from laborlens.core.chain import build_chain

    ch = build_chain(
        [{"id": "a", "name": "<script>alert(1)</script> & Co"}, {"id": "b"}],
        [{"from": "a", "to": "b", "product": "<b>yarn</b>"}],
    )
    screened = [ScreenResult(row=n.record.row, id=n.id, risk="none") for n in ch.nodes]
    res = trace_chain(ch, screened, rules.load_regimes(), date(2025, 1, 1))
    for text in (render_svg(res), render_html(res)):
        assert "<script>" not in text and "&lt;script&gt;" in text
    ET.fromstring(render_svg(res))
