"""``laborlens users``: accounts of the shared server (roles, tenants, API tokens)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail
from laborlens.ops.accounts import ROLES, AccountError, Accounts, open_accounts
from laborlens.settings import Settings

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="data folder (default $LABORLENS_DATA_DIR or .laborlens)"),
]
Database = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="postgresql://user@host:port/db (default $LABORLENS_DATABASE, else the DuckDB file)",
    ),
]


@contextmanager
def _accounts(cmd: str, data_dir: Path | None, database: str | None) -> Iterator[Accounts]:
    settings = Settings.from_env()
    if data_dir is not None:
        settings = replace(settings, data_dir=data_dir)
    try:
        accounts = open_accounts(settings, database or os.environ.get("LABORLENS_DATABASE"))
    except ValueError as exc:
        raise fail(cmd, str(exc)) from exc
    try:
        yield accounts
    except (AccountError, ValueError) as exc:
        raise fail(cmd, str(exc)) from exc
    finally:
        accounts.store.close()


def _password(name: str) -> str:
    if sys.stdin.isatty():
        return str(typer.prompt(f"password for {name}", hide_input=True,
                                confirmation_prompt=True))  # fmt: skip
    return sys.stdin.readline().rstrip("\n")


def register(app: typer.Typer) -> None:
    """Add ``users`` to the app."""
    users = typer.Typer(help="Accounts of the shared server: roles, tenants, API tokens.",
                        no_args_is_help=True)  # fmt: skip
    app.add_typer(users, name="users")

    @users.command("add")
    def add(  # noqa: PLR0917 - one parameter per CLI option
        name: str,
        role: Annotated[str, typer.Option(help=f"one of {', '.join(ROLES)}")],
        tenant: Annotated[str, typer.Option(help="the organisation whose data the user sees")] = (
            "default"
        ),
        password: Annotated[
            bool,
            typer.Option(
                "--password", help="also set a password for the web UI (asked, or read from stdin)"
            ),
        ] = False,
        data_dir: DataDir = None,
        database: Database = None,
    ) -> None:
        """Create a user; the API token is printed once, on the last line."""
        with _accounts("users add", data_dir, database) as accounts:
            secret = _password(name) if password else None
            user, token = accounts.add_user(name, role, tenant, password=secret)
            typer.echo(f"user {user.name}: role {user.role}, tenant {user.tenant}"
                       + (", password set" if secret else ""))  # fmt: skip
            typer.echo("API token (shown only now; send it as 'Authorization: Bearer …'):")
            typer.echo(token)

    @users.command("token")
    def token(name: str, data_dir: DataDir = None, database: Database = None) -> None:
        """Issue another API token for a user (printed once, on the last line)."""
        with _accounts("users token", data_dir, database) as accounts:
            typer.echo(accounts.issue_token(name))

    @users.command("password")
    def password(name: str, data_dir: DataDir = None, database: Database = None) -> None:
        """Set a user's web-UI password (asked, or read from stdin)."""
        with _accounts("users password", data_dir, database) as accounts:
            accounts.set_password(name, _password(name))
            typer.echo(f"password of {name} set")

    @users.command("disable")
    def disable(name: str, data_dir: DataDir = None, database: Database = None) -> None:
        """Disable a user: tokens revoked, sessions ended."""
        with _accounts("users disable", data_dir, database) as accounts:
            accounts.disable(name)
            typer.echo(f"user {name} disabled")

    @users.command("list")
    def list_(
        tenant: Annotated[str | None, typer.Option(help="only this tenant")] = None,
        data_dir: DataDir = None,
        database: Database = None,
    ) -> None:
        """The users, with role and tenant."""
        with _accounts("users list", data_dir, database) as accounts:
            for u in accounts.users(tenant):
                state = " (disabled)" if u.disabled else ""
                typer.echo(f"{u.name}\t{u.role}\t{u.tenant}{state}")
