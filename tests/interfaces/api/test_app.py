"""The shared server as its users meet it: saved screenings, results, exports, review, cases."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def get(srv: Any, url: str, who: str = "viewer", **params: Any) -> Any:
    res = srv.client.get(url, headers=srv.h(who), params=params)
    assert res.status_code == 200, res.text
    return res.json()


def test_health_is_open_and_the_docs_are_served_locally(srv: Any) -> None:
    assert srv.client.get("/api/health").json()["status"] == "ok"
    page = srv.client.get("/docs").text
    assert "/static/docs/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert srv.client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    spec = srv.client.get("/openapi.json").json()
    upload = spec["paths"]["/api/jobs"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if status.startswith("2") and "application/json" in answer.get("content", {}):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema != {}, f"{method} {path} {status} has no response model"


def test_lists_with_dates_and_warnings(srv: Any) -> None:
    lists = get(srv, "/api/lists")
    uflpa = next(x for x in lists if x["list_id"] == "us_uflpa_entity_list")
    assert uflpa["snapshot_date"] and uflpa["age_days"] >= 0 and uflpa["complete"]
    assert uflpa["origin"] == "bundled" and not any("PARTIAL" in w for w in uflpa["warnings"])
    # the 2024 OFAC snapshot is older than OFAC's weekly cadence: flagged, with the way out
    ofac = next(x for x in lists if x["list_id"] == "us_ofac_sdn")
    assert ofac["stale"] and any("lists update" in w for w in ofac["warnings"])


def test_results_worst_first_paginated_and_filtered(srv: Any) -> None:
    job_id = srv.ids["job_id"]
    job = get(srv, f"/api/jobs/{job_id}")
    assert job["total_rows"] == 55 and job["done_rows"] == 55 and job["complete"]
    rank = {"high": 6, "medium": 4, "low": 2, "not screened": 1, "none": 0}
    seen: list[int] = []
    statuses: list[str] = []
    for offset in range(0, 55, 20):
        page = get(srv, f"/api/jobs/{job_id}/results", limit=20, offset=offset)
        assert page["total"] == 55 and page["complete"]
        seen += [r["row"] for r in page["results"]]
        statuses += [r["status"] for r in page["results"]]
    assert sorted(seen) == list(range(1, 56))  # every row once
    assert [rank[s] for s in statuses] == sorted((rank[s] for s in statuses), reverse=True)
    high = get(srv, f"/api/jobs/{job_id}/results", risk="high", limit=100)
    assert high["total"] == job["summary"]["risk"]["high"]
    region = get(srv, f"/api/jobs/{job_id}/results", kind="region", limit=100)["results"]
    assert region and all("region" in r["kinds"] for r in region)
    uflpa = get(srv, f"/api/jobs/{job_id}/results", list="us_uflpa_entity_list", limit=100)
    assert all("us_uflpa_entity_list" in r["lists"] for r in uflpa["results"])
    pres = get(srv, f"/api/jobs/{job_id}/results", outcome="us_uflpa:presumption", limit=100)
    assert pres["total"] and all("us_uflpa:presumption" in r["outcomes"] for r in pres["results"])
    text = get(srv, f"/api/jobs/{job_id}/results", q="hoshine")["results"]
    assert sorted(r["name"] for r in text) == [
        "Hoshine Silicon Industry Co., Ltd.",
        "Hoshine Trading Ltd",
    ]
    by_name = get(srv, f"/api/jobs/{job_id}/results", sort="name", order="asc", limit=5)
    names = [r["name"] for r in by_name["results"] if r["name"]]
    assert names == sorted(names)


def test_a_row_that_could_not_be_screened_says_so(srv: Any) -> None:
    job_id = srv.ids["job_id"]
    page = get(srv, f"/api/jobs/{job_id}/results", risk="not_screened")
    (row,) = page["results"]
    assert row["status"] == "not screened" and row["risk"] is None and not row["screened"]
    assert "nothing to screen" in row["errors"] and "suppliers.csv" in row["errors"]
    assert "/jobs/" not in json.dumps(row)  # never the server's own path


def test_party_page(srv: Any) -> None:
    party = get(srv, f"/api/jobs/{srv.ids['job_id']}/results/1")
    result = party["result"]
    assert result["record"]["name"] == "Xinjiang Daqo New Energy Co., Ltd."
    listed = [f for f in result["findings"] if f["kind"] == "listed_entity"]
    assert listed[0]["matched_name"] and listed[0]["list_version"] and listed[0]["why"]
    assert {a["kind"] for a in party["alerts"]} >= {"listed_entity", "region"}


def test_exports(fresh: Any, tmp_path: Path) -> None:
    src = tmp_path / "tricky.csv"
    src.write_text('name,country\n"=HYPERLINK(""http://x"")",CN\n<b>Acme</b>,US\n', "utf-8")
    job = fresh.screened(src)
    url = f"/api/jobs/{job['job_id']}/export"
    res = fresh.client.get(url, headers=fresh.h("viewer"), params={"format": "csv"})
    assert res.status_code == 200 and "attachment" in res.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and any(r["name"].startswith("'=HYPERLINK") for r in rows)
    html = fresh.client.get(url, headers=fresh.h(), params={"format": "html"}).text
    assert "&lt;b&gt;Acme&lt;/b&gt;" in html and "<b>Acme" not in html
    import openpyxl
    import pyarrow.parquet as pq

    xlsx = fresh.client.get(url, headers=fresh.h(), params={"format": "xlsx"}).content
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book["Results"].max_row == 3
    parquet = fresh.client.get(url, headers=fresh.h(), params={"format": "parquet"}).content
    assert pq.read_table(io.BytesIO(parquet)).num_rows == 2
    assert fresh.client.get(url, headers=fresh.h(), params={"format": "pdf"}).status_code == 422


def test_standard_multipart_and_raw_bodies(fresh: Any) -> None:
    body = b"name,country\nAcme Ltd,US\nBeta GmbH,DE\nGamma SA,FR\n"
    boundary = "----laborlensBoundary7MA4YWxkTrZu0gW"
    parts = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nQ3 suppliers\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="q3.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    res = fresh.client.post(
        "/api/jobs",
        content=parts,
        headers={**fresh.h("analyst"), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert res.status_code == 202, res.text
    raw = fresh.client.post(
        "/api/jobs",
        content=body.replace(b"Acme", b"Delta"),
        params={"filename": "raw.csv"},
        headers=fresh.h("analyst"),
    )
    assert raw.status_code == 202, raw.text
    fresh.wait()
    for r, name in ((res, "q3.csv"), (raw, "raw.csv")):
        job = get(fresh, f"/api/jobs/{r.json()['job']['job_id']}")
        assert job["filename"] == name and job["total_rows"] == 3 and job["done_rows"] == 3
    assert get(fresh, f"/api/jobs/{res.json()['job']['job_id']}")["title"] == "Q3 suppliers"


@pytest.mark.parametrize(
    ("body", "ctype", "status", "says"),
    [
        (b"garbage", "multipart/form-data; boundary=x", 400, "malformed multipart"),
        (b"", "multipart/form-data", 400, "boundary"),
        (b"", "text/csv", 400, "empty"),
        (
            b'--x\r\nContent-Disposition: form-data; name="other"\r\n\r\nv\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
            400,
            "field named 'file'",
        ),
    ],
)
def test_malformed_uploads(srv: Any, body: bytes, ctype: str, status: int, says: str) -> None:
    res = srv.client.post(
        "/api/jobs", content=body, headers={**srv.h("analyst"), "Content-Type": ctype}
    )
    assert res.status_code == status and says in res.json()["detail"], res.text
    assert not list(srv.state.upload_dir.glob("*")), "temporary files left behind"


def test_upload_and_row_limits(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    starter = request.getfixturevalue("start_server")
    with starter(tmp_path / "s", max_upload_bytes=1000, max_rows=5) as s:
        big = b"name\n" + b"Acme Trading Company Limited\n" * 100
        res = s.client.post(
            "/api/jobs", content=big, params={"filename": "big.csv"}, headers=s.h("analyst")
        )
        assert res.status_code == 413 and "1,000 bytes" in res.json()["detail"]
        assert not list(s.state.upload_dir.glob("*"))
        rows = b"name\n" + b"".join(f"Firm {i}\n".encode() for i in range(9))
        res = s.client.post(
            "/api/jobs", content=rows, params={"filename": "nine.csv"}, headers=s.h("analyst")
        )
        assert res.status_code == 202
        s.wait()
        job = get(s, f"/api/jobs/{res.json()['job']['job_id']}")
        assert (
            job["status"] == "failed" and "9 rows" in job["error"] and "at most 5" in job["error"]
        )
        assert job["done_rows"] == 0 and get(s, f"/api/jobs/{job['job_id']}/results")["total"] == 0


def test_encodings(fresh: Any) -> None:
    gbk = fresh.screened(EXAMPLES / "suppliers_gbk.csv")
    rows = get(fresh, f"/api/jobs/{gbk['job_id']}/results", q="新疆大全")["results"]
    assert rows and gbk["encoding"] == "gb18030"
    latin = "name,address\nSociedad Española de Algodón,Sevilla\n".encode("latin-1")
    res = fresh.client.post(
        "/api/jobs",
        content=latin,
        headers=fresh.h("analyst"),
        params={"filename": "es.csv", "encoding": "latin-1"},
    )
    assert res.status_code == 202
    fresh.wait()
    (row,) = get(fresh, f"/api/jobs/{res.json()['job']['job_id']}/results")["results"]
    assert row["name"] == "Sociedad Española de Algodón"
    bad = fresh.client.post(
        "/api/jobs",
        content=latin,
        headers=fresh.h("analyst"),
        params={"filename": "es.csv", "encoding": "klingon"},
    )
    assert bad.status_code == 400 and "unknown encoding" in bad.json()["detail"]
    res = fresh.client.post(
        "/api/jobs",
        content=b"\x00\x01binary",
        headers=fresh.h("analyst"),
        params={"filename": "x.exe"},
    )
    fresh.wait()
    job = get(fresh, f"/api/jobs/{res.json()['job']['job_id']}")
    assert job["status"] == "failed" and "unsupported file type" in job["error"]


def test_rescreen_reapplies_decisions_until_the_entry_changes(fresh: Any) -> None:
    first = fresh.screened(EXAMPLES / "suppliers.csv", as_of="2026-06-30")
    alerts = get(fresh, "/api/alerts", job_id=first["job_id"], kind="listed_entity")["alerts"]
    target = alerts[0]
    out = fresh.client.post(
        f"/api/alerts/{target['alert_id']}/decision",
        headers=fresh.h("reviewer"),
        json={"action": "clear", "reason": "another firm of that name"},
    )
    assert out.status_code == 200 and out.json()["alert"]["status"] == "cleared"
    res = fresh.client.post(
        f"/api/jobs/{first['job_id']}/rescreen",
        headers=fresh.h("analyst"),
        json={"as_of": "2026-06-30"},
    )
    assert res.status_code == 202 and res.json()["parent_id"] == first["job_id"]
    fresh.wait()
    second = res.json()["job_id"]
    again = get(fresh, "/api/alerts", job_id=second, status="cleared")["alerts"]
    same = [
        a
        for a in again
        if a["entry_key"] == target["entry_key"] and a["party_key"] == target["party_key"]
    ]
    assert same and same[0]["reapplied"] and "another firm" in same[0]["note"]
    assert get(fresh, f"/api/jobs/{second}/diff")["total"] == 0  # same lists, same date
    # the entry changes (its fingerprint no longer matches the decision): the alert reopens
    with fresh.state.store.db.write() as tx:
        tx.execute("UPDATE decisions SET fingerprint = 'older'")
    res = fresh.client.post(
        f"/api/jobs/{second}/rescreen", headers=fresh.h("analyst"), json={"as_of": "2026-06-30"}
    )
    fresh.wait()
    reopened = get(fresh, "/api/alerts", job_id=res.json()["job_id"], status="open")["alerts"]
    note = [
        a["note"]
        for a in reopened
        if a["entry_key"] == target["entry_key"] and a["party_key"] == target["party_key"]
    ]
    assert note and "changed" in note[0]


def test_rescreen_shows_what_changed_and_lists_changed(fresh: Any) -> None:
    first = fresh.screened(EXAMPLES / "suppliers.csv", as_of="2026-06-30")
    res = fresh.client.post(
        f"/api/jobs/{first['job_id']}/rescreen",
        headers=fresh.h("analyst"),
        json={"as_of": "2022-01-01"},
    )
    fresh.wait()
    diff = get(fresh, f"/api/jobs/{res.json()['job_id']}/diff", limit=500)
    assert diff["total"] > 0 and diff["parent_id"] == first["job_id"]
    assert {c["kind"] for c in diff["changes"]} & {"risk_down", "findings_changed"}
    with fresh.state.store.db.write() as tx:
        tx.execute(
            "UPDATE jobs SET list_versions = ? WHERE job_id = ?",
            ['{"us_uflpa_entity_list": "2020-01-01#old"}', first["job_id"]],
        )
    changed = get(fresh, f"/api/jobs/{first['job_id']}")["lists_changed"]
    assert changed["us_uflpa_entity_list"]["then"] == "2020-01-01#old"


def test_decisions_are_audited_with_user_time_and_versions(srv: Any) -> None:
    audit = get(srv, "/api/audit", who="viewer")
    assert audit["verified"]
    esc = [r for r in audit["records"] if r["action"] == "alert.escalate"]
    assert esc and esc[0]["actor"] == "reviewer-1" and esc[0]["at"]
    assert "us_uflpa_entity_list" in esc[0]["list_versions"]
    assert "alerts-v1" in esc[0]["algorithms"] and any(
        a.startswith("names-") for a in esc[0]["algorithms"]
    )
    assert {"job.create", "screen.job", "case.create", "dossier.build"} <= {
        r["action"] for r in audit["records"]
    }


def test_yente_compatible_match(srv: Any) -> None:
    body = {
        "queries": {
            "q1": {
                "schema": "Company",
                "properties": {"name": ["Hoshine Silicon Industry Co"], "country": ["cn"]},
            },
            "q2": {"schema": "Company", "properties": {"name": ["Harmless Buttons of Porto"]}},
            "q3": {"schema": "Company", "properties": {}},
        }
    }
    res = srv.client.post("/match/default", headers=srv.h("viewer"), json=body)
    assert res.status_code == 200, res.text
    out = res.json()["responses"]
    top = out["q1"]["results"][0]
    assert top["caption"].startswith("Hoshine") and top["match"] and top["datasets"]
    assert out["q1"]["total"]["value"] >= 1 and out["q2"]["results"] == []
    assert out["q3"]["results"] == []
    one = srv.client.post("/match/us_cbp_wro_findings", headers=srv.h("viewer"), json=body)
    assert {r["datasets"][0] for r in one.json()["responses"]["q1"]["results"]} == {
        "us_cbp_wro_findings"
    }
    assert srv.client.post("/match/nope", headers=srv.h("viewer"), json=body).status_code == 404


def test_case_evidence_gaps_and_dossier(srv: Any) -> None:
    chain = json.loads((EXAMPLES / "evidence" / "chain.json").read_text())
    res = srv.client.post(
        "/api/cases",
        headers=srv.h("analyst"),
        json={"case_id": "TEE-1", "title": "T-shirts", "chain": chain},
    )
    assert res.status_code == 201, res.text
    dup = srv.client.post(
        "/api/cases", headers=srv.h("analyst"), json={"case_id": "TEE-1", "chain": chain}
    )
    assert dup.status_code == 409
    node = chain["nodes"][1]["id"]
    up = srv.client.post(
        "/api/cases/TEE-1/evidence",
        headers=srv.h("analyst"),
        files={"file": ("gin-audit.txt", b"audit report", "text/plain")},
        data={"doc_type": "audit report", "nodes": node, "date": "2026-05-01"},
    )
    assert up.status_code == 201, up.text
    assert up.json()["filename"] == "gin-audit.txt" and len(up.json()["sha256"]) == 64
    gaps = get(srv, "/api/cases/TEE-1/gaps", path="applicability_review")
    assert gaps["counts"]["blocking"] > 0 and not gaps["ready"]
    built = srv.client.post("/api/cases/TEE-1/dossiers", headers=srv.h("analyst"), json={})
    assert built.status_code == 201, built.text
    zipped = srv.client.get(built.json()["download"], headers=srv.h("viewer"))
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert "manifest.json" in names and "report.html" in names
    detail = get(srv, "/api/cases/TEE-1")
    assert detail["documents"][0]["doc_type"] == "audit_report" and detail["dossiers"]
    trace = srv.client.post("/api/trace", headers=srv.h("viewer"), json={"chain": chain})
    assert trace.status_code == 200 and trace.json()["svg"].startswith("<svg")


def test_users_api(srv: Any) -> None:
    res = srv.client.post(
        "/api/users", headers=srv.h("admin"), json={"name": "auditor-9", "role": "viewer"}
    )
    assert res.status_code == 201
    token = res.json()["token"]
    me = srv.client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me == {
        "name": "auditor-9",
        "tenant": "acme",
        "role": "viewer",
        "permissions": ["read"],
        "csrf": None,
    }
    names = [u["name"] for u in get(srv, "/api/users", who="admin")]
    assert "auditor-9" in names and "intruder" not in names


def test_quick_screen(srv: Any) -> None:
    res = srv.client.post(
        "/api/screen",
        headers=srv.h("viewer"),
        json={
            "records": [{"supplier_name": "Hoshine Silicon Industry Co., Ltd."}, {"country": "CN"}],
            "as_of": "2026-01-01",
        },
    )
    assert res.status_code == 200
    assert next(r["risk"] for r in res.json()["results"]) == "high"
    bad = srv.client.post(
        "/api/screen", headers=srv.h("viewer"), json={"records": [{"name": "x"}], "lists": ["nope"]}
    )
    assert bad.status_code == 400 and "unknown list id 'nope'" in bad.json()["detail"]


def test_pages_render(srv: Any) -> None:
    c = srv.client
    res = c.post("/api/session", json={"username": "viewer-1", "password": "a long test password"})
    assert res.status_code == 200
    job_id, case_id = srv.ids["job_id"], srv.ids["case_id"]
    for url, text in [
        ("/", "Saved screenings"),
        (f"/jobs/{job_id}", "Export"),
        (f"/jobs/{job_id}/rows/51", "not screened"),
        ("/alerts", "Alert review queue"),
        ("/cases", case_id),
        (f"/cases/{case_id}", "Dossiers"),
        ("/trace", "Trace a supply chain"),
        ("/lists", "days old"),
        ("/audit", "hash chain verified"),
        (f"/jobs/{job_id}?risk=high&sort=name&order=asc&q=xin", "Xinjiang"),
    ]:
        page = c.get(url)
        assert page.status_code == 200 and text in page.text, url
    assert "Upload and screen" not in c.get("/").text  # a viewer does not upload
    assert c.get("/jobs/nope").status_code == 404
    c.delete("/api/session", headers={"X-CSRF-Token": res.json()["csrf"]})
    assert c.get("/", follow_redirects=False).status_code == 303
