"""A running server for the API tests: tenant ``acme`` with one user per role, tenant
``globex`` with an admin, and one finished screening, alert decision, case and dossier of acme."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from laborlens.interfaces.api import create_app
from laborlens.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ROLES = ("admin", "analyst", "reviewer", "viewer")


class Srv:
    """A test server and its users."""

    def __init__(self, data: Path, database: str | None = None, **kw: Any) -> None:
        self.app = create_app(
            Settings(data_dir=data, workers=1), database=database, processes=0, **kw
        )
        self.state = self.app.state.laborlens
        self.tokens: dict[str, str] = {}
        for role in ROLES:
            _, self.tokens[role] = self.state.accounts.add_user(
                f"{role}-1", role, "acme", password="a long test password"
            )
        _, self.tokens["other"] = self.state.accounts.add_user("intruder", "admin", "globex")
        self.client = TestClient(self.app)
        self.ids: dict[str, str] = {}

    def h(self, who: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def upload(self, path: Path, who: str = "analyst", **fields: str) -> Any:
        with path.open("rb") as fh:
            return self.client.post(
                "/api/jobs",
                headers=self.h(who),
                files={"file": (path.name, fh, "text/csv")},
                data=fields,
            )

    def wait(self) -> None:
        assert self.state.runner.wait_idle(120), "jobs did not finish"

    def screened(self, path: Path, **fields: str) -> dict[str, Any]:
        res = self.upload(path, **fields)
        assert res.status_code in (200, 202), res.text
        self.wait()
        job: dict[str, Any] = self.client.get(
            f"/api/jobs/{res.json()['job']['job_id']}", headers=self.h()
        ).json()
        assert job["status"] == "done", job
        return job

    def seed(self) -> None:
        """One screening, a decided alert escalated to a case, evidence and a dossier."""
        job = self.screened(EXAMPLES / "suppliers.csv", as_of="2026-06-30")
        self.ids["job_id"] = job["job_id"]
        alerts = self.client.get("/api/alerts", headers=self.h()).json()["alerts"]
        self.ids["alert_id"] = alerts[0]["alert_id"]
        out = self.client.post(
            f"/api/alerts/{alerts[1]['alert_id']}/decision",
            headers=self.h("reviewer"),
            json={"action": "escalate"},
        )
        assert out.status_code == 200, out.text
        case_id = out.json()["decision"]["case_id"]
        self.ids["case_id"] = case_id
        built = self.client.post(
            f"/api/cases/{case_id}/dossiers",
            headers=self.h("analyst"),
            json={"path": "applicability_review"},
        )
        assert built.status_code == 201, built.text
        self.ids["build_id"] = built.json()["build_id"]


def start(tmp: Path, database: str | None = None, **kw: Any) -> Iterator[Srv]:
    srv = Srv(tmp, database, **kw)
    with srv.client:
        yield srv
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Srv]:
    """A seeded server on DuckDB, shared by the API tests (they add to it, never remove)."""
    for s in start(tmp_path_factory.mktemp("server")):
        s.seed()
        yield s


@pytest.fixture
def start_server() -> Any:
    """A factory: ``with start_server(folder, **create_app_options) as srv: …``."""
    from contextlib import contextmanager

    return contextmanager(start)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Srv]:
    """An empty server of one's own (tests that change global state)."""
    yield from start(tmp_path / "server")
