"""Shared fixtures: the bundled lists and a compiled screening index, built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from laborlens.core.lists import ListSet, load_bundled
from laborlens.core.screen import ScreeningIndex

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def bundled() -> ListSet:
    return load_bundled()


@pytest.fixture(scope="session")
def index(bundled: ListSet) -> ScreeningIndex:
    return ScreeningIndex.build(bundled)


# ------------------------------------------------------------------ external services
#
# Tests that need PostgreSQL or Chromium skip, with the reason, when the program is not
# installed here; CI sets LABORLENS_REQUIRE_SERVICES=1 (see .ci/run), which turns that skip into
# a failure so that a missing install can never pass as green.


def require_service(what: str, hint: str) -> None:
    import os

    message = f"{what} is not installed ({hint})"
    if os.environ.get("LABORLENS_REQUIRE_SERVICES") == "1":
        pytest.fail(message + "; LABORLENS_REQUIRE_SERVICES=1 requires it")
    pytest.skip(message)


class PgServer:
    """A throw-away PostgreSQL server on a loopback port, from the distribution's binaries."""

    def __init__(self, root: Path) -> None:
        import glob
        import os
        import shutil
        import socket
        import subprocess

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        initdb = found[-1] if found else shutil.which("initdb")
        if not initdb:
            require_service("PostgreSQL", "apt-get install postgresql")
        self.bin = Path(str(initdb)).parent
        self.root = root
        self.data = root / "pgdata"
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.prefix = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "laborlens",
             "-E", "UTF8", "--no-sync"]
        )  # fmt: skip
        self._subprocess = subprocess
        self.start()

    def _run(self, args: list[str]) -> None:
        import subprocess

        out = subprocess.run(self.prefix + args, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {out.stdout}{out.stderr}")

    def start(self) -> None:
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
             str(self.root / "server.log"), "-w", "-t", "60", "start"]
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://laborlens@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        import uuid

        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    import shutil
    import tempfile

    pytest.importorskip("psycopg")
    # not under pytest's temporary folder: that is private to root, and the server runs as
    # the postgres user when the tests run as root
    root = Path(tempfile.mkdtemp(prefix="laborlens-pg-"))
    try:
        server = PgServer(root)
        yield server
        server.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return pg_server.new_database()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The distribution's Chromium, for Playwright (which never downloads a browser here)."""
    if not Path(CHROMIUM).exists():
        require_service("Chromium", "apt-get install chromium")
    try:
        import playwright  # noqa: F401
    except ImportError:
        require_service("Playwright for Python", "pip install playwright")
    return CHROMIUM


# The reliability properties run at least 1,000 examples each (issue-level target); other
# property tests keep their own, smaller settings.
settings.register_profile(
    "reliability",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
