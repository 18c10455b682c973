from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from laborlens.interfaces.api import create_app
from laborlens.settings import Settings


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    data = tmp_path_factory.mktemp("data")
    return TestClient(create_app(Settings(data_dir=Path(data), workers=1)))


def test_health_and_lists(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    lists = client.get("/api/lists").json()
    ids = [item["list_id"] for item in lists]
    assert ids[:5] == [
        "us_uflpa_entity_list",
        "us_cbp_wro_findings",
        "us_ofac_sdn",
        "us_bis_entity_list",
        "us_dol_tvpra",
    ]
    assert lists[0]["complete"] and "PARTIAL" not in lists[0]["completeness_note"]
    ofac = lists[2]  # the 2024 snapshot is older than OFAC's cadence
    assert ofac["stale"] is True and ofac["completeness_note"].startswith("STALE")


def test_screen_json_contract(client: TestClient) -> None:
    res = client.post(
        "/api/screen",
        json={
            "records": [
                {"supplier_name": "Hoshine Silicon Industry Co., Ltd."},
                {"name": "Harmless Buttons Ltd", "address": "Porto, Portugal"},
                {"country": "CN"},
            ],
            "as_of": "2026-01-01",
        },
    )
    assert res.status_code == 200
    body = res.json()
    results = body["results"]
    assert [r["row"] for r in results] == [1, 2, 3]
    assert results[0]["risk"] == "high"
    assert any(f["kind"] == "listed_entity" for f in results[0]["findings"])
    assert results[2]["errors"]
    assert body["as_of"] == "2026-01-01" and "us_ofac_sdn" in body["lists"]


def test_unknown_list_id_is_a_clear_422(client: TestClient) -> None:
    res = client.post("/api/screen", json={"records": [{"name": "x"}], "lists": ["nope"]})
    assert res.status_code == 422 and "unknown list id 'nope'" in res.json()["detail"]


def test_file_upload_gbk_csv(client: TestClient) -> None:
    body = "name,address\n测试公司,新疆乌鲁木齐市天山区\n".encode("gbk")
    res = client.post("/api/screen/file?filename=suppliers.csv", content=body)
    assert res.status_code == 200, res.text
    (row,) = res.json()["results"]
    assert any(f.get("region") == "CN-XJ" for f in row["findings"])


def test_bad_upload_names_the_file(client: TestClient) -> None:
    res = client.post("/api/screen/file?filename=empty.csv", content=b"")
    assert res.status_code == 422 and "empty.csv" in res.json()["detail"]


def test_ui_page(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "laborlens" in page.text and "/api/screen" in page.text
