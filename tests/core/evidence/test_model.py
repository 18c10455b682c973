"""A case's chain (the one chain model), tiers, edge ids, the rules of a case, units."""

from __future__ import annotations

import json
import pickle

import example_case as ex
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.chain import load_tables
from laborlens.core.evidence.cases import check_case_chain
from laborlens.core.evidence.model import EvidenceError
from laborlens.ops.tracing import ChainInputError, load_chain

IMPORTERS = load_tables().importer_roles


def test_example_chain_tiers() -> None:
    c = ex.case().chain
    assert c.tiers(IMPORTERS) == {"IMP": 0, "SEW": 1, "KNIT": 2, "SPIN": 3, "GIN": 4, "FARM": 5}
    assert [e.id for e in c.edges][:2] == ["FARM->GIN", "GIN->SPIN"]
    pickle.loads(pickle.dumps(ex.case()))


def test_chain_without_importer_starts_at_tier_one() -> None:
    c = load_chain({"nodes": [{"id": "A"}, {"id": "B"}], "edges": [{"from": "A", "to": "B"}]})
    assert c.tiers(IMPORTERS) == {"A": 2, "B": 1}


def test_repeated_pairs_get_numbered_edge_ids_and_ownership_links_carry_no_goods() -> None:
    c = load_chain(
        {
            "nodes": [{"id": "A"}, {"id": "B"}, {"id": "P"}],
            "edges": [
                {"from": "A", "to": "B", "product": "x"},
                {"from": "A", "to": "B", "product": "y"},
                {"from": "P", "to": "A", "type": "ownership"},
                {"id": "named", "from": "B", "to": "A", "product": "z"},
            ],
        }
    )
    assert [e.id for e in c.material_edges()] == ["A->B", "A->B#2", "named"]
    assert "P" not in c.tiers(IMPORTERS) and "P" not in c.in_flow()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nodes": [{"id": "A"}, {"id": "A"}]}, "duplicate node id 'A'"),
        ({"nodes": [{"name": "x"}]}, "has no 'id'"),
        ({"nodes": [{"id": "A"}], "edges": [{"from": "A", "to": "Z"}]}, "unknown node id 'Z'"),
        (
            {
                "nodes": [{"id": "A"}, {"id": "B"}],
                "edges": [{"from": "A", "to": "B", "quantity": "ten", "unit": "kg"}],
            },
            "not a number",
        ),
        (
            {
                "nodes": [{"id": "A"}, {"id": "B"}],
                "edges": [{"from": "A", "to": "B", "quantity": -1, "unit": "kg"}],
            },
            "negative quantity",
        ),
    ],
)
def test_a_case_needs_an_exact_chain(data: dict[str, object], message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        check_case_chain(load_chain(data, require_ids=True))


def test_a_chain_needs_nodes() -> None:
    with pytest.raises(ChainInputError, match='needs "nodes"'):
        load_chain({"edges": []})


def test_units_compare_in_base_units() -> None:
    tables = load_tables()
    assert tables.comparable(10.2, "MT") == (pytest.approx(10200), "kg")
    assert tables.comparable(5, "pieces") == (5, "pcs")
    assert tables.comparable(3, " KGS ") == (3, "kg")
    assert tables.comparable(2, "吨") == (pytest.approx(2000), "kg")
    assert tables.comparable(7, "bales") == (7, "bales")


_ids = st.text(alphabet="ABCDEFGH", min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_ids, _ids), max_size=12), st.sets(_ids, max_size=6))
def test_chain_invariants(pairs: list[tuple[str, str]], extra: set[str]) -> None:
    ids = sorted({x for p in pairs for x in p} | extra)
    data = {
        "nodes": [{"id": i} for i in ids],
        "edges": [{"from": a, "to": b, "quantity": 1, "unit": "kg"} for a, b in pairs],
    }
    chain = load_chain(data)
    # what a case keeps (``to_mapping``) builds the same chain again, with the same hash
    again = load_chain(json.loads(json.dumps(chain.to_mapping())))
    assert again.sha256() == chain.sha256()
    assert not again.errors or not ids  # (an empty chain is an error, kept or not)
    if not chain.errors:  # (dropped rows renumber the rows kept)
        assert (again.nodes, again.edges) == (chain.nodes, chain.edges)
    tiers = chain.tiers(IMPORTERS)
    assert set(tiers) == chain.in_flow()
    kept = {(a, b) for a, b in pairs if a != b}  # self-loops are dropped (row errors)
    assert chain.in_flow() == ({x for p in kept for x in p} if kept else set(ids))
    for e in chain.material_edges():
        src, dst = chain.ends(e)
        assert tiers[src.id] <= tiers[dst.id] + 1 or tiers[src.id] == max(tiers.values())
