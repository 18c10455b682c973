"""The document-type vocabulary and the response-path requirements (resources/evidence)."""

from __future__ import annotations

import pytest

from laborlens.core import rules
from laborlens.core.evidence.vocabulary import (
    APPLIES_TO,
    SCOPES,
    UnknownDocumentTypeError,
    load_vocabulary,
)

VOCAB = load_vocabulary()


def test_every_type_is_cited_and_categorised() -> None:
    cat_ids = {c.id for c in VOCAB.categories}
    for t in VOCAB.types:
        assert t.source.strip(), t.id
        assert t.label.strip(), t.id
        assert set(t.scope) <= set(SCOPES), t.id
        assert set(t.categories) <= cat_ids, t.id
    for c in VOCAB.categories:
        assert c.source.strip(), c.id


def test_category_ids_are_the_rules_layer_ids() -> None:
    """Evidence category ids must be identical to the rules engineer's (no silent drift)."""
    rule_ids = {c.id for c in rules.evidence_categories()}
    assert {c.id for c in VOCAB.categories} == rule_ids


def test_every_category_of_the_uflpa_paths_has_a_document_type() -> None:
    covered = {c for t in VOCAB.types for c in t.categories}
    for needed in (
        "transaction_supply_chain_records",
        "parties_to_transactions",
        "raw_material_payment_transport_records",
        "supply_chain_tracing_to_raw_material",
        "due_diligence_system",
        "supply_chain_management_measures",
        "evidence_not_from_xuar",
        "evidence_no_forced_labor_china_origin",
    ):
        assert needed in covered


def test_the_documents_the_issue_names_are_in_the_vocabulary() -> None:
    for name in (
        "purchase order",
        "invoice",
        "packing list",
        "bill of lading",
        "production records",
        "inventory records",
        "proof of payment",
        "certificate of origin",
        "mill test certificate",
        "lot certificate",
        "isotope test",
        "audit",
        "affidavit",
        "supply chain flow chart",
    ):
        VOCAB.resolve(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B/L", "bill_of_lading"),
        ("Commercial Invoice", "commercial_invoice"),
        ("commercial-invoice", "commercial_invoice"),
        ("MTC", "mill_certificate"),
        ("DNA test", "origin_test"),
    ],
)
def test_resolve_ids_labels_and_aliases(text: str, expected: str) -> None:
    assert VOCAB.resolve(text).id == expected


def test_unknown_type_suggests_close_ids() -> None:
    with pytest.raises(UnknownDocumentTypeError, match="did you mean commercial_invoice"):
        VOCAB.resolve("comercial invoce")
    with pytest.raises(UnknownDocumentTypeError, match="unknown document type 'zzz'"):
        VOCAB.resolve("zzz")


def test_paths_are_valid_and_exception_includes_applicability() -> None:
    ar = VOCAB.path("applicability_review")
    ex = VOCAB.path("exception_request")
    assert {r.id for r in ar.requirements} <= {r.id for r in ex.requirements}
    assert len(ex.requirements) > len(ar.requirements)
    for p in (ar, ex):
        assert p.citation
        for r in p.requirements:
            assert r.applies_to in APPLIES_TO
            for t in r.any_of:
                dt = VOCAB.get(t)
                scope_needed = {"producing": "node", "source": "node"}.get(
                    r.applies_to, r.applies_to
                )
                assert scope_needed in dt.scope, (r.id, t)
    ids = [r.id for r in ex.requirements]
    assert len(ids) == len(set(ids))
