"""The raw official captures the bundled lists are built from (skipped where absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("LABORLENS_SHARED_DIR", ROOT.parent / "shared"))
CAPTURES = SHARED / "data" / "sources"


def capture(relative: str) -> Path:
    path = CAPTURES / relative
    if not path.is_file():
        pytest.skip(f"raw capture {relative} not present (shared research folder)")
    return path


@pytest.fixture(scope="session")
def dhs_page() -> str:
    return capture("dhs/uflpa-entity-list-page-2026-07-09.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def cbp_json() -> str:
    return capture("cbp/wro-findings-fy26-2026-06-23.json").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def ofac_csv() -> bytes:
    return capture("ofac/sdn-2024-05-03.csv").read_bytes()


@pytest.fixture(scope="session")
def bis_json() -> str:
    return capture("bis/entity-list-2026-07-09.json").read_text(encoding="utf-8")
