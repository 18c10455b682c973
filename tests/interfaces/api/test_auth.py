"""Every API endpoint, taken from the app's own route table: 401 without credentials, 403 for a
role without the permission, 404 (never the data) for another tenant's ids, and no leak of one
tenant's data into another's lists. A new endpoint is covered the day it is added, or this test
fails for want of a sample body."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

OPEN = {("GET", "/api/health"), ("POST", "/api/session")}
#: path parameters naming one tenant's things
TENANT_PARAMS = {"job_id", "row", "alert_id", "case_id", "build_id"}
PARAM_VALUES = {"row": "1", "dataset": "default"}
#: a valid request body per endpoint that takes one
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/jobs"): {"files": {"file": ("a.csv", b"name\nAcme Ltd\n", "text/csv")}},
    ("POST", "/api/jobs/{job_id}/rescreen"): {"json": {}},
    ("POST", "/api/alerts/{alert_id}/decision"): {"json": {"action": "confirm"}},
    ("POST", "/api/cases"): {"json": {"case_id": "NEW1", "chain": {"nodes": [{"id": "A"}]}}},
    ("POST", "/api/cases/{case_id}/status"): {"json": {"status": "detained"}},
    ("POST", "/api/cases/{case_id}/evidence"): {
        "files": {"file": ("inv.txt", b"invoice", "text/plain")},
        "data": {"doc_type": "commercial_invoice"},
    },
    ("POST", "/api/cases/{case_id}/dossiers"): {"json": {"path": "applicability_review"}},
    ("POST", "/api/trace"): {"json": {"chain": {"nodes": [{"id": "A", "name": "Acme"}]}}},
    ("POST", "/api/screen"): {"json": {"records": [{"name": "Acme"}]}},
    ("POST", "/api/exposure"): {
        "files": {
            "file": (
                "o.csv",
                b"supplier_name,hs_code,amount,currency\nAcme,5208,10,USD\n",
                "text/csv",
            )
        },
    },
    ("POST", "/api/users"): {"json": {"name": "newbie", "role": "viewer"}},
    ("POST", "/match/{dataset}"): {
        "json": {"queries": {"q": {"schema": "Company", "properties": {"name": ["Acme"]}}}}
    },
}


def flat_routes(routes: list[Any]) -> list[Any]:
    """Routes with included routers expanded (newer FastAPI includes them lazily)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(flat_routes(inner.routes) if inner is not None else [route])
    return out


def api_routes(app: Any) -> list[tuple[str, str, str | None]]:
    """(method, path, permission) of every API endpoint; permission from its dependency."""
    out = []
    for route in flat_routes(app.routes):
        if not isinstance(route, APIRoute) or not route.path.startswith(("/api/", "/match/")):
            continue
        perm = None
        for dep in route.dependant.dependencies:
            name = getattr(dep.call, "__name__", "")
            if name.startswith("need_"):
                perm = name.removeprefix("need_")
        for method in sorted(route.methods):
            out.append((method, route.path, perm))
    return out


def call(srv: Any, method: str, path: str, who: str | None, ids: dict[str, str]) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1)) or PARAM_VALUES[m.group(1)], path)
    kw = dict(BODIES.get((method, path), {}))
    if "files" in kw:  # file objects are consumed: give fresh tuples each time
        kw["files"] = dict(kw["files"])
    headers = srv.h(who) if who else {}
    return srv.client.request(method, url, headers=headers, **kw)


def test_the_route_table_is_what_we_test(srv: Any) -> None:
    routes = api_routes(srv.app)
    assert len(routes) >= 25
    needs_body = {(m, p) for m, p, _ in routes if m in ("POST", "PUT", "PATCH")} - OPEN
    assert needs_body <= set(BODIES), f"add a sample body for {needs_body - set(BODIES)}"


def test_every_endpoint_needs_credentials(srv: Any) -> None:
    for method, path, _ in api_routes(srv.app):
        if (method, path) in OPEN:
            continue
        res = call(srv, method, path, None, srv.ids)
        assert res.status_code == 401, (method, path, res.status_code, res.text)
        assert res.headers.get("www-authenticate", "").startswith("Bearer")
        bad = srv.client.request(
            method, re.sub(r"\{\w+\}", "x", path), headers={"Authorization": "Bearer llt_forged"}
        )
        assert bad.status_code == 401, (method, path, "forged token")


def test_every_endpoint_checks_the_role(srv: Any) -> None:
    checked = 0
    for method, path, perm in api_routes(srv.app):
        if perm in (None, "read"):
            continue
        res = call(srv, method, path, "viewer", srv.ids)
        assert res.status_code == 403, (method, path, res.status_code, res.text)
        checked += 1
    assert checked >= 8
    # reviewers decide but do not upload; analysts upload but do not decide
    assert call(srv, "POST", "/api/jobs", "reviewer", srv.ids).status_code == 403
    decision = "/api/alerts/{alert_id}/decision"
    assert call(srv, "POST", decision, "analyst", srv.ids).status_code == 403


def test_another_tenant_sees_nothing(srv: Any) -> None:
    secrets = [v for k, v in srv.ids.items()]
    for method, path, _ in api_routes(srv.app):
        if (method, path) in OPEN:
            continue
        res = call(srv, method, path, "other", srv.ids)
        params = set(re.findall(r"\{(\w+)\}", path))
        if params & TENANT_PARAMS:
            assert res.status_code == 404, (method, path, res.status_code, res.text)
            # answered exactly as an id that exists nowhere
            unknown = {k: f"nothing-{k}" for k in srv.ids}
            other = call(srv, method, path, "other", unknown)
            assert other.status_code == 404
            assert _masked(res.text, srv.ids) == _masked(other.text, unknown), (method, path)
            continue
        assert res.status_code < 500, (method, path, res.text)
        for secret in secrets:
            assert secret not in res.text, (method, path, "leaks", secret)


def _masked(text: str, ids: dict[str, str]) -> str:
    for value in sorted(ids.values(), key=len, reverse=True):
        text = text.replace(value, "<id>")
    return text


def test_the_owner_reaches_the_same_ids(srv: Any) -> None:
    for method, path, _ in api_routes(srv.app):
        if method == "GET" and set(re.findall(r"\{(\w+)\}", path)) & TENANT_PARAMS:
            res = call(srv, method, path, "viewer", srv.ids)
            # 400 for the diff of a job that is not a re-screening: it exists
            assert res.status_code in (200, 400), (path, res.text)


def test_web_session_needs_csrf_and_expires(fresh: Any) -> None:
    c = fresh.client
    assert (
        c.post("/api/session", json={"username": "viewer-1", "password": "wrong"}).status_code
        == 401
    )
    res = c.post("/api/session", json={"username": "analyst-1", "password": "a long test password"})
    assert res.status_code == 200 and res.json()["role"] == "analyst"
    csrf = res.json()["csrf"]
    cookie = res.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower()
    assert c.get("/api/me").json()["name"] == "analyst-1"
    body = {"case_id": "C9", "chain": {"nodes": [{"id": "A"}]}}
    assert c.post("/api/cases", json=body).status_code == 403  # cookie alone: refused
    assert c.post("/api/cases", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert c.post("/api/cases", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    # an API token works without CSRF (no cookie is involved)
    assert fresh.client.get("/api/cases", headers=fresh.h("viewer")).status_code == 200
    with fresh.state.store.db.write() as tx:
        tx.execute("UPDATE web_sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
    res = c.get("/api/me")
    assert res.status_code == 401 and "expired" in res.json()["detail"]
    page = c.get("/alerts", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/alerts"


@pytest.mark.parametrize("token", ["", "Basic abc", "Bearer", "Bearer  "])
def test_malformed_authorization(srv: Any, token: str) -> None:
    res = srv.client.get("/api/jobs", headers={"Authorization": token})
    assert res.status_code == 401


def test_sign_in_is_throttled(fresh: Any) -> None:
    for _ in range(10):
        fresh.client.post("/api/session", json={"username": "reviewer-1", "password": "nope"})
    res = fresh.client.post(
        "/api/session", json={"username": "reviewer-1", "password": "a long test password"}
    )
    assert res.status_code == 429
