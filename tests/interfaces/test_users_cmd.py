"""``laborlens users`` and the warnings of ``laborlens serve``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app
from laborlens.interfaces.cli.serve_cmd import exposure_warning, is_loopback
from laborlens.ops.accounts import open_accounts
from laborlens.settings import Settings

runner = CliRunner()


def run(data: Path, *args: str, stdin: str | None = None) -> tuple[int, str]:
    res = runner.invoke(app, ["users", *args, "--data-dir", str(data)], input=stdin)
    return res.exit_code, res.output


def test_add_prints_the_token_once_on_its_last_line(tmp_path: Path) -> None:
    code, out = run(tmp_path, "add", "rita", "--role", "reviewer", "--tenant", "acme")
    assert code == 0, out
    token = out.strip().splitlines()[-1]
    assert token.startswith("llt_") and len(token) > 40
    accounts = open_accounts(Settings(data_dir=tmp_path))
    try:
        user = accounts.user_for_token(token)
        assert user is not None and (user.name, user.role, user.tenant) == (
            "rita",
            "reviewer",
            "acme",
        )
        assert token not in (tmp_path / "laborlens.duckdb").read_bytes().decode("latin-1")
    finally:
        accounts.store.close()
    code, out = run(tmp_path, "list")
    assert "rita\treviewer\tacme" in out


def test_password_from_stdin_is_hashed(tmp_path: Path) -> None:
    code, out = run(
        tmp_path, "add", "ana", "--role", "admin", "--password", stdin="a very long password\n"
    )
    assert code == 0 and "password set" in out
    accounts = open_accounts(Settings(data_dir=tmp_path))
    try:
        stored = accounts.db.password_hash("ana") or ""
        assert stored.startswith("$argon2id$") and "very long" not in stored
        assert accounts.login("ana", "a very long password") is not None
        assert accounts.login("ana", "wrong password!") is None
    finally:
        accounts.store.close()


def test_bad_input_exits_2_with_a_message(tmp_path: Path) -> None:
    assert run(tmp_path, "add", "x", "--role", "root")[0] == 2
    code, out = run(tmp_path, "add", "x", "--role", "viewer", "--tenant", "../etc")
    assert code == 2 and "bad tenant name" in out
    run(tmp_path, "add", "x", "--role", "viewer")
    code, out = run(tmp_path, "add", "x", "--role", "viewer")
    assert code == 2 and "already exists" in out
    code, out = run(tmp_path, "add", "y", "--role", "viewer", "--password", stdin="short\n")
    assert code == 2 and "10 characters" in out
    code, out = run(tmp_path, "token", "nobody")
    assert code == 2 and "unknown user" in out


def test_disable_revokes(tmp_path: Path) -> None:
    out = run(tmp_path, "add", "bob", "--role", "analyst")[1]
    token = out.strip().splitlines()[-1]
    assert run(tmp_path, "disable", "bob")[0] == 0
    accounts = open_accounts(Settings(data_dir=tmp_path))
    try:
        assert accounts.user_for_token(token) is None
    finally:
        accounts.store.close()


@pytest.mark.parametrize(
    ("host", "tls", "proxy", "warns"),
    [
        ("127.0.0.1", False, False, False),
        ("localhost", False, False, False),
        ("::1", False, False, False),
        ("0.0.0.0", False, False, True),
        ("10.0.0.5", True, False, False),
        ("0.0.0.0", False, True, False),
    ],
)
def test_serve_warns_when_exposed_without_tls(
    host: str, tls: bool, proxy: bool, warns: bool
) -> None:
    message = exposure_warning(host, tls, proxy)
    assert (message is not None) == warns
    if warns:
        assert "without TLS" in (message or "")
    assert is_loopback("127.0.0.2")
