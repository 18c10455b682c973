"""``laborlens trace``: outputs, exit codes and messages."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "chains"
runner = CliRunner()


def _chain(tmp_path: Path, nodes: list[dict[str, object]], edges: list[dict[str, object]]) -> Path:
    p = tmp_path / "chain.json"
    p.write_text(json.dumps({"nodes": nodes, "edges": edges}), encoding="utf-8")
    return p


NODES = [
    {
        "id": "gin",
        "name": "Example Ginning Co",
        "address": "Aksu, Xinjiang, China",
        "country": "CN",
    },
    {"id": "mill", "name": "Example Mill", "country": "VN", "role": "spinning mill"},
    {"id": "buyer", "name": "Example Buyer", "country": "US", "role": "importer"},
]
EDGES = [
    {
        "from": "gin",
        "to": "mill",
        "product": "cotton lint",
        "hs_code": "5201",
        "quantity": 10,
        "unit": "t",
    },
    {
        "from": "mill",
        "to": "buyer",
        "product": "cotton yarn",
        "hs_code": "5205",
        "quantity": 8,
        "unit": "t",
    },
]


def test_jsonl_one_record_per_node(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["trace", str(_chain(tmp_path, NODES, EDGES)), "--as-of", "2025-06-01"]
    )
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [d["id"] for d in lines] == ["gin", "mill", "buyer"]
    buyer = lines[2]
    inh = [i for i in buyer["inherited"] if i["channel"] == "region:CN-XJ"]
    assert inh and inh[0]["path"] == ["gin", "mill", "buyer"]
    assert inh[0]["products"] == ["cotton lint", "cotton yarn"]
    assert {r["regime"] for r in buyer["regimes"]} >= {"us_uflpa", "us_307", "eu_flr"}
    assert buyer["as_of"] == "2025-06-01" and "chain-v1" in buyer["algorithms"]


@pytest.mark.parametrize("fmt", ["svg", "html"])
def test_views_to_a_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"chain.{fmt}"
    res = runner.invoke(
        app,
        [
            "trace",
            str(EXAMPLES / "cotton_apparel"),
            "--format",
            fmt,
            "--output",
            str(out),
            "--as-of",
            "2025-12-01",
        ],
    )
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    if fmt == "svg":
        ET.fromstring(text)
    else:
        assert "<table>" in text and "brand-us" in text


def test_user_list_file(tmp_path: Path) -> None:
    lst = tmp_path / "watch.csv"
    lst.write_text("id,name,country\nw1,Example Mill,VN\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "trace",
            str(_chain(tmp_path, NODES, EDGES)),
            "--list-file",
            str(lst),
            "--as-of",
            "2025-06-01",
        ],
    )
    assert res.exit_code == 0, res.output
    buyer = json.loads(res.stdout.splitlines()[2])
    assert any(
        i["channel"].startswith("listed_entity:watch") and i["source"] == "mill"
        for i in buyer["inherited"]
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["trace", "/nonexistent/chain.json"], "no such file"),
        (["trace", "{chain}", "--format", "pdf"], "--format"),
        (["trace", "{chain}", "--as-of", "2025-13-01"], "--as-of"),
        (["trace", "{chain}", "--list-file", "/nonexistent/list.csv"], "list.csv: file not found"),
    ],
)
def test_unusable_input_exits_2_with_a_message(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    chain = str(_chain(tmp_path, NODES, EDGES))
    res = runner.invoke(app, [a.replace("{chain}", chain) for a in args])
    assert res.exit_code == 2
    assert needle in res.output
    assert "Traceback" not in res.output


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"nodes": [\n  {"id": "a",}\n]}', encoding="utf-8")
    res = runner.invoke(app, ["trace", str(p)])
    assert res.exit_code == 2 and "bad.json" in res.output and "line 2" in res.output


def test_row_problems_are_reported_and_strict_fails(tmp_path: Path) -> None:
    edges = [
        *EDGES,
        {"from": "mill", "to": "nobody"},
        {"from": "gin", "to": "mill", "quantity": -1, "unit": "t"},
    ]
    chain = str(_chain(tmp_path, NODES, edges))
    res = runner.invoke(app, ["trace", chain, "--as-of", "2025-06-01"])
    assert res.exit_code == 0
    assert "unknown node id 'nobody'" in res.stderr and "column 'to'" in res.stderr
    mill = json.loads(res.stdout.splitlines()[1])
    assert any("negative quantity" in e for e in mill["errors"])
    strict = runner.invoke(app, ["trace", chain, "--strict"])
    assert strict.exit_code == 2


def test_no_usable_node(tmp_path: Path) -> None:
    res = runner.invoke(app, ["trace", str(_chain(tmp_path, [], []))])
    assert res.exit_code == 2 and "no usable node" in res.output
