"""``laborlens alternatives``: candidates, screening, ranking, the scenario, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
SOURCES = [
    "--orders",
    str(EXAMPLES / "exposure" / "orders.csv"),
    "--suppliers",
    str(EXAMPLES / "exposure" / "supplier_master.csv"),
    "--facilities",
    str(EXAMPLES / "facilities" / "os_hub_sample.csv"),
    "--chain",
    str(EXAMPLES / "chains" / "cotton_apparel"),
    "--as-of",
    "2025-12-31",
    "--workers",
    "1",
]


def _run(*args: str) -> Any:
    return runner.invoke(app, ["alternatives", *args])


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("alt") / "plan.json"
    result = _run(
        "--sector", "apparel", *SOURCES, "--replace", "60", "--by", "2026-09-30", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_candidates_from_all_three_sources_screened_and_ranked(plan: dict[str, Any]) -> None:
    cands = plan["candidates"]
    assert plan["sector"] == "cotton_apparel"
    assert {s for c in cands for s in c["sources"]} == {"orders", "suppliers", "facilities"}
    eligible = [c["eligible"] for c in cands]
    assert eligible == sorted(eligible, reverse=True)  # eligible first
    blocked = {c["name"]: c for c in cands if not c["eligible"]}
    # listed, in Xinjiang or tainted through the traced chain: never a replacement
    assert {
        "Aksu Huafu Textiles Co., Ltd.",
        "Kashgar Silk Road Garment Co. Ltd",
        "Korla Cotton Knitting Co. Ltd (fictitious)",
        "Example Apparels Ltd. (fictitious)",
    } <= set(blocked)
    assert all(c["reasons"] for c in blocked.values())
    facility = next(c for c in cands if c["sources"] == ["facilities"])
    assert facility["citation"].startswith("opensupplyhub/open-supply-hub@")
    assert facility["sector_fit"] == "likely"


def test_scenario_allocates_within_capacity_and_reconciles(plan: dict[str, Any]) -> None:
    s = plan["scenario"]
    assert s["replace_pct"] == 60 and s["by"] == "2026-09-30"
    base, move = s["baseline"], s["to_move"]
    assert move["value_per_year"] == pytest.approx(0.6 * base["tainted_value_per_year"], abs=0.02)
    for unit, q in move["quantity_per_year"].items():
        assert q == pytest.approx(0.6 * base["tainted_quantity_per_year"][unit], rel=1e-6)
        assert s["covered"]["quantity_per_year"][unit] + s["gap"]["quantity_per_year"][unit] == (
            pytest.approx(q)
        )
    for c in s["candidates"]:
        if c["allocated"]:
            assert c["eligible"] and c["allocated"] <= c["capacity_available"] + 1e-6
            assert c["allocated_unit"] == c["capacity_unit"]
    assert 0 <= s["covered"]["share_of_target"] <= 1
    after = s["after"]
    assert (
        after["tainted_share_if_all_moved"]
        <= after["tainted_share_if_covered_moved"]
        <= (base["tainted_share"])
    )
    phases = [m["phase"] for m in s["timeline"]]
    assert phases.count("history") == 12 and phases.count("plan") == 9


def test_country_filter_and_html(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = _run(
        "--sector",
        "cotton",
        *SOURCES,
        "--country",
        "Bangladesh",
        "--country",
        "VN",
        "--replace",
        "50",
        "--by",
        "2026-06-30",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 1
    assert "Korla" not in html  # filtered out: not in BD or VN
    json_out = tmp_path / "bd.json"
    _run("--sector", "cotton", *SOURCES, "--country", "BD", "-o", str(json_out))
    data = json.loads(json_out.read_text(encoding="utf-8"))
    assert data["candidates"] and {c["country"] for c in data["candidates"]} == {"BD"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sector", "widgets", "--facilities", "x.csv"], "--sector: 'widgets' is not a sector"),
        (["--sector", "apparel"], "give at least one of"),
        (["--sector", "apparel", "--facilities", "nope.csv"], "nope.csv"),
        (["--sector", "apparel", *SOURCES, "--replace", "50"], "--replace and --by go together"),
        (
            [
                "--sector",
                "apparel",
                "--facilities",
                str(EXAMPLES / "facilities" / "os_hub_sample.csv"),
                "--replace",
                "50",
                "--by",
                "2026-01-01",
            ],
            "--replace needs --orders",
        ),
        (["--sector", "apparel", *SOURCES, "--replace", "150", "--by", "2026-06-30"], "--replace"),
        (["--sector", "apparel", *SOURCES, "--replace", "50", "--by", "2025-01-01"], "--by"),
        (["--sector", "apparel", *SOURCES, "--by", "soon", "--replace", "5"], "--by: 'soon'"),
        (["--sector", "apparel", *SOURCES, "--country", "Atlantis"], "--country: 'Atlantis'"),
    ],
)
def test_unusable_options_exit_2(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
