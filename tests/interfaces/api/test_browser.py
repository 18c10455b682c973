"""The web app in a real browser: Playwright drives the distribution's Chromium (no browser
download) through sign-in → upload → review alerts → open a case → build a dossier, against a
server on a loopback port. Screenshots of every step go to ``test-artifacts/screenshots/``
(kept by CI as artefacts)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "test-artifacts" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """The server on a free loopback port, with a reviewer-analyst admin."""
    import uvicorn

    from laborlens.interfaces.api import create_app
    from laborlens.settings import Settings

    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("live")), processes=0)
    app.state.laborlens.accounts.add_user("maria", "admin", "acme", password="browser test pw 1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright import sync_api

    profile = Path(tempfile.mkdtemp(prefix="laborlens-chromium-"))
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium,
            args=FLAGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/alerts")
    assert "/login" in page.url  # not signed in: sent to sign in, and back afterwards
    page.fill("input[name=username]", "maria")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector("#message:not([hidden])")
    assert "wrong user name or password" in page.inner_text("#message")
    shot(page, "01-sign-in-refused")
    page.fill("input[name=password]", "browser test pw 1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/alerts")


def upload_and_open_party(page: Any) -> None:
    page.click("nav >> text=Screenings")
    page.set_input_files("#upload input[name=file]", str(ROOT / "examples" / "suppliers.csv"))
    page.fill("#upload input[name=title]", "Q3 supplier master")
    shot(page, "02-upload")
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/jobs/J*")
    page.wait_for_selector("text=Export", timeout=180_000)  # the page reloads when done
    assert "not screened" in page.inner_text("table.results")
    shot(page, "03-results")
    page.click("table.results >> text=Xinjiang Daqo New Energy Co., Ltd.")
    page.wait_for_selector("h2:has-text('Findings')")
    shot(page, "04-party")


def clear_then_escalate(page: Any, base: str) -> None:
    page.click("nav >> text=Alerts")
    first = page.locator("tr[data-alert]").first
    first.locator("input[name=reason]").fill("same name, different company (checked registry)")
    with page.expect_navigation():  # the page reloads once the decision is saved
        first.locator("button[data-decide=clear]").click()
    page.goto(f"{base}/alerts?status=cleared")
    assert page.locator("tr[data-alert]").count() >= 1
    shot(page, "05-alert-cleared")
    page.goto(f"{base}/alerts")
    page.locator("tr[data-alert]").first.locator("button[data-decide=escalate]").click()
    page.wait_for_url("**/cases/*")
    shot(page, "06-case")


def add_evidence_and_download_dossier(page: Any) -> None:
    page.set_input_files(
        "#evidence input[name=file]",
        {
            "name": "supplier-affidavit.txt",
            "mimeType": "text/plain",
            "buffer": b"We declare no forced labour in our production.",
        },
    )
    page.select_option("#evidence select[name=doc_type]", "affidavit")
    page.click("#evidence button[type=submit]")
    page.wait_for_selector("td:has-text('supplier-affidavit.txt')")
    page.click("#build-dossier")
    page.wait_for_selector("a.download")
    shot(page, "07-dossier")
    with page.expect_download() as dl:
        page.click("a.download")
    path = dl.value.path()
    assert path is not None and Path(path).stat().st_size > 1000


def test_analyst_to_dossier(live: tuple[str, Any], browser: Any) -> None:
    base, app = live
    page = browser.new_page()
    page.set_default_timeout(120_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    sign_in(page, base)
    upload_and_open_party(page)
    clear_then_escalate(page, base)
    add_evidence_and_download_dossier(page)

    assert not errors, errors
    audit = [r.action for r in app.state.laborlens.store.scoped("acme").audit_records()]
    assert {"alert.clear", "alert.escalate", "evidence.register", "dossier.build"} <= set(audit)
