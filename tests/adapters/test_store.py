"""The store behaviour test: every backend (DuckDB, PostgreSQL) must pass it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from laborlens.adapters.store import (
    DuckDBStore,
    FileStore,
    SqlStore,
    Store,
    StoreError,
    migrate,
    open_store,
)
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

BACKENDS = ("duckdb", "postgresql")


def database_for(request: pytest.FixtureRequest, backend: str) -> str:
    return "duckdb" if backend == "duckdb" else str(request.getfixturevalue("pg_url"))


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    s = open_store(tmp_path / "data", database_for(request, request.param))
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


def test_unknown_database() -> None:
    with pytest.raises(StoreError, match="unknown database 'mysql://x'"):
        open_store(Path("."), "mysql://x")


def test_unreachable_postgres_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(
        StoreError, match=f"cannot connect to postgresql://u:\\*\\*\\*@127.0.0.1:{port}"
    ):
        open_store(tmp_path, f"postgresql://u:secret@127.0.0.1:{port}/x")


def test_migration_head_matches_alembic() -> None:
    assert migrate.script_head() == migrate.HEAD


def test_legacy_duckdb_store_is_migrated_into_the_default_tenant(tmp_path: Path) -> None:
    import duckdb

    from laborlens.adapters.store.migrations.versions import r0001_evidence

    con = duckdb.connect(str(tmp_path / "laborlens.duckdb"))
    for sql in r0001_evidence.TABLES:  # a store as it was before migrations existed
        con.execute(sql)
    con.execute(
        "INSERT INTO cases VALUES ('OLD', 't', ?, NULL, NULL, NULL)",
        [json.dumps(CHAIN.to_mapping())],
    )
    con.close()
    s = DuckDBStore(tmp_path)
    assert [c.case_id for c in s.list_cases()] == ["OLD"]
    assert s.scoped("other").list_cases() == []
    s.close()


def test_tenants_never_see_each_other(store: SqlStore) -> None:
    store.put_case(_case())
    store.add_document(_doc("D0001", "a" * 64))
    store.append_audit(at=T0, actor="a", action="x", subject="C1")
    other = store.scoped("acme")
    assert other.get_case("C1") is None and other.list_cases() == []
    assert other.get_document("D0001") is None and other.list_documents() == []
    assert other.find_by_sha256("a" * 64) is None and other.audit_records() == []
    other.put_case(_case())  # the same id in another tenant is another case
    other.append_audit(at=T0, actor="b", action="x", subject="C1")
    assert [r.actor for r in store.audit_records()] == ["a"]
    assert verify(other.audit_records(), other.audit_head()).ok
    assert other.next_doc_id() == "D0001"
    with pytest.raises(StoreError, match="bad tenant"):
        store.scoped("../etc")


# --------------------------------------------------------------------- accounts and saved work


def test_accounts(store: SqlStore) -> None:
    from laborlens.core.workspace.accounts import User

    acc = store.accounts
    acc.add_tenant("acme", T0)
    acc.add_tenant("acme", T0)  # idempotent
    acc.add_user(User("ana", "acme", "analyst", created_at=T0), password_hash="h")
    with pytest.raises(StoreError, match="already exists"):
        acc.add_user(User("ana", "acme", "viewer", created_at=T0))
    acc.add_token("t1", "ana", T0)
    assert acc.user_for_token("t1") == User("ana", "acme", "analyst", created_at=T0)
    assert acc.user_for_token("nope") is None and acc.password_hash("ana") == "h"
    acc.add_session("s1", "ana", "csrf", T0, T0 + timedelta(hours=1))
    assert acc.session("s1", T0 + timedelta(minutes=5)) == (acc.get_user("ana"), "csrf")
    assert acc.session("s1", T0 + timedelta(hours=2)) is None  # expired
    assert acc.revoke_tokens("ana", T0) == 1 and acc.user_for_token("t1") is None
    acc.set_disabled("ana", T0)
    assert acc.get_user("ana").disabled and acc.session("s1", T0) is None  # type: ignore[union-attr]
    assert [u.name for u in acc.list_users("acme")] == ["ana"] and acc.tenants() == ["acme"]


def _job(job_id: str, **kw: object) -> object:
    from laborlens.core.workspace.jobs import Job

    return Job(
        job_id=job_id,
        filename="s.csv",
        input_sha256="a" * 64,
        input_size=10,
        as_of=date(2026, 6, 30),
        created_by="ana",
        created_at=T0,
        options_key=job_id,
        **kw,
    )  # type: ignore[arg-type]


TRICKY = ["plain", "", 'comma, "quoted"', "line\nbreak", "新疆大全", "back\\slash", "NULL"]


def _results(tenant: str, job_id: str, n: int) -> object:
    import pyarrow as pa

    risks = ["high", "medium", None, "none"]
    rows = {
        "tenant": [tenant] * n,
        "job_id": [job_id] * n,
        "row": list(range(1, n + 1)),
        "record_id": [f"S{i}" for i in range(n)],
        "name": [TRICKY[i % 7] for i in range(n)],
        "country": [None if i % 3 else "CN" for i in range(n)],
        "screened": [i % 4 != 2 for i in range(n)],
        "risk": [risks[i % 4] for i in range(n)],
        "risk_rank": [[6, 4, 1, 0][i % 4] for i in range(n)],
        "score": [i / n for i in range(n)],
        "kinds": [",region," if i % 2 else "" for i in range(n)],
        "lists": [""] * n,
        "outcomes": [",us_uflpa:presumption," if i % 4 == 0 else "" for i in range(n)],
        "entry_keys": ["k" if i % 2 else "" for i in range(n)],
        "errors": [None] * n,
        "search": [TRICKY[i % 7].casefold() for i in range(n)],
        "data": ['{"status": "x"}'] * n,
    }
    types = {
        "row": pa.int64(),
        "screened": pa.bool_(),
        "risk_rank": pa.int32(),
        "score": pa.float64(),
    }
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})


def test_work_store_jobs_results_and_diff(store: SqlStore) -> None:
    from laborlens.core.workspace.jobs import ResultQuery

    work = store.work
    work.add_job(_job("J1"))  # type: ignore[arg-type]
    work.add_job(_job("J2", parent_id="J1"))  # type: ignore[arg-type]
    work.add_part("J1", _results(store.tenant, "J1", 40), None, 40)
    work.add_part("J2", _results(store.tenant, "J2", 41), None, 41)
    work.update_job("J1", status="done", total_rows=40, summary=work.job_summary("J1"))
    job = work.get_job("J1")
    assert job is not None and job.status == "done" and job.done_rows == 40
    assert job.summary["risk"] == {"high": 10, "medium": 10, "not_screened": 10, "none": 10}
    total, rows = work.results("J1", ResultQuery(limit=5))
    assert total == 40 and [r["risk"] for r in rows[:1]] == ["high"]
    names = {r["name"] for r in work.results("J1", ResultQuery(limit=1000))[1]}
    assert names == set(TRICKY)  # every value survived the bulk load, '' and NULL apart
    assert work.results("J1", ResultQuery(text="新疆"))[0] == 6
    assert work.results("J1", ResultQuery(text="%"))[0] == 0  # wildcards are literal
    assert work.results("J1", ResultQuery(risk=("not_screened",)))[0] == 10
    assert work.results("J1", ResultQuery(kind="region"))[0] == 20
    assert work.results("J1", ResultQuery(outcome="presumption"))[0] == 10
    ordered = work.results("J1", ResultQuery(sort="row", descending=False, limit=3))[1]
    assert [r["row"] for r in ordered] == [1, 2, 3]
    assert sum(len(b) for b in work.iter_results("J1", batch=7)) == 40
    total, diff = work.diff_rows("J1", "J2", 100, 0)
    assert total == 1 and diff[0][0] == 41  # only the new row differs
    work.reset_job("J2")
    assert work.count_rows("J2") == (0, 0)
    assert store.scoped("other").work.get_job("J1") is None


def test_unfinished_jobs_across_tenants(store: SqlStore) -> None:
    from laborlens.adapters.store.work import unfinished_jobs

    store.work.add_job(_job("J1"))  # type: ignore[arg-type]
    store.scoped("acme").work.add_job(_job("J9", status="running"))  # type: ignore[arg-type]
    store.work.add_job(_job("J3", status="done"))  # type: ignore[arg-type]
    assert sorted(unfinished_jobs(store.db)) == [("acme", "J9"), ("default", "J1")]
