"""``laborlens regimes`` and ``laborlens explain``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

runner = CliRunner()


def test_regimes_lists_every_regime_and_sector_dates() -> None:
    res = runner.invoke(app, ["regimes", "--as-of", "2025-01-01"])
    assert res.exit_code == 0, res.output
    for rid in ("us_uflpa", "us_307", "eu_flr", "ca_forced_labour", "mx_forced_labour"):
        assert rid in res.output
    assert "2027-12-14" in res.output and "2024-07-09" in res.output
    assert "red dates" in res.output


def test_regimes_json_with_evidence() -> None:
    res = runner.invoke(app, ["regimes", "--format", "json", "--as-of", "2026-01-01", "--evidence"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    by_id = {r["id"]: r for r in doc["regimes"]}
    assert by_id["eu_flr"]["in_force"] is False and by_id["us_uflpa"]["in_force"] is True
    assert by_id["us_uflpa"]["presumption"] is True
    sectors = {s["sector"]: s["designated_on"] for s in by_id["us_uflpa"]["sectors"]}
    assert sectors["steel"] == "2025-08-19"
    assert any(c["id"] == "due_diligence_system" for c in doc["evidence_categories"])


def test_explain_prints_the_chain() -> None:
    res = runner.invoke(
        app,
        [
            "explain",
            "--address",
            "Urumqi, Xinjiang",
            "--product",
            "100% cotton T-shirts",
            "--country",
            "CN",
            "--as-of",
            "2026-01-01",
        ],
    )
    assert res.exit_code == 0, res.output
    out = res.output
    assert "presumption" in out and "us_uflpa.geography_xuar" in out
    assert "UFLPA §3(a)" in out  # legal effect
    assert "citation Uyghur Forced Labor" in out  # the statute first, not a secondary source
    assert "Applicability review" in out and "evidence_not_from_xuar" in out
    assert "not_in_force" in out  # eu_flr in 2026


def test_explain_json_has_reasons_and_evidence_plan() -> None:
    res = runner.invoke(
        app,
        [
            "explain",
            "--product",
            "aluminium extrusions",
            "--hs-code",
            "7604.21",
            "--country",
            "CN",
            "--as-of",
            "2024-07-09",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    uflpa = next(r for r in doc["regimes"] if r["regime"] == "us_uflpa")
    assert uflpa["outcome"] == "elevated_risk"
    assert uflpa["reason_details"][0]["rule"] == "us_uflpa.high_priority_sector_china"
    assert "product_specific_documentation" in uflpa["evidence_needed"]
    assert doc["evidence_plan"]["us_uflpa"][0]["path"] == "sector_readiness"
    before = runner.invoke(
        app,
        [
            "explain",
            "--product",
            "aluminium extrusions",
            "--country",
            "CN",
            "--as-of",
            "2024-07-08",
            "--format",
            "json",
        ],
    )
    early = json.loads(before.output)
    assert next(r for r in early["regimes"] if r["regime"] == "us_uflpa")["outcome"] == "no_trigger"


def test_explain_from_file_row(tmp_path: Path) -> None:
    path = tmp_path / "po.csv"
    path.write_text(
        "id,name,product,hs_code\nA,Acme Ltd,ceramic mugs,6912.00\n"
        "B,Some Mill,cotton yarn,5205.11\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        app,
        ["explain", "--file", str(path), "--row", "2", "--format", "json", "--as-of", "2026-01-01"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["id"] == "B" and any(f.get("sector") == "cotton" for f in doc["findings"])


def test_explain_bad_hs_code_is_reported_not_fatal() -> None:
    res = runner.invoke(app, ["explain", "--hs-code", "77.01", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert any("hs_code" in e for e in json.loads(res.output)["errors"])


def test_explain_argument_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["explain"]).exit_code == 2
    assert runner.invoke(app, ["explain", "--country", "CN"]).exit_code == 2
    res = runner.invoke(app, ["explain", "--product", "x", "--as-of", "2026-13-01"])
    assert res.exit_code == 2 and "--as-of" in res.output
    assert runner.invoke(app, ["explain", "--file", str(tmp_path / "none.csv")]).exit_code == 2
    missing = runner.invoke(app, ["explain", "--file", str(tmp_path / "none.csv"), "--row", "1"])
    assert missing.exit_code == 2 and "none.csv" in missing.output
    path = tmp_path / "one.csv"
    path.write_text("name\nAcme\n", encoding="utf-8")
    res = runner.invoke(app, ["explain", "--file", str(path), "--row", "5"])
    assert res.exit_code == 2 and "no data row 5" in res.output
    assert runner.invoke(app, ["regimes", "--format", "xml"]).exit_code == 2
