"""The report's charts are real images with the bars drawn, and the HTML page shows them."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from laborlens.adapters.io.charts import (
    COLOURS,
    report_charts,
    scenario_chart,
    sector_time_chart,
    supplier_chart,
    tier_chart,
)
from laborlens.adapters.io.exposure_report import render_html
from laborlens.core.lists import ListSet


def _fig(value: float) -> dict[str, Any]:
    return {"lines": 1, "value": value, "value_share": 0.5, "quantity": {}, "quantity_share": {}}


REPORT: dict[str, Any] = {
    "regime": "us_uflpa",
    "currency": "USD",
    "as_of": "2025-12-31",
    "totals": {"value": 1000.0, "lines": 4},
    "by_sector": [
        {"sector": "cotton_apparel", "label": "cotton / apparel", "value": 700.0},
        {"sector": "steel", "label": "steel", "value": 300.0},
    ],
    "sector_month": [
        {"sector": "cotton_apparel", "month": "2025-01", "outcome": "presumption", "value": 400.0},
        {
            "sector": "cotton_apparel",
            "month": "2025-02",
            "outcome": "elevated_risk",
            "value": 300.0,
        },
        {"sector": "steel", "month": "2025-02", "outcome": "no_trigger", "value": 300.0},
    ],
    "by_supplier": [
        {
            "supplier": "id:A",
            "label": "A",
            "value": 600.0,
            "by_outcome": {"presumption": _fig(400.0), "elevated_risk": _fig(200.0)},
        },
        {
            "supplier": "id:B",
            "label": "B",
            "value": 400.0,
            "by_outcome": {"no_trigger": _fig(400.0)},
        },
    ],
    "by_tier": [
        {"tier": "1", "value": 400.0, "by_outcome": {"presumption": _fig(400.0)}},
        {
            "tier": "none in the traced chain",
            "value": 600.0,
            "by_outcome": {"no_trigger": _fig(600.0)},
        },
    ],
    "concentration": {"suppliers": 2, "hhi": 5200.0},
}


def _pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"))


def _share_of(pixels: np.ndarray, colour: str) -> float:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    close = np.abs(pixels.astype(int) - rgb).sum(axis=2) <= 12
    return float(close.mean())


@pytest.mark.parametrize("make", [sector_time_chart, supplier_chart, tier_chart])
def test_charts_are_pngs_with_bars_in_the_outcome_colours(make: Any) -> None:
    png = make(REPORT)
    assert png is not None
    pixels = _pixels(png)
    height, width, _ = pixels.shape
    assert width >= 500 and height >= 150
    # bars are drawn: a visible area in the colour of each outcome the data has
    assert _share_of(pixels, COLOURS["presumption"]) > 0.005
    blank = (pixels > 245).all(axis=2).mean()
    assert blank < 0.97


def test_stacking_follows_the_figures() -> None:
    # supplier A: 400 presumption + 200 elevated; the red part is twice the orange part
    pixels = _pixels(supplier_chart(REPORT) or b"")
    red = _share_of(pixels, COLOURS["presumption"])
    orange = _share_of(pixels, COLOURS["elevated_risk"])
    assert 1.6 < red / orange < 2.4


def test_no_data_no_chart() -> None:
    empty = {**REPORT, "sector_month": [], "by_supplier": [], "by_tier": []}
    assert report_charts(empty) == {}


def test_scenario_chart() -> None:
    timeline = [
        {
            "month": f"2025-{m:02d}",
            "phase": "history",
            "remaining": 100.0,
            "moved_covered": 0.0,
            "moved_uncovered": 0.0,
        }
        for m in range(1, 13)
    ]
    timeline += [
        {
            "month": "2026-01",
            "phase": "plan",
            "remaining": 50.0,
            "moved_covered": 30.0,
            "moved_uncovered": 20.0,
        }
    ]
    pixels = _pixels(scenario_chart({"timeline": timeline, "title": "t"}) or b"")
    assert _share_of(pixels, COLOURS["presumption"]) > 0.02
    assert _share_of(pixels, "#1b7837") > 0.001


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def example_report(bundled: ListSet) -> dict[str, Any]:
    from datetime import date

    from laborlens.ops.exposure import exposure

    return exposure(
        [EXAMPLES / "exposure" / "orders.csv"],
        as_of=date(2025, 12, 31),
        lists=bundled,
        suppliers=EXAMPLES / "suppliers.csv",
        chains=[EXAMPLES / "chains" / "solar" / "chain.json"],
    )


def _page(tmp_path: Path, report: dict[str, Any]) -> Path:
    page = tmp_path / "report.html"
    page.write_text(render_html(report, report_charts(report)), encoding="utf-8")
    return page


def test_html_embeds_every_chart_as_a_decodable_png(
    tmp_path: Path, example_report: dict[str, Any]
) -> None:
    html = _page(tmp_path, example_report).read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 3
    for data in images:
        _pixels(base64.b64decode(data))
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.slow
@pytest.mark.skipif(_browser() is None, reason="no headless Chromium on this machine")
def test_page_renders_in_a_headless_browser_with_its_charts(
    tmp_path: Path, example_report: dict[str, Any]
) -> None:
    page = _page(tmp_path, example_report)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            str(_browser()),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,3000",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pixels = _pixels(shot.read_bytes())
    # the page's charts are painted: their presumption red is on screen
    assert _share_of(pixels, COLOURS["presumption"]) > 0.002
