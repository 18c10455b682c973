"""Column mapping of order files, sector groups, outcomes and the taint tier of a key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from laborlens.core.exposure import keys
from laborlens.core.exposure.fields import OrderColumns, describe_missing
from laborlens.core.model import Record
from laborlens.core.products import sectors_of
from laborlens.core.screen import ScreeningIndex, screen_batch

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_erp_and_customs_headers_map_to_order_fields() -> None:
    cols = OrderColumns.from_headers(
        [
            "PO Number",
            "Line",
            "Vendor Code",
            "Vendor Name",
            "Supplier Address",
            "City",
            "Country of Origin",
            "HTS",
            "Description",
            "Qty",
            "UOM",
            "Line Amount",
            "Curr",
            "Order Date",
            "Buyer",
        ]
    )
    assert cols.fields == (
        "order_id",
        "line_id",
        "supplier_id",
        "name",
        "address",
        "address",
        "country",
        "hs_code",
        "product",
        "quantity",
        "unit",
        "value",
        "currency",
        "date",
        None,
    )
    chinese = OrderColumns.from_headers(
        ["供应商编号", "供应商名称", "海关编码", "数量", "单位", "金额", "币制", "日期"]
    )
    assert chinese.fields == (
        "supplier_id",
        "name",
        "hs_code",
        "quantity",
        "unit",
        "value",
        "currency",
        "date",
    )
    assert describe_missing(cols) is None


def test_a_file_without_measure_or_subject_says_so() -> None:
    assert "value or a quantity" in (
        describe_missing(OrderColumns.from_headers(["supplier_name", "hs_code"])) or ""
    )
    assert "who supplied" in (describe_missing(OrderColumns.from_headers(["qty", "amount"])) or "")


def test_sector_groups(index: ScreeningIndex) -> None:
    def group(hs: str | None, product: str | None) -> str:
        rec = Record(row=1, id="1", hs_code=hs, product=product)
        return keys.sector_group(sectors_of(index.products, rec), bool(hs or product))[0]

    assert group("6109.10", "cotton T-shirts") == "cotton_apparel"
    assert group("5201", None) == "cotton_apparel"
    assert group("8541.43", "solar modules") == "polysilicon_solar"
    assert group("7208.10", None) == "steel"
    assert group("8471.30", "laptops") == keys.OTHER
    assert group(None, None) == keys.UNDETERMINED
    assert keys.resolve_sector("cotton").id == "cotton_apparel"  # type: ignore[union-attr]
    assert keys.resolve_sector("Polysilicon / Solar").id == "polysilicon_solar"  # type: ignore[union-attr]
    assert keys.resolve_sector("caustic soda").id == "caustic_soda"  # type: ignore[union-attr]
    assert keys.resolve_sector("widgets") is None


def test_stronger_outcome() -> None:
    assert keys.stronger("no_trigger", "presumption") == "presumption"
    assert keys.stronger("elevated_risk", "prohibited_entity") == "prohibited_entity"
    assert keys.stronger("not_in_force", "no_trigger") == "no_trigger"


def test_supplier_identity() -> None:
    assert keys.supplier_key({"supplier_id": "S-1", "name": "A"}) == "id:S-1"
    assert keys.supplier_key({"name": "ACME Co., Ltd.", "country": "cn"}) == "name:acme co ltd|CN"
    assert keys.supplier_key({}) == keys.UNDETERMINED
    assert not keys.party_known({"supplier_id": "S-1", "country": "CN"})
    assert keys.party_known({"address": "Kashgar"})


def test_outcome_is_undetermined_without_a_supplier(index: ScreeningIndex) -> None:
    rec = Record(row=1, id="1", hs_code="6109.10", product="cotton T-shirts")
    result = screen_batch([rec], index, date(2025, 12, 31))[0]
    facts = keys.key_facts(
        result,
        sectors_of(index.products, rec),
        regimes=("us_uflpa", "eu_flr"),
        party_known=False,
        product_known=True,
    )
    # the EU regulation is not in force yet: that much is determined
    assert facts.outcomes == (keys.UNDETERMINED, "not_in_force")
    assert facts.tier == keys.UNDETERMINED


def test_taint_tier_from_a_traced_chain(index: ScreeningIndex) -> None:
    from laborlens.ops.tracing import load_chain, trace

    chain = load_chain(EXAMPLES / "chains" / "solar" / "chain.json")
    traced = trace(chain, index=index, as_of=date(2025, 12, 1))
    node = traced.node("module-my")
    rec = Record(
        row=1,
        id="module-my",
        name="Example PV Modules Sdn. Bhd. (fictitious)",
        country="MY",
        hs_code="8541.43",
        product="solar modules",
    )
    result = screen_batch([rec], index, date(2025, 12, 1))[0]
    assert keys.taint_tier(result, None) == keys.TIER_NOT_TRACED
    # Daqo (listed) -> wafers (Jiangsu) -> cells (MY) -> modules: the taint enters at tier 4
    assert keys.taint_tier(result, node) == "4"
    facts = keys.key_facts(
        result, None, regimes=("us_uflpa",), party_known=True, product_known=True, node=node
    )
    assert facts.outcomes == ("presumption",)
    assert facts.chain_node == "module-my"
    found = keys.ChainIndex.build([(node, ["Example PV Modules Sdn. Bhd. (fictitious)"])])
    assert found.find(None, ["example pv modules sdn bhd (fictitious)"]) is node
    assert found.find("module-my", []) is node


@pytest.mark.parametrize("name", ["Xinjiang Daqo New Energy Co., Ltd."])
def test_tier_one_when_the_supplier_itself_is_listed(index: ScreeningIndex, name: str) -> None:
    result = screen_batch([Record(row=1, id="1", name=name)], index, date(2025, 12, 1))[0]
    assert keys.taint_tier(result, None) == "1"
