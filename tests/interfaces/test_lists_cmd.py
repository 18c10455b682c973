"""``laborlens lists``: every list with date, rows, version and completeness warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

runner = CliRunner()
BUNDLED = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_ofac_sdn", "us_dol_tvpra")


def test_table_shows_the_four_lists_with_dates_and_warnings() -> None:
    result = runner.invoke(app, ["lists"])
    assert result.exit_code == 0, result.output
    for list_id in BUNDLED:
        assert list_id in result.stdout
    assert "PARTIAL" in result.stdout and "UNVERIFIED" in result.stdout
    assert "2026-08-20" in result.stdout  # UFLPA snapshot date
    assert "8,976" in result.stdout  # OFAC rows


def test_json_format() -> None:
    result = runner.invoke(app, ["lists", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == list(BUNDLED)
    for d in data:
        assert {
            "title",
            "snapshot_date",
            "rows",
            "version",
            "complete",
            "completeness_note",
        } <= set(d)
        assert d["version"].startswith(d["snapshot_date"])
    uflpa = data[0]
    assert uflpa["complete"] is False and "PARTIAL" in uflpa["completeness_note"]


def test_user_lists_are_shown(tmp_path: Path) -> None:
    path = tmp_path / "watch.csv"
    path.write_text("name,list\nFoo Ltd,red\nBar Ltd,amber\nBaz Ltd,red\n", encoding="utf-8")
    result = runner.invoke(app, ["lists", "--list-file", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    users = {d["id"]: d for d in json.loads(result.stdout) if d["user"]}
    assert set(users) == {"red", "amber"}
    assert users["red"]["rows"] == 2


def test_bad_arguments_exit_2(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["lists", "--format", "xml"])
    assert bad.exit_code == 2 and "unknown format 'xml'" in bad.stderr
    missing = runner.invoke(app, ["lists", "--list-file", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "none.csv: file not found" in missing.stderr
    clash = tmp_path / "us_ofac_sdn.csv"
    clash.write_text("name\nFoo\n", encoding="utf-8")
    reused = runner.invoke(app, ["lists", "--list-file", str(clash)])
    assert reused.exit_code == 2 and "already in use" in reused.stderr


def test_lists_update_failure_is_a_clean_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from laborlens.adapters.fetch import update

    def offline(url: str, timeout: float = 60.0) -> bytes:
        raise update.UpdateError(f"could not download {url}: network is unreachable")

    monkeypatch.setattr(update, "http_fetch", offline)
    monkeypatch.setenv("LABORLENS_DATA_DIR", str(tmp_path))
    res = runner.invoke(app, ["lists", "update", "us_uflpa_entity_list"])
    assert res.exit_code == 2
    assert "could not download" in res.output and "Traceback" not in res.output


def test_downloaded_lists_replace_bundled_in_screening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from laborlens.adapters.fetch import update
    from laborlens.ops.screening import load_lists

    html = "".join(
        "<table><tr><th>Name of Entity</th><th>Effective Date</th></tr>"
        + "".join(
            f"<tr><td>Example Listed Cotton {c}{i} Co., Ltd.</td><td>June 21, 2022</td></tr>"
            for i in range(25)
        )
        + "</table>"
        for c in "abcd"
    )
    update.update_lists(
        tmp_path, ["us_uflpa_entity_list"], fetch=lambda u: html.encode(), today=date(2026, 11, 1)
    )
    lists = load_lists(data_dir=tmp_path)
    assert lists.info("us_uflpa_entity_list").entries == 100
    assert load_lists().info("us_uflpa_entity_list").entries == 20
