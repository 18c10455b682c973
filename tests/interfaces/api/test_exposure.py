"""POST /api/exposure and the exposure page: the same report as ``laborlens exposure``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from laborlens.ops.exposure import exposure

from .conftest import EXAMPLES

ORDERS = EXAMPLES / "exposure" / "orders.csv"
MASTER = EXAMPLES / "exposure" / "supplier_master.csv"
FIELDS = {"as_of": "2026-06-30", "regime": "us_uflpa", "currency": "USD"}


def _files(*paths: Path, suppliers: Path | None = None) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("file", (p.name, p.read_bytes(), "text/csv")) for p in paths]
    if suppliers is not None:
        out.append(("suppliers", (suppliers.name, suppliers.read_bytes(), "text/csv")))
    return out


@pytest.fixture(scope="module")
def cli_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The CLI's JSON report on the same files (through its own command)."""
    from typer.testing import CliRunner

    from laborlens.interfaces.cli.main import build_app

    out = tmp_path_factory.mktemp("cli") / "report.json"
    args = ["exposure", str(ORDERS), "--suppliers", str(MASTER), "--as-of", "2026-06-30",
            "--format", "json", "--output", str(out)]  # fmt: skip
    res = CliRunner().invoke(build_app("exposure"), args)
    assert res.exit_code == 0, res.output
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


@pytest.fixture(scope="module")
def api_report(srv: Any) -> dict[str, Any]:
    res = srv.client.post(
        "/api/exposure", headers=srv.h("analyst"), files=_files(ORDERS, suppliers=MASTER),
        data=FIELDS,
    )  # fmt: skip
    assert res.status_code == 200, res.text
    report: dict[str, Any] = res.json()
    return report


def test_the_route_gives_the_cli_figures(
    srv: Any, api_report: dict[str, Any], cli_report: dict[str, Any]
) -> None:
    assert api_report["totals"] == cli_report["totals"]
    assert api_report["totals"]["lines_read"] == 441
    for key in ("by_sector", "by_outcome", "by_supplier", "by_month", "undetermined"):
        assert api_report[key] == cli_report[key], key
    assert api_report["reconciliation"]["ok"] is True
    # the user's own file names, never the server's folders
    assert [i["file"] for i in api_report["inputs"]] == ["orders.csv"]
    assert api_report["options"]["suppliers"] == "suppliers/supplier_master.csv"
    text = json.dumps(api_report)
    assert str(srv.state.settings.data_dir) not in text


def test_several_files_add_up(srv: Any, tmp_path: Path) -> None:
    lines = ORDERS.read_text(encoding="utf-8").splitlines()
    head, body = lines[0], lines[1:101]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("\n".join([head, *body[:60]]) + "\n", encoding="utf-8")
    b.write_text("\n".join([head, *body[60:]]) + "\n", encoding="utf-8")
    res = srv.client.post("/api/exposure", headers=srv.h("viewer"), files=_files(a, b), data=FIELDS)
    assert res.status_code == 200, res.text
    whole = exposure([a, b], as_of=date(2026, 6, 30))
    assert res.json()["totals"] == whole["totals"]
    assert res.json()["totals"]["lines_read"] == 100
    assert [i["file"] for i in res.json()["inputs"]] == ["a.csv", "b.csv"]


def test_unauthenticated_is_401(srv: Any) -> None:
    res = srv.client.post("/api/exposure", files=_files(ORDERS), data=FIELDS)
    assert res.status_code == 401


@pytest.mark.parametrize(
    ("name", "content", "fields", "expect"),
    [
        ("orders.xyz", b"a,b\n1,2\n", {}, "orders.xyz"),
        ("broken.csv", b"foo,bar\n1,2\n", {}, "broken.csv: row 1 (header): no column says who"),
        ("book.xlsx", b"not a workbook", {}, "book.xlsx: not a readable .xlsx workbook"),
        ("empty.csv", b"", {}, "empty.csv: the file is empty"),
        ("orders.csv", None, {"regime": "nope"}, "'nope' is not one of"),
        ("orders.csv", None, {"as_of": "31/12/2025"}, "as_of: not a date"),
        ("orders.csv", None, {"currency": "XXQ"}, "currency"),
    ],
)
def test_bad_input_is_400_naming_it(
    srv: Any, name: str, content: bytes | None, fields: dict[str, str], expect: str
) -> None:
    body = ORDERS.read_bytes() if content is None else content
    res = srv.client.post(
        "/api/exposure", headers=srv.h("analyst"), files=[("file", (name, body, "text/csv"))],
        data={**FIELDS, **fields},
    )  # fmt: skip
    assert res.status_code == 400, res.text
    detail = res.json()["detail"]
    assert expect in detail, detail
    assert str(srv.state.settings.data_dir) not in detail


def test_no_file_and_not_multipart(srv: Any) -> None:
    none = srv.client.post("/api/exposure", headers=srv.h("analyst"), data=FIELDS,
                           files=[("other", ("x.csv", b"a\n1\n", "text/csv"))])  # fmt: skip
    assert none.status_code == 400 and "'file'" in none.json()["detail"]
    raw = srv.client.post("/api/exposure", headers=srv.h("analyst"), content=b"a,b\n")
    assert raw.status_code == 400 and "multipart" in raw.json()["detail"]


def test_the_upload_cap_holds(start_server: Any, tmp_path: Path) -> None:
    with start_server(tmp_path / "capped", max_upload_bytes=1000) as small:
        res = small.client.post("/api/exposure", headers=small.h("analyst"),
                                files=_files(ORDERS), data=FIELDS)  # fmt: skip
        assert res.status_code == 413, res.text
        left = [p for p in small.state.upload_dir.rglob("*") if p.is_file()]
        assert not left, left


def test_uploads_are_not_kept(srv: Any, api_report: dict[str, Any]) -> None:
    folder = srv.state.upload_dir
    assert not [p for p in folder.rglob("*") if p.is_file()], list(folder.rglob("*"))


def test_the_exposure_page(srv: Any) -> None:
    c = srv.client
    res = c.post("/api/session", json={"username": "viewer-1", "password": "a long test password"})
    csrf = res.json()["csrf"]
    try:
        page = c.get("/exposure")
        assert page.status_code == 200 and "Exposure of purchases" in page.text
        assert 'href="/exposure"' in c.get("/").text  # in the navigation
        no_csrf = c.post("/exposure/report", files=_files(ORDERS), data=FIELDS)
        assert no_csrf.status_code == 403
        out = c.post("/exposure/report", files=_files(ORDERS, suppliers=MASTER), data=FIELDS,
                     headers={"X-CSRF-Token": csrf})  # fmt: skip
        assert out.status_code == 200, out.text
        html = out.text
        for part in ("exposure-totals", "exposure-sectors", "exposure-outcomes", "54,584,007.46"):
            assert part in html, part
        pngs = html.count('src="data:image/png;base64,')
        assert pngs >= 2, pngs  # sectors over time and suppliers at least
        bad = c.post("/exposure/report", files=[("file", ("x.xyz", b"a\n1\n", "text/csv"))],
                     data=FIELDS, headers={"X-CSRF-Token": csrf})  # fmt: skip
        assert bad.status_code == 400 and "x.xyz" in bad.json()["detail"]
    finally:
        c.delete("/api/session", headers={"X-CSRF-Token": csrf})
    assert c.get("/exposure", follow_redirects=False).status_code == 303
