"""Gap analysis on the example detention: complete, partial and inconsistent evidence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import example_case as ex
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.chain import load_tables, role_in
from laborlens.core.evidence import analyse, load_vocabulary, names_match
from laborlens.core.evidence.gaps import GAP_KINDS, Gap
from laborlens.core.evidence.model import Coverage, Document, EvidenceError
from laborlens.core.evidence.screening import CaseScreening
from laborlens.core.evidence.vocabulary import SEVERITIES
from laborlens.ops.tracing import load_chain

VOCAB = load_vocabulary()
AR = "applicability_review"
EX = "exception_request"
AR_ROWS = ex.plan((AR,))
ALL_ROWS = ex.plan((AR, EX))


def _run(docs: list[Document], path: str = AR, **kw: object) -> object:
    nexus = kw.pop("nexus", None)
    if nexus is not None:
        kw["screening"] = CaseScreening(nexus=tuple(nexus.items()))  # type: ignore[attr-defined]
    return analyse(ex.case(kw.pop("chain", None)), docs, path, VOCAB, as_of=ex.AS_OF, **kw)  # type: ignore[arg-type]


def _kinds(report: object) -> set[tuple[str, str, str]]:
    return {(g.kind, g.subject_type, g.subject_id) for g in report.gaps}  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", [AR, EX])
def test_complete_evidence_has_no_gap(path: str) -> None:
    report = _run(ex.documents(ALL_ROWS), path)
    assert report.gaps == ()
    assert report.ready
    assert all(s.met for s in report.statuses)
    assert report.response_deadline == date(2026, 11, 1)


def test_applicability_evidence_is_not_enough_for_an_exception() -> None:
    report = _run(ex.documents(AR_ROWS), EX)
    assert not report.ready
    missing = {(g.requirement, g.subject_id) for g in report.gaps if g.kind == "missing"}
    assert ("ex.case.dd", "C1") in missing
    assert ("ex.producing.audit", "SPIN") in missing
    # Everything the applicability review needs is still met.
    assert all(s.met for s in report.statuses if s.requirement.startswith("ar."))


def test_no_documents_every_requirement_missing_and_ranked() -> None:
    report = _run([])
    assert not report.ready
    assert len(report.gaps) == len(report.statuses)
    assert {g.kind for g in report.gaps} == {"missing"}
    sev = [SEVERITIES[g.severity] for g in report.gaps]
    assert sev == sorted(sev, reverse=True), "most blocking first"
    # Each producing tier needs production records; the raw material needs origin documents.
    assert ("missing", "node", "FARM") in _kinds(report)
    origin = [g for g in report.gaps if g.requirement == "ar.source.origin"]
    assert [g.subject_id for g in origin] == ["FARM"]
    assert origin[0].severity == "blocking"


def test_partial_missing_one_tier() -> None:
    rows = [r for r in AR_ROWS if not r["file"].startswith("spin_")]
    report = _run(ex.documents(rows))
    gaps = {(g.requirement, g.subject_id) for g in report.gaps}
    assert ("ar.producing.production", "SPIN") in gaps
    assert ("ar.edge.invoice", "SPIN->KNIT") in gaps
    # Other tiers stay complete.
    assert not any(g.subject_id in {"GIN", "KNIT", "SEW"} for g in report.gaps)
    blocking = [g for g in report.gaps if g.severity == "blocking"]
    assert blocking and all(g.tier == 3 for g in blocking)


def _with(rows: list[dict[str, str]], file: str, **changes: object) -> list[Document]:
    docs = ex.documents(rows)
    return [replace(d, **changes) if d.filename == file else d for d in docs]  # type: ignore[arg-type]


def test_certificate_naming_another_producer() -> None:
    docs = _with(AR_ROWS, "farm_origin.txt", producer="Kashgar Cotton Farming Cooperative")
    report = _run(docs)
    g = next(g for g in report.gaps if g.requirement == "ar.source.origin")
    assert g.kind == "producer_mismatch" and g.severity == "blocking"
    assert "Kashgar" in g.message and g.subject_id == "FARM"


def test_document_dated_after_the_shipment() -> None:
    docs = _with(AR_ROWS, "knit_invoice.txt", doc_date=date(2026, 9, 20))
    report = _run(docs)
    g = next(g for g in report.gaps if g.kind == "date_after_shipment")
    assert g.subject_id == "KNIT->SEW" and g.severity == "blocking"
    assert "2026-09-20" in g.message and "2026-09-16" in g.message


def test_future_dated_document() -> None:
    docs = _with(AR_ROWS, "supply_chain_map.txt", doc_date=date(2027, 1, 1))
    assert any(g.kind == "future_date" for g in _run(docs).gaps)


def test_expired_audit_report() -> None:
    docs = _with(ALL_ROWS, "audit_spin.txt", doc_date=date(2025, 1, 10))
    report = _run(docs, EX)
    g = next(g for g in report.gaps if g.kind == "expired")
    assert g.subject_id == "SPIN" and g.severity == "blocking"
    docs = _with(ALL_ROWS, "audit_spin.txt", valid_until=date(2026, 8, 1))
    assert any(g.kind == "expired" for g in _run(docs, EX).gaps)


def test_quantities_that_do_not_reconcile() -> None:
    docs = _with(AR_ROWS, "gin_invoice.txt", quantity=6000.0)
    report = _run(docs)
    g = next(g for g in report.gaps if g.kind == "quantity_mismatch")
    assert g.subject_id == "GIN->SPIN" and "6,000" in g.message and "10,200" in g.message
    # Units convert: 10.2 t on the purchase order equals 10,200 kg on the chain.
    assert not any("purchase_order" in g.message for g in report.gaps)


def test_mass_balance_output_exceeding_input_blocks() -> None:
    data = json.loads(ex.CHAIN.read_text(encoding="utf-8"))
    data["edges"][2]["quantity"] = 12000  # SPIN ships more yarn than its lint can make
    report = _run(ex.documents(AR_ROWS), chain=load_chain(data))
    g = next(g for g in report.gaps if g.kind == "mass_balance")
    assert g.subject_id == "SPIN" and g.severity == "blocking"
    row = next(m.row for m in report.mass_balance if m.node_id == "SPIN")
    assert row.status == "shortfall" and row.unit == "kg"
    # the spinner's own yield (0.89) turns 10.2 t of lint into 9,078 kg of yarn
    assert row.inputs_untainted == pytest.approx(10200 * 0.89)
    assert row.outputs_total == pytest.approx(12000)
    assert row.shortfall == pytest.approx(12000 - 10200 * 0.89)


def test_mass_balance_of_the_complete_chain() -> None:
    rows = {m.node_id: m.row for m in _run(ex.documents(AR_ROWS)).mass_balance}
    assert rows["FARM"].status == "origin"
    assert rows["GIN"].status == "ok" and rows["GIN"].inputs_untainted == pytest.approx(30000)
    # kg of fabric in, pieces out: the factory's own yield (4.8 pieces per kg) converts them
    assert rows["SEW"].status == "ok" and rows["SEW"].unit == "pcs"
    assert rows["SEW"].inputs_untainted == pytest.approx(8400 * 4.8)
    assert "IMP" not in rows


def test_an_assumed_yield_makes_a_shortfall_major() -> None:
    data = json.loads(ex.CHAIN.read_text(encoding="utf-8"))
    # SPIN declares no yield and its input is of no known material: a yield of 1 is assumed
    del data["nodes"][2]["yield"]
    data["edges"][1].update(hs_code=None, product="fibre")
    data["edges"][2]["quantity"] = 12000
    report = _run(ex.documents(AR_ROWS), chain=load_chain(data))
    g = next(g for g in report.gaps if g.kind == "mass_balance")
    assert g.subject_id == "SPIN" and g.severity == "major" and "assumed" in g.message


def test_the_entry_is_balanced_against_an_exporter_that_ends_the_chain() -> None:
    data = json.loads(ex.CHAIN.read_text(encoding="utf-8"))
    data["nodes"] = [n for n in data["nodes"] if n["id"] != "IMP"]
    data["edges"] = [e for e in data["edges"] if e["to"] != "IMP"]
    c = ex.case(load_chain(data))
    bigger = replace(c, shipments=(replace(c.shipments[0], quantity=50000),))
    report = analyse(bigger, ex.documents(AR_ROWS), AR, VOCAB, as_of=ex.AS_OF)
    row = next(m.row for m in report.mass_balance if m.node_id == "SEW")
    assert row.outputs_total == pytest.approx(50000) and row.status == "shortfall"


def test_entry_larger_than_traced_flow() -> None:
    c = ex.case()
    bigger = replace(c, shipments=(replace(c.shipments[0], quantity=55000),))
    report = analyse(bigger, ex.documents(AR_ROWS), AR, VOCAB, as_of=ex.AS_OF)
    assert any(
        g.kind == "quantity_mismatch" and g.subject_type == "shipment" and g.severity == "blocking"
        for g in report.gaps
    )


def test_altered_file_blocks() -> None:
    docs = ex.documents(AR_ROWS)
    victim = next(d for d in docs if d.filename == "gin_production.txt")
    report = _run(docs, altered=[victim.doc_id])
    g = report.gaps[0]
    assert g.kind == "altered" and g.severity == "blocking" and victim.doc_id in g.doc_ids


def test_untranslated_foreign_language_document() -> None:
    docs = _with(AR_ROWS, "spin_production.txt", language="vi")
    report = _run(docs)
    g = next(g for g in report.gaps if g.kind == "untranslated")
    assert g.needed == ("english_translation",)
    victim = next(d for d in docs if d.filename == "spin_production.txt")
    tr = Document(
        doc_id="D9999",
        sha256="0" * 64,
        doc_type="english_translation",
        case_id="C1",
        translation_of=victim.doc_id,
        coverage=Coverage(nodes=("SPIN",)),
    )
    assert not any(g.kind == "untranslated" for g in _run([*docs, tr]).gaps)


def test_removed_documents_do_not_count() -> None:
    docs = _with(AR_ROWS, "supply_chain_map.txt", removed_at=ex.AS_OF)
    assert ("missing", "case", "C1") in _kinds(_run(docs))


def test_tracing_that_stops_at_a_trader() -> None:
    chain = load_chain(
        {
            "nodes": [
                {"id": "T", "name": "Cotton Trading Ltd", "role": "trader"},
                {"id": "M", "name": "Mill", "role": "spinner"},
                {"id": "I", "name": "Importer", "role": "importer"},
            ],
            "edges": [{"from": "T", "to": "M"}, {"from": "M", "to": "I"}],
        }
    )
    report = _run([], chain=chain)
    g = report.gaps[0]
    assert g.kind == "tracing_incomplete" and g.subject_id == "T"


def test_case_without_shipment() -> None:
    c = replace(ex.case(), shipments=(), detentions=())
    report = analyse(c, [], AR, VOCAB, as_of=ex.AS_OF)
    assert report.gaps[0].kind == "no_shipment"


def test_unknown_path_and_shipment() -> None:
    with pytest.raises(EvidenceError, match="unknown response path"):
        _run([], "re_export")
    with pytest.raises(EvidenceError, match="no shipment 'X'"):
        _run([], shipment_id="X")


def test_report_json_shape() -> None:
    d = _run(ex.documents(AR_ROWS[:5])).to_dict()
    assert d["path"] == AR and d["days_left"] == 22
    assert d["requirements_total"] == len(d["requirements"])
    json.dumps(d)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Hanoi Garment Manufacturing Co., Ltd.", "HANOI GARMENT MANUFACTURING CO LTD", True),
        ("South Plains Gin LLC", "South Plains Gin", True),
        ("新疆大全新能源股份有限公司", "新疆大全新能源", True),
        ("Lubbock Growers Cooperative", "Kashgar Cotton Farming Cooperative", False),
        ("Saigon Yarn Spinning", "Hanoi Yarn Spinning", False),
    ],
)
def test_names_match(a: str, b: str, same: bool) -> None:
    assert names_match(a, b) is same
    assert names_match(b, a) is same


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=len(ALL_ROWS) - 1)))
def test_more_evidence_never_unmeets_a_requirement(subset: set[int]) -> None:
    """Monotonicity: adding documents only ever turns requirements from unmet to met."""
    full = ex.documents(ALL_ROWS)
    part = [full[i] for i in sorted(subset)]
    met_part = {(s.requirement, s.subject_id) for s in _run(part, EX).statuses if s.met}
    met_full = {(s.requirement, s.subject_id) for s in _run(full, EX).statuses if s.met}
    assert met_part <= met_full
    report = _run(part, EX)
    keys = [g.rank_key() for g in report.gaps]
    assert keys == sorted(keys)
    assert all(g.kind in GAP_KINDS and isinstance(g, Gap) for g in report.gaps)


def test_nexus_blocks_an_applicability_review_and_must_be_rebutted_in_an_exception() -> None:
    nexus = {"GIN": "presumption under us_uflpa: made wholly or in part in the XUAR"}
    ar = _run(ex.documents(ALL_ROWS), AR, nexus=nexus)
    assert not ar.ready
    assert ar.gaps[0].kind == "nexus" and ar.gaps[0].subject_id == "GIN"
    exr = _run(ex.documents(ALL_ROWS), EX, nexus=nexus)
    assert exr.ready and exr.gaps[0].kind == "nexus" and exr.gaps[0].severity == "major"


def test_parties_linked_only_by_ownership_need_no_documents() -> None:
    data = json.loads(ex.CHAIN.read_text(encoding="utf-8"))
    data["nodes"].append({"id": "PARENT", "name": "Holding Co", "role": "holding company"})
    data["edges"].append({"from": "PARENT", "to": "SPIN", "type": "ownership"})
    chain = load_chain(data)
    assert "PARENT" not in chain.tiers()
    report = _run(ex.documents(AR_ROWS), chain=chain)
    assert report.gaps == ()
    owned = _run(ex.documents(AR_ROWS), chain=chain, nexus={"PARENT": "listed"})
    assert owned.gaps[0].severity == "major" and "ownership" in owned.gaps[0].message


def test_free_text_roles() -> None:
    tables = load_tables()
    assert role_in("cotton merchant", tables.non_producer_roles)
    assert tables.is_importer("Importer of record")
    assert tables.is_producer("spinning mill")
    assert not tables.is_importer(None)


def test_tainted_inputs_make_the_mass_balance_fall_short() -> None:
    """A party tainted itself (screening) ships nothing untainted, nor does anything downstream
    that claims untainted output from its input alone."""
    screening = CaseScreening(own_taint=("GIN",))
    report = _run(ex.documents(AR_ROWS), screening=screening)
    short = {g.subject_id for g in report.gaps if g.kind == "mass_balance"}
    assert short == {"GIN", "SPIN", "KNIT", "SEW"}
    assert all(g.severity == "blocking" for g in report.gaps if g.kind == "mass_balance")
    spin = next(m.row for m in report.mass_balance if m.node_id == "SPIN")
    assert spin.inputs_untainted == 0 and spin.inputs_tainted == pytest.approx(10200 * 0.89)
