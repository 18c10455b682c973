"""One registry: sectors, their designation dates and the taint regions come from the regimes,
and every other resource names sectors with the same plain-word ids."""

from __future__ import annotations

from datetime import date

import pytest

from laborlens.core import resources
from laborlens.core.model import in_force
from laborlens.core.rules import load_regimes

REGIMES = load_regimes()
SECTORS = set(REGIMES.designations())


def test_sector_ids_are_plain_words() -> None:
    assert "caustic soda" in SECTORS and "red dates" in SECTORS
    assert not any("_" in s for s in SECTORS)


def test_every_resource_names_sectors_of_the_registry() -> None:
    materials = resources.read_yaml("chain/materials.yaml")["materials"]
    used = {m["sector"] for m in materials if m.get("sector")}
    used |= set(resources.read_yaml("products/hs_sectors.yaml")["sectors"])
    for spec in resources.read_yaml("products/dol_goods.yaml")["goods"].values():
        used |= set(spec.get("sectors") or ())
    for concept in resources.read_yaml("products/lexicon.yaml")["concepts"]:
        used |= set(concept.get("sectors") or ())
    assert used <= SECTORS, used - SECTORS


def test_taint_regions_come_from_the_regimes() -> None:
    assert REGIMES.taint_regions == frozenset({"CN-XJ"})


def test_designations_as_of_a_date() -> None:
    before = {s for r, s in REGIMES.designated(date(2024, 7, 8)) if r == "us_uflpa"}
    after = {s for r, s in REGIMES.designated(date(2024, 7, 9)) if r == "us_uflpa"}
    assert after - before == {"aluminum", "pvc", "seafood"}


@pytest.mark.parametrize(
    ("as_of", "start", "end", "applies"),
    [
        (date(2024, 1, 1), None, None, True),
        (date(2024, 1, 1), date(2024, 1, 1), None, True),
        (date(2023, 12, 31), date(2024, 1, 1), None, False),
        (date(2024, 6, 30), date(2024, 1, 1), date(2024, 7, 1), True),
        (date(2024, 7, 1), date(2024, 1, 1), date(2024, 7, 1), False),
    ],
)
def test_one_as_of_filter(as_of: date, start: date | None, end: date | None, applies: bool) -> None:
    assert in_force(as_of, start, end) is applies
