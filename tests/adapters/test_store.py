"""The store behaviour test: every backend must pass it (DuckDB today)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from laborlens.adapters.store import DuckDBStore, FileStore, Store, StoreError, open_store
from laborlens.core.chain import build_chain
from laborlens.core.evidence.audit import verify
from laborlens.core.evidence.model import (
    Case,
    Coverage,
    Detention,
    Document,
    Shipment,
    StatusChange,
)

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
CHAIN = build_chain(
    [
        {"id": "MILL", "name": "Yarn Mill", "role": "spinner", "country": "VN"},
        {"id": "IMP", "name": "Importer", "role": "importer"},
    ],
    [{"from": "MILL", "to": "IMP", "product": "yarn", "quantity": 5, "unit": "t"}],
)

BACKENDS: dict[str, Callable[[Path], Store]] = {"duckdb": lambda p: open_store(p, "duckdb")}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = BACKENDS[request.param](tmp_path / "data")
    yield s
    s.close()


def _case() -> Case:
    return Case(
        case_id="C1",
        chain=CHAIN,
        title="yarn",
        created_at=T0,
        created_by="analyst",
        history=(StatusChange("open", T0, "analyst", "created"),),
    )


def _doc(doc_id: str, sha: str, **kw: object) -> Document:
    return Document(
        doc_id=doc_id,
        sha256=sha,
        doc_type="commercial_invoice",
        case_id="C1",
        filename="inv.pdf",
        size=3,
        doc_date=date(2026, 9, 1),
        quantity=5.0,
        unit="t",
        coverage=Coverage(edges=("MILL->IMP",), lots=("L1",)),
        registered_at=T0,
        registered_by="analyst",
        **kw,  # type: ignore[arg-type]
    )


def test_cases_round_trip(store: Store) -> None:
    store.put_case(_case())
    store.add_shipment(
        Shipment(
            "S1",
            "C1",
            entry_number="E1",
            hs_codes=("5205.12",),
            quantity=5,
            unit="t",
            ship_date=date(2026, 9, 2),
        )
    )
    store.add_detention(Detention("D1", "C1", "S1", date(2026, 10, 2), date(2026, 11, 1)))
    store.add_status("C1", StatusChange("detained", T0 + timedelta(hours=1), "analyst"))
    got = store.get_case("C1")
    assert got is not None
    assert got.chain == CHAIN and got.title == "yarn" and got.created_at == T0
    assert got.shipments[0].hs_codes == ("5205.12",) and got.shipments[0].ship_date == date(
        2026, 9, 2
    )
    assert got.detentions[0].response_deadline == date(2026, 11, 1)
    assert [h.status for h in got.history] == ["open", "detained"] and got.status == "detained"
    assert [c.case_id for c in store.list_cases()] == ["C1"]
    assert store.get_case("nope") is None


def test_duplicates_and_unknown_cases_are_refused(store: Store) -> None:
    store.put_case(_case())
    with pytest.raises(StoreError, match="already exists"):
        store.put_case(_case())
    with pytest.raises(StoreError, match="unknown case"):
        store.add_shipment(Shipment("S9", "C9"))
    store.add_shipment(Shipment("S1", "C1"))
    with pytest.raises(StoreError, match="already exists"):
        store.add_shipment(Shipment("S1", "C1"))


def test_documents(store: Store) -> None:
    store.put_case(_case())
    assert store.next_doc_id() == "D0001"
    store.add_document(_doc("D0001", "a" * 64))
    assert store.next_doc_id() == "D0002"
    store.add_document(_doc("D0002", "b" * 64, language="vi"))
    d = store.get_document("D0001")
    assert d == _doc("D0001", "a" * 64)
    assert store.find_by_sha256("b" * 64).doc_id == "D0002"  # type: ignore[union-attr]
    assert store.find_by_sha256("b" * 64, "C1").doc_id == "D0002"  # type: ignore[union-attr]
    assert store.find_by_sha256("b" * 64, "C2") is None
    store.mark_removed("D0001", at=T0, by="analyst", reason="wrong entry")
    assert [x.doc_id for x in store.list_documents("C1")] == ["D0002"]
    all_docs = store.list_documents(include_removed=True)
    assert all_docs[0].removed and all_docs[0].removal_reason == "wrong entry"
    assert store.find_by_sha256("a" * 64) is None
    with pytest.raises(StoreError, match="already removed"):
        store.mark_removed("D0001", at=T0, by="analyst", reason="again")
    with pytest.raises(StoreError, match="unknown document"):
        store.mark_removed("D0404", at=T0, by="analyst", reason="x")


def test_audit_log_appends_a_verifiable_chain(store: Store) -> None:
    for i in range(4):
        store.append_audit(
            at=T0 + timedelta(minutes=i),
            actor="analyst",
            action="x",
            subject=f"s{i}",
            details={"i": i},
            list_versions={"l": "v"},
            algorithms=("a-v1",),
        )
    recs = store.audit_records()
    assert [r.seq for r in recs] == [1, 2, 3, 4]
    assert store.audit_head() == (4, recs[-1].hash)
    assert verify(recs, store.audit_head()).ok


def test_store_persists_across_reopen(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path)
    s.put_case(_case())
    s.append_audit(at=T0, actor="a", action="x", subject="y")
    s.close()
    s = DuckDBStore(tmp_path)
    assert s.get_case("C1") is not None and len(s.audit_records()) == 1
    s.close()


def test_file_store_is_content_addressed_and_detects_edits(tmp_path: Path) -> None:
    fs = FileStore(tmp_path / "objects")
    src = tmp_path / "a.txt"
    src.write_bytes(b"invoice 1")
    digest, size = fs.put(src)
    assert size == 9 and fs.path_of(digest).read_bytes() == b"invoice 1"
    assert fs.put(src) == (digest, size)  # idempotent
    assert fs.verify(digest) is None
    target = fs.path_of(digest)
    os.chmod(target, 0o644)
    target.write_bytes(b"invoice 2")
    assert "modified" in (fs.verify(digest) or "")
    target.unlink()
    assert "missing" in (fs.verify(digest) or "")


def test_unknown_backend() -> None:
    with pytest.raises(StoreError, match="unknown store backend"):
        open_store(Path("."), "postgres")
