"""``laborlens screen``: the DESIGN.md §3.2 contract end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SUPPLIERS = EXAMPLES / "suppliers.csv"
runner = CliRunner()
KEYS = {"id", "row", "risk", "findings", "regimes", "errors"}
REGIME_IDS = {"us_uflpa", "us_307", "eu_flr", "ca_forced_labour", "mx_forced_labour"}


def _run(*args: str) -> Any:
    return runner.invoke(app, ["screen", *args])


def _jsonl(*args: str) -> list[dict[str, Any]]:
    result = _run(*args, "--format", "jsonl", "--quiet")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _listed(rec: dict[str, Any], list_id: str | None = None) -> list[dict[str, Any]]:
    return [
        f
        for f in rec["findings"]
        if f["kind"] == "listed_entity" and (list_id is None or f["list"] == list_id)
    ]


@pytest.fixture(scope="module")
def example() -> list[dict[str, Any]]:
    return _jsonl(str(SUPPLIERS), "--as-of", "2026-06-30")


def test_one_record_per_row_in_order_with_contract_fields(example: list[dict[str, Any]]) -> None:
    assert len(example) == 55
    assert [r["row"] for r in example] == list(range(1, 56))
    assert [r["id"] for r in example] == [f"S-{i:03d}" for i in range(1, 56)]
    for rec in example:
        assert set(rec) >= KEYS
        assert rec["risk"] in ("high", "medium", "low", "none")
        assert {o["regime"] for o in rec["regimes"]} == REGIME_IDS
        assert rec["as_of"] == "2026-06-30"
        assert rec["extra"]["buyer"]  # extra columns carried through
        for f in rec["findings"]:
            assert f["why"]
            if f["kind"] in ("listed_entity", "related_party"):
                assert f["list"] and f["entry_id"] and f["entry_name"] and 0 <= f["score"] <= 1
                assert f["match"] in ("strong", "possible") if f["kind"] == "listed_entity" else 1


def test_verbatim_and_alias_hits(example: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in example}
    verbatim = _listed(by_id["S-001"], "us_uflpa_entity_list")
    assert verbatim and verbatim[0]["match"] == "strong"
    assert verbatim[0]["entry_name"] == "Xinjiang Daqo New Energy Co., Ltd."
    assert by_id["S-001"]["risk"] == "high"
    alias = _listed(by_id["S-008"], "us_uflpa_entity_list")  # Xinjiang Joinworld (alias)
    assert alias and alias[0]["entry_name"] == "Xinjiang Zhonghe Co., Ltd."
    xpcc = _listed(by_id["S-004"], "us_ofac_sdn")
    assert xpcc and xpcc[0]["entry_name"] == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"
    wro = _listed(by_id["S-005"], "us_cbp_wro_findings")
    assert wro and wro[0]["match"] == "strong"
    assert any(
        o["regime"] == "us_307" and o["outcome"] != "no_trigger" for o in by_id["S-005"]["regimes"]
    )


def test_urumqi_address_is_xinjiang(example: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in example}
    for sid in ("S-021", "S-025"):  # 乌鲁木齐 (Chinese), Ürümqi (diacritic)
        regions = [f["region"] for f in by_id[sid]["findings"] if f["kind"] == "region"]
        assert "CN-XJ" in regions, sid


def test_bad_rows_get_errors_naming_the_column(example: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in example}
    assert by_id["S-051"]["errors"] and by_id["S-051"]["findings"] == []
    assert "column 'lat'" in by_id["S-052"]["errors"][0]
    assert "suppliers.csv, row 52" in by_id["S-052"]["errors"][0]
    assert "column 'lon'" in by_id["S-053"]["errors"][0]
    assert sum(bool(r["errors"]) for r in example) == 3


def test_gbk_and_xlsx_variants_screen_like_the_csv(example: list[dict[str, Any]]) -> None:
    risk = {r["id"]: r["risk"] for r in example}
    gbk = _jsonl(str(EXAMPLES / "suppliers_gbk.csv"), "--as-of", "2026-06-30")
    assert len(gbk) == 43
    assert all(risk[r["id"]] == r["risk"] for r in gbk if not r["errors"])
    xlsx = _jsonl(str(EXAMPLES / "suppliers.xlsx"), "--as-of", "2026-06-30")
    assert [r["risk"] for r in xlsx] == [r["risk"] for r in example]
    forced = _jsonl(
        str(EXAMPLES / "suppliers_gbk.csv"), "--encoding", "gbk", "--as-of", "2026-06-30"
    )
    assert forced == gbk


def test_several_inputs_keep_order_file_after_file(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("name\nFoo Ltd\nBar Ltd\n", encoding="utf-8")
    b = tmp_path / "b.jsonl"
    b.write_text('{"name": "Baz"}\n', encoding="utf-8")
    out = _jsonl(str(a), str(b))
    assert [(r["id"], r["row"]) for r in out] == [("1", 1), ("2", 2), ("1", 1)]


def test_lists_restriction_and_unknown_list(tmp_path: Path) -> None:
    out = _jsonl(str(SUPPLIERS), "--lists", "us_ofac_sdn")
    assert not _listed(out[0], "us_uflpa_entity_list")
    assert _listed(out[3], "us_ofac_sdn")
    assert all(f.get("list") in (None, "us_ofac_sdn") for r in out for f in _listed(r))
    bad = _run(str(SUPPLIERS), "--lists", "us_ofac_sdn,nope")
    assert bad.exit_code == 2
    assert "unknown list id 'nope'" in bad.stderr
    assert "Traceback" not in bad.output


def test_user_list_file(tmp_path: Path) -> None:
    watch = tmp_path / "watchlist.csv"
    watch.write_text(
        "id,name,aliases,address,country,registration_id\n"
        'W1,"Guangzhou Pearl River Garment Co. Ltd",广州珠江制衣有限公司,Guangzhou,CN,\n'
        "W2,,,Beijing,CN,\n",
        encoding="utf-8",
    )
    result = _run(
        str(SUPPLIERS), "--list-file", str(watch), "--lists", "watchlist", "--format", "jsonl", "-q"
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    hits = _listed(out[34], "watchlist")
    assert out[34]["id"] == "S-035" and hits and hits[0]["entry_id"] == "W1"
    assert "list row skipped" in result.stderr and "row 2" in result.stderr


def test_as_of_before_a_listing_date() -> None:
    early = _jsonl(str(SUPPLIERS), "--as-of", "2020-01-01")
    assert not _listed(early[0], "us_uflpa_entity_list")  # listed 2024-11-25
    assert all(
        o["outcome"] == "not_in_force" for o in early[0]["regimes"] if o["regime"] == "us_uflpa"
    )


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "2024/01/01", "20240101"])
def test_malformed_as_of(value: str) -> None:
    result = _run(str(SUPPLIERS), "--as-of", value)
    assert result.exit_code == 2
    assert f"--as-of: '{value}' is not a date" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "missing.csv: file not found"),
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("header.csv", b"name,address\r\n", "header.csv: the file has a header row but no data"),
        ("notes.pdf", b"%PDF", "unsupported file type '.pdf'"),
        ("latin.csv", b"name\n\xff\xfe\x00\x00\x00\xd8", "cannot"),
    ],
)
def test_unusable_input_exits_2_naming_the_file(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = _run(str(path), "--format", "jsonl")
    assert result.exit_code == 2, result.output
    assert name in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_undecodable_with_forced_encoding(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("名称\n新疆\n".encode("gbk"))
    result = _run(str(path), "--encoding", "utf-8")
    assert result.exit_code == 2
    assert "gbk.csv: line 1" in result.stderr and "--encoding" in result.stderr


def test_ten_thousand_character_field_is_cut_and_the_rest_screened(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        f'name,address\nFoo Ltd,{"x" * 10_000}\n"Xinjiang Daqo New Energy Co., Ltd.",Shihezi\n',
        encoding="utf-8",
    )
    out = _jsonl(str(path))
    assert len(out) == 2
    assert "column 'address'" in out[0]["errors"][0] and "10,000" in out[0]["errors"][0]
    assert _listed(out[1], "us_uflpa_entity_list")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".html", ".jsonl", ".txt"])
def test_output_files_by_suffix(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"report{suffix}"
    result = _run(str(SUPPLIERS), "--output", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    assert not list(tmp_path.glob(".*partial"))
    assert "55 rows" in result.stderr
    if suffix == ".jsonl":
        assert len(target.read_text(encoding="utf-8").splitlines()) == 55
    if suffix == ".html":
        html = target.read_text(encoding="utf-8")
        assert "Xinjiang Daqo New Energy" in html and "STALE: snapshot of" in html


def test_xlsx_needs_output_and_bad_format() -> None:
    assert _run(str(SUPPLIERS), "--format", "xlsx").exit_code == 2
    bad = _run(str(SUPPLIERS), "--format", "pdf")
    assert bad.exit_code == 2 and "unknown format 'pdf'" in bad.stderr
    assert _run(str(SUPPLIERS), "--workers", "0").exit_code == 2


def test_table_format_lists_hits_and_summary() -> None:
    result = _run(str(SUPPLIERS), "--format", "table", "--as-of", "2026-06-30")
    assert result.exit_code == 0
    assert "Xinjiang Daqo New Energy" in result.stdout
    assert "55 rows:" in result.stdout and "THIRD-PARTY PARSE" in result.stdout


def test_workers_give_identical_results(example: list[dict[str, Any]]) -> None:
    parallel = _jsonl(str(SUPPLIERS), "--as-of", "2026-06-30", "--workers", "2")
    assert parallel == example
