"""Validation of chain input: every bad-input case gives a message naming row and column."""

from __future__ import annotations

from chain_helpers import chain

from laborlens.core.chain import MATERIAL, OWNERSHIP, build_chain


def _msgs(ch: object) -> list[str]:
    return [str(e) for e in ch.errors]  # type: ignore[attr-defined]


def test_unknown_node_ids_are_reported_and_edge_dropped() -> None:
    ch = chain(["a", "b"], [("a", "b"), ("a", "zz"), ("yy", "b")])
    assert len(ch.edges) == 1
    msgs = _msgs(ch)
    assert any("row 2" in m and "column 'to'" in m and "'zz'" in m for m in msgs)
    assert any("row 3" in m and "column 'from'" in m and "'yy'" in m for m in msgs)


def test_self_loop_and_duplicate_edges() -> None:
    ch = chain(["a", "b"], [("a", "a"), ("a", "b"), ("a", "b")])
    assert len(ch.edges) == 1
    msgs = _msgs(ch)
    assert any("self-loop" in m and "row 1" in m for m in msgs)
    assert any("duplicate edge" in m and "row 3" in m and "row 2" in m for m in msgs)


def test_same_pair_in_different_periods_is_not_a_duplicate() -> None:
    ch = chain(
        ["a", "b"],
        [
            {"from": "a", "to": "b", "period": "2025-01"},
            {"from": "a", "to": "b", "period": "2025-02"},
        ],
    )
    assert len(ch.edges) == 2 and not ch.errors


def test_negative_and_non_numeric_quantities_keep_the_edge_but_not_the_quantity() -> None:
    ch = chain(
        ["a", "b", "c"],
        [
            {"from": "a", "to": "b", "quantity": -3, "unit": "kg"},
            {"from": "b", "to": "c", "quantity": "lots", "unit": "kg"},
        ],
    )
    assert len(ch.edges) == 2
    assert all(e.quantity is None for e in ch.edges)
    msgs = _msgs(ch)
    assert any("negative quantity" in m and "column 'quantity'" in m and "row 1" in m for m in msgs)
    assert any("not a number" in m and "row 2" in m for m in msgs)


def test_unknown_unit_and_quantity_without_unit() -> None:
    ch = chain(
        ["a", "b", "c"],
        [
            {"from": "a", "to": "b", "quantity": 5, "unit": "bales"},
            {"from": "b", "to": "c", "quantity": 5},
        ],
    )
    msgs = _msgs(ch)
    assert any("unknown unit 'bales'" in m and "column 'unit'" in m for m in msgs)
    assert any("without a unit" in m and "row 2" in m for m in msgs)
    assert all(e.quantity is None for e in ch.edges)


def test_units_are_case_insensitive_and_synonyms_accepted() -> None:
    ch = build_chain(
        [{"Node_ID": "a", "Supplier_Name": "A"}, {"id": "b", "name": "B"}],
        [{"Source": "a", "Target": "b", "Qty": "1,000", "UOM": "KG", "Relation": "supplies"}],
    )
    assert not ch.errors
    e = ch.edges[0]
    assert (e.quantity, e.unit, e.type) == (1000.0, "KG", MATERIAL)
    assert ch.nodes[0].record.name == "A"


def test_unknown_relation_type_is_material_with_an_error() -> None:
    ch = chain(
        ["a", "b", "c"],
        [{"from": "a", "to": "b", "type": "friendship"}, {"from": "b", "to": "c", "type": "owns"}],
    )
    assert ch.edges[0].type == MATERIAL and ch.edges[1].type == OWNERSHIP
    assert any("unknown relation type" in m and "column 'type'" in m for m in _msgs(ch))


def test_duplicate_node_ids_missing_ids_and_bad_coordinates() -> None:
    ch = build_chain(
        [
            {"id": "a", "name": "A"},
            {"id": "a", "name": "A2"},
            {"name": "no id"},
            {"id": "c", "name": "C", "lat": "95"},
        ],
        [],
        nodes_source="nodes.csv",
    )
    assert [n.id for n in ch.nodes] == ["a", "3", "c"]
    msgs = _msgs(ch)
    assert any("duplicate node id 'a'" in m and "row 2" in m and "nodes.csv" in m for m in msgs)
    assert any("column 'lat'" in m and "row 4" in m for m in msgs)


def test_missing_endpoint_bad_date_period_and_declaration() -> None:
    ch = chain(
        ["a", "b"],
        [
            {"to": "b"},
            {"from": "a", "to": "b", "date": "31/12/2024", "declared": "maybe"},
            {"from": "b", "to": "a", "date": "2024-12-31", "period": "Dec"},
        ],
    )
    msgs = _msgs(ch)
    assert any("missing node id" in m and "column 'from'" in m for m in msgs)
    assert any("not a date" in m and "column 'date'" in m for m in msgs)
    assert any("declared 'maybe'" in m for m in msgs)
    assert any("period 'Dec'" in m for m in msgs)
    # the period falls back to the shipment month
    assert ch.edges[-1].period == "2024-12"


def test_empty_chain_is_a_file_level_error() -> None:
    ch = build_chain([], [], nodes_source="x.json")
    assert any(e.row == 0 and "no nodes" in e.message for e in ch.errors)
