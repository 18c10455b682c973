"""Third-country routing: the last producer outside China with Chinese high-priority inputs."""

from __future__ import annotations

from datetime import date

from chain_helpers import chain, run

NODES = [
    {"id": "poly", "name": "Poly", "country": "CN", "role": "polysilicon refiner"},
    {"id": "cell", "name": "Cell", "country": "MY", "role": "cell maker"},
    {"id": "trader", "name": "Trader", "country": "SG", "role": "trader"},
    {"id": "buyer", "name": "Buyer", "country": "US", "role": "importer"},
]


def test_routing_flags_the_producer_and_travels_downstream() -> None:
    ch = chain(
        NODES,
        [
            {"from": "poly", "to": "cell", "product": "polysilicon", "hs_code": "2804.61"},
            {"from": "cell", "to": "trader", "product": "solar cells", "hs_code": "8541.42"},
            {"from": "trader", "to": "buyer", "product": "solar cells", "hs_code": "8541.42"},
        ],
    )
    res = run(ch)
    (f,) = [f for f in res.node("cell").findings if f.kind == "routing"]
    assert f.country == "MY" and f.sector == "polysilicon"
    assert dict(f.details)["path"] == ("poly", "cell")
    assert dict(f.details)["outcome_hint"] == "elevated_risk"
    assert not [f for f in res.node("trader").findings if f.kind == "routing"]  # not a producer
    inh = [i for i in res.node("buyer").inherited if i.kind == "routing"]
    assert inh and inh[0].source == "cell" and inh[0].path == ("cell", "trader", "buyer")
    # routing is a risk, not taint
    assert not res.node("buyer").tainted


def test_no_routing_for_goods_outside_the_priority_sectors() -> None:
    ch = chain(NODES, [{"from": "poly", "to": "cell", "product": "toys", "hs_code": "9503.00"}])
    assert not [f for f in run(ch).node("cell").findings if f.kind == "routing"]


def test_routing_respects_the_sector_designation_date() -> None:
    ch = chain(
        NODES, [{"from": "poly", "to": "cell", "product": "aluminium ingot", "hs_code": "7601.10"}]
    )
    before = run(ch, as_of=date(2024, 1, 1)).node("cell").findings
    after = run(ch, as_of=date(2024, 8, 1)).node("cell").findings
    assert not [f for f in before if f.kind == "routing"]
    assert [f for f in after if f.kind == "routing"]


def test_chinese_inputs_through_a_hong_kong_trader_are_still_found() -> None:
    nodes = [*NODES, {"id": "hk", "name": "HK", "country": "HK", "role": "trading company"}]
    ch = chain(
        nodes,
        [
            {"from": "poly", "to": "hk", "product": "polysilicon", "hs_code": "280461"},
            {"from": "hk", "to": "cell", "product": "polysilicon", "hs_code": "280461"},
        ],
    )
    res = run(ch)
    assert not [f for f in res.node("hk").findings if f.kind == "routing"]
    (f,) = [f for f in res.node("cell").findings if f.kind == "routing"]
    assert dict(f.details)["path"] == ("poly", "hk", "cell")


def test_unknown_country_is_not_flagged() -> None:
    nodes = [NODES[0], {"id": "cell", "name": "Cell", "role": "cell maker"}]
    ch = chain(nodes, [{"from": "poly", "to": "cell", "product": "polysilicon"}])
    assert not [f for f in run(ch).node("cell").findings if f.kind == "routing"]
