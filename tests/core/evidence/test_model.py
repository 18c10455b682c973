"""Chains, coverage and documents of the evidence layer."""

from __future__ import annotations

import json
import pickle

import example_case as ex
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.evidence.model import Chain, EvidenceError, comparable, normalise_unit


def test_example_chain_tiers() -> None:
    c = ex.case().chain
    assert c.tiers() == {"IMP": 0, "SEW": 1, "KNIT": 2, "SPIN": 3, "GIN": 4, "FARM": 5}
    assert [e.id for e in c.edges][:2] == ["FARM->GIN", "GIN->SPIN"]
    pickle.loads(pickle.dumps(ex.case()))


def test_chain_without_importer_starts_at_tier_one() -> None:
    c = Chain.from_mapping(
        {"nodes": [{"id": "A"}, {"id": "B"}], "edges": [{"from": "A", "to": "B"}]}
    )
    assert c.tiers() == {"A": 2, "B": 1}


def test_repeated_pairs_get_numbered_edge_ids_and_ownership_links_are_skipped() -> None:
    c = Chain.from_mapping(
        {
            "nodes": [{"id": "A"}, {"id": "B"}, {"id": "P"}],
            "edges": [
                {"from": "A", "to": "B", "product": "x"},
                {"from": "A", "to": "B", "product": "y"},
                {"from": "P", "to": "A", "type": "ownership"},
            ],
        }
    )
    assert [e.id for e in c.edges] == ["A->B", "A->B#2"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"edges": []}, "'nodes' list"),
        ({"nodes": [{"id": "A"}, {"id": "A"}]}, "duplicate node id"),
        ({"nodes": [{"name": "x"}]}, "has no 'id'"),
        ({"nodes": [{"id": "A"}], "edges": [{"from": "A", "to": "Z"}]}, "unknown node 'Z'"),
        (
            {
                "nodes": [{"id": "A"}, {"id": "B"}],
                "edges": [{"from": "A", "to": "B", "quantity": "ten"}],
            },
            "not a number",
        ),
        (
            {
                "nodes": [{"id": "A"}, {"id": "B"}],
                "edges": [{"from": "A", "to": "B", "quantity": -1}],
            },
            "non-negative",
        ),
    ],
)
def test_bad_chains_are_explained(data: dict[str, object], message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        Chain.from_mapping(data)


def test_units() -> None:
    assert normalise_unit(" KGS ") == "kg"
    assert comparable(10.2, "MT") == (pytest.approx(10200), "kg")
    assert comparable(5, "pieces") == (5, "pcs")


_ids = st.text(alphabet="ABCDEFGH", min_size=1, max_size=3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_ids, _ids), max_size=12), st.sets(_ids, max_size=6))
def test_chain_invariants(pairs: list[tuple[str, str]], extra: set[str]) -> None:
    ids = sorted({x for p in pairs for x in p} | extra)
    data = {
        "nodes": [{"id": i} for i in ids],
        "edges": [{"from": a, "to": b, "quantity": 1} for a, b in pairs],
    }
    chain = Chain.from_mapping(data)
    # The chain as given round-trips exactly (what the store keeps); the evidence layer's own
    # view round-trips to the same nodes and edges.
    again = Chain.from_mapping(json.loads(json.dumps(chain.data())))
    assert again == chain and again.sha256() == chain.sha256()
    view = Chain.from_mapping(chain.to_mapping())
    assert (view.nodes, view.edges) == (chain.nodes, chain.edges)
    tiers = chain.tiers()
    assert set(tiers) == chain.in_flow()
    assert chain.in_flow() == ({x for p in pairs for x in p} if pairs else set(ids))
    for e in chain.edges:
        if e.source != e.target:
            assert tiers[e.source] <= tiers[e.target] + 1 or tiers[e.source] == max(tiers.values())
