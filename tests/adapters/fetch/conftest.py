"""Publisher files for the updater tests, made from the raw captures (skipped where absent)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CAPTURES = Path(os.environ.get("LABORLENS_SHARED_DIR", ROOT.parent / "shared")) / "data" / "sources"


def _read(relative: str) -> bytes:
    path = CAPTURES / relative
    if not path.is_file():
        pytest.skip(f"raw capture {relative} not present (shared research folder)")
    return path.read_bytes()


def cbp_csv_from_json(raw: bytes) -> bytes:
    """CBP's CSV layout rebuilt from the JSON parse of the same file (same rows and columns)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "Country",
            "Entity",
            "Effective Date",
            "Status",
            "WRO/Finding",
            "Industry",
            "Merchandise",
            "Remarks",
            "Press Release",
        ]
    )
    for e in json.loads(raw)["entities"]:
        parts = dict(p.split(": ", 1) for p in e["notes"].split("; ")[1:] if ": " in p)
        y, m, d = e["effective_date"].split("-")
        w.writerow(
            [
                e["country"],
                e["name"],
                f"{int(m)}/{int(d)}/{y}",
                e["status"],
                e["notes"].split(";")[0],
                parts.get("Industry", ""),
                parts.get("Merchandise", ""),
                parts.get("Remarks", ""),
                "",
            ]
        )
    return out.getvalue().encode("utf-8")


def csl_from_bis_json(raw: bytes) -> bytes:
    """trade.gov CSL rows (Entity List source) made from the BIS capture's entries."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "_id",
            "source",
            "name",
            "alt_names",
            "addresses",
            "federal_register_notice",
            "start_date",
            "license_requirement",
        ]
    )
    for n, e in enumerate(json.loads(raw)["entities"]):
        w.writerow(
            [
                n,
                "Entity List (EL) - Bureau of Industry and Security",
                e["name"],
                "; ".join(e["aliases"]),
                f"{e['address'] or ''}, {e['country']}",
                (e["federal_register"] or "").replace("\n", " "),
                "",
                e["notes"],
            ]
        )
    return out.getvalue().encode("utf-8")


@pytest.fixture(scope="session")
def publisher() -> dict[str, bytes]:
    """URL -> what the publisher serves (built from the captures)."""
    from laborlens.adapters.fetch import update

    cbp_csv = cbp_csv_from_json(_read("cbp/wro-findings-fy26-2026-06-23.json"))
    page = (
        b'<html><a href="/sites/default/files/2026-06/withhold-release-orders-findings-fy26-'
        b'2026-06-23.csv">Withhold Release Orders and Findings Dataset</a></html>'
    )
    return {
        update.UFLPA_URL: _read("dhs/uflpa-entity-list-page-2026-07-09.html"),
        update.CBP_URL: page,
        "https://www.cbp.gov/sites/default/files/2026-06/withhold-release-orders-findings-fy26-"
        "2026-06-23.csv": cbp_csv,
        update.OFAC_SDN_URLS[0]: _read("ofac/sdn-2024-05-03.csv"),
        update.BIS_CSL_URL: csl_from_bis_json(_read("bis/entity-list-2026-07-09.json")),
    }
