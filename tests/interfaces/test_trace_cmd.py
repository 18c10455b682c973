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


def test_full_record_per_node(tmp_path: Path) -> None:
    chain = str(_chain(tmp_path, NODES, EDGES))
    res = runner.invoke(app, ["trace", chain, "--as-of", "2025-06-01", "--format", "full"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [d["id"] for d in lines] == ["gin", "mill", "buyer"]
    buyer = lines[2]
    inh = [i for i in buyer["inherited"] if i["channel"] == "region:CN-XJ"]
    assert inh and inh[0]["path"] == ["gin", "mill", "buyer"]
    assert inh[0]["products"] == ["cotton lint", "cotton yarn"]
    assert {r["regime"] for r in buyer["regimes"]} >= {"us_uflpa", "us_307", "eu_flr"}
    assert buyer["as_of"] == "2025-06-01" and "chain-v1" in buyer["algorithms"]


def test_compact_lines_refer_to_sources_and_paths(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["trace", str(_chain(tmp_path, NODES, EDGES)), "--as-of", "2025-06-01"]
    )
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [d["id"] for d in lines] == ["gin", "mill", "buyer"]
    gin, mill, buyer = lines
    assert gin["findings"] == ["region:CN-XJ"] and gin["inherited"] == {}
    # nearest source, the next node upstream on its path, hops, sources reaching the node
    assert buyer["inherited"]["region:CN-XJ"] == ["gin", "mill", 2, 1]
    assert mill["inherited"]["region:CN-XJ"] == ["gin", "gin", 1, 1]
    assert buyer["risk"] == "high" and buyer["regimes"]["us_uflpa"] == "presumption"
    assert buyer["tainted"] and mill["balance"]["unit"] == "kg"
    assert buyer["exposure"]["by_quantity"] == 1.0


def test_explain_spells_one_node_out(tmp_path: Path) -> None:
    chain = str(_chain(tmp_path, NODES, EDGES))
    res = runner.invoke(app, ["trace", chain, "--as-of", "2025-06-01", "--explain", "buyer"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    assert record["id"] == "buyer"
    (xj,) = [i for i in record["inherited"] if i["channel"] == "region:CN-XJ"]
    assert xj["path"] == ["gin", "mill", "buyer"] and "gin" in xj["why"]
    uflpa = next(r for r in record["regimes"] if r["regime"] == "us_uflpa")
    assert uflpa["reasons"] and "inherited" in uflpa["reasons"][0]
    bad = runner.invoke(app, ["trace", chain, "--explain", "nobody"])
    assert bad.exit_code == 2 and "nobody" in bad.output


def test_parquet_and_store(tmp_path: Path) -> None:
    import duckdb
    import pyarrow.parquet as pq

    out, db = tmp_path / "trace.parquet", tmp_path / "trace.duckdb"
    chain = str(EXAMPLES / "cotton_apparel")
    res = runner.invoke(
        app, ["trace", chain, "--as-of", "2025-12-01", "-o", str(out), "--store", str(db)]
    )
    assert res.exit_code == 0, res.output
    table = pq.read_table(out)
    assert "brand-us" in table.column("id").to_pylist()
    assert (tmp_path / "trace.parquet.meta.json").is_file()
    con = duckdb.connect(str(db), read_only=True)
    (n,) = con.execute("SELECT count(*) FROM nodes").fetchone() or (0,)
    assert n == table.num_rows
    paths = con.execute(
        "SELECT path FROM inherited WHERE node_id = 'brand-us' AND channel = 'region:CN-XJ'"
    ).fetchall()
    assert paths and all(p[0][-1] == "brand-us" for p in paths)
    con.close()


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
        assert "<svg" in text and "brand-us" in text and "Example Apparel Brand Inc." in text


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
        channel.startswith("listed_entity:watch") and entry[0] == "mill"
        for channel, entry in buyer["inherited"].items()
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
    res = runner.invoke(app, ["trace", chain, "--as-of", "2025-06-01", "--format", "full"])
    assert res.exit_code == 0
    assert "unknown node id 'nobody'" in res.stderr and "column 'to'" in res.stderr
    mill = json.loads(res.stdout.splitlines()[1])
    assert any("negative quantity" in e for e in mill["errors"])
    out = tmp_path / "out.jsonl"
    compact = runner.invoke(app, ["trace", chain, "-o", str(out)])
    assert compact.exit_code == 0
    assert json.loads(out.read_text().splitlines()[1])["errors"] == 1
    problems = (tmp_path / "out.jsonl.errors.csv").read_text(encoding="utf-8")
    assert "unknown node id 'nobody'" in problems and "negative quantity" in problems
    strict = runner.invoke(app, ["trace", chain, "--strict"])
    assert strict.exit_code == 2


def test_no_usable_node(tmp_path: Path) -> None:
    res = runner.invoke(app, ["trace", str(_chain(tmp_path, [], []))])
    assert res.exit_code == 2 and "no usable node" in res.output
