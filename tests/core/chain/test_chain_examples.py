"""The example chains traced with the real screening pipeline and bundled lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from laborlens.core.screen import ScreeningIndex
from laborlens.ops.tracing import trace

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "chains"
AS_OF = date(2025, 12, 1)


@pytest.mark.parametrize(
    ("path", "importer", "xj_sources"),
    [
        ("solar/chain.json", "importer-us", {"hoshine", "daqo-xj"}),
        ("cotton_apparel", "brand-us", {"junggar", "aksu-gin", "huafu-aksu"}),
        ("aluminium_auto/chain.json", "oem-us", {"smelter-xj"}),
    ],
)
def test_example_importer_inherits_xinjiang_with_paths(
    index: ScreeningIndex, path: str, importer: str, xj_sources: set[str]
) -> None:
    res = trace(EXAMPLES / path, as_of=AS_OF, index=index)
    node = res.node(importer)
    assert node.tainted
    xj = [i for i in node.inherited if i.channel == "region:CN-XJ"]
    assert {i.source for i in xj} == xj_sources
    for i in xj:
        assert i.path[0] == i.source and i.path[-1] == importer
        assert len(i.hops) == len(i.path) - 1
    assert [i for i in node.inherited if i.kind == "routing"]
    assert not res.errors


def test_solar_mass_balance_flags_the_wafer_maker(index: ScreeningIndex) -> None:
    res = trace(EXAMPLES / "solar" / "chain.json", as_of=AS_OF, index=index)
    (row,) = res.node("wafer-js").mass_balance
    # 30 t of clean polysilicon make ~1.8 M wafers; 4.5 M were declared untainted
    assert row.status == "shortfall" and row.unit == "pcs"
    assert row.shortfall == pytest.approx(4_500_000 - 30_000 * 60)
    assert res.node("wafer-js").exposure.by_quantity == pytest.approx(50 / 80)


def test_cotton_listing_is_not_in_force_before_its_date(index: ScreeningIndex) -> None:
    # Aksu Huafu (listed as Aksu Huafu Textiles) is on the list since 2022-06-21
    before = trace(EXAMPLES / "cotton_apparel", as_of=date(2022, 6, 20), index=index)
    after = trace(EXAMPLES / "cotton_apparel", as_of=AS_OF, index=index)

    def listed_sources(r: object) -> set[str]:
        node = r.node("brand-us")  # type: ignore[attr-defined]
        return {
            i.source for i in node.inherited if i.channel == "listed_entity:us_uflpa_entity_list"
        }

    assert "huafu-aksu" not in listed_sources(before)
    assert "huafu-aksu" in listed_sources(after)


def test_followthemoney_example(index: ScreeningIndex) -> None:
    res = trace(EXAMPLES / "ftm_ownership" / "entities.jsonl", as_of=AS_OF, index=index)
    holding = res.node("co-holding")
    rp = [f for f in holding.findings if f.kind == "related_party"]
    assert rp and dict(rp[0].details)["counterpart"] == "co-xj-mill"
    assert not holding.tainted
    knitter = res.node("co-knitter")
    assert {i.channel for i in knitter.inherited} >= {
        "region:CN-XJ",
        "listed_entity:us_cbp_wro_findings",
    }
    assert all(i.path[0] == "co-junggar" for i in knitter.inherited if i.kind == "region")
