"""Helpers every command shares: the exit on a user error and option parsing."""

from __future__ import annotations

from datetime import date

import typer


def fail(command: str, message: str) -> typer.Exit:
    """Print ``laborlens COMMAND: error: MESSAGE`` on stderr; the Exit (code 2) to raise."""
    typer.echo(f"laborlens {command}: error: {message}", err=True)
    return typer.Exit(2)


def parse_as_of(value: str | None) -> date:
    """``--as-of`` as a date (default today); raises ValueError naming the option."""
    if value is None or not value.strip():
        return date.today()
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of: '{value}' is not a date in the form YYYY-MM-DD") from None
