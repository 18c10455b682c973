"""``laborlens lists``: the reference lists in use, with dates, sizes, versions and warnings.

``lists`` is a command group so that ``laborlens lists update`` (fetching fresh lists from the
publishers) can be added to :data:`lists_app` later; called without a sub-command it prints the
lists.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from laborlens.core.model import ListInfo
from laborlens.ops.screening import load_lists_checked
from laborlens.settings import Settings

lists_app = typer.Typer(
    name="lists",
    help="Show the reference lists (bundled and user lists) with their dates and warnings.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def info_dict(info: ListInfo) -> dict[str, Any]:
    """The public JSON shape of one list's facts."""
    return {
        "id": info.list_id,
        "title": info.title,
        "publisher": info.publisher,
        "source": info.source,
        "snapshot_date": info.snapshot_date.isoformat() if info.snapshot_date else None,
        "rows": info.rows,
        "entries": info.entries,
        "version": info.version,
        "sha256": info.sha256,
        "kind": info.kind,
        "complete": info.complete,
        "completeness_note": info.completeness_note,
        "user": info.user,
    }


@lists_app.callback()
def lists_command(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: table or json.")
    ] = "table",
    list_file: Annotated[
        list[Path] | None,
        typer.Option(
            "--list-file",
            help="Also show these user lists (as screen would load them).",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of the list files (default: detected).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Print each list: id, title, snapshot date, rows, version and completeness warning."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt not in ("table", "json"):
        typer.echo(
            f"laborlens lists: error: --format: unknown format '{fmt}'; use table or json", err=True
        )
        raise typer.Exit(2)
    try:
        loaded = load_lists_checked(
            list_file or (), None, encoding, data_dir=Settings.from_env().data_dir
        )
    except (ValueError, OSError) as exc:  # InputError, ListError, ResourceError
        typer.echo(f"laborlens lists: error: {exc}", err=True)
        raise typer.Exit(2) from None
    for problem in loaded.errors:
        typer.echo(f"laborlens lists: warning: list row skipped: {problem}", err=True)
    infos = [rl.info for rl in loaded.lists.lists]
    if fmt == "json":
        typer.echo(json.dumps([info_dict(i) for i in infos], ensure_ascii=False, indent=2))
        return
    _table(infos)


def _table(infos: list[ListInfo]) -> None:
    import sys

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 132)
    table = Table(title="laborlens reference lists", show_lines=True, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("snapshot", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("version", no_wrap=True)
    table.add_column("title and completeness", overflow="fold", ratio=1, min_width=30)
    for info in infos:
        body = Text(info.title)
        note = info.completeness_note or ("" if info.complete else "INCOMPLETE")
        if note:
            body.append("\n")
            body.append(note, style="" if info.complete else "bold yellow")
        table.add_row(
            info.list_id + (" (user)" if info.user else ""),
            info.snapshot_date.isoformat() if info.snapshot_date else "undated",
            f"{info.rows:,}",
            info.version,
            body,
        )
    console.print(table)


@lists_app.command("update")
def update_command(
    list_id: Annotated[
        list[str] | None,
        typer.Argument(
            help="Lists to update (default: all updatable: us_uflpa_entity_list, us_ofac_sdn).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Download fresh lists from their official publishers (the only network use).

    The UFLPA Entity List is read from the DHS page, the OFAC SDN list from OFAC's files; each is
    parsed like the bundled snapshot and kept in the data folder (.laborlens/lists, or
    $LABORLENS_DATA_DIR/lists). A download that parses to far fewer entries than the list it
    would replace is refused.
    """
    from laborlens.adapters.fetch.update import UpdateError, update_lists

    settings = Settings.from_env()
    try:
        reports = update_lists(settings.data_dir, list_id or None)
    except (UpdateError, ValueError, OSError) as exc:
        typer.echo(f"laborlens lists update: error: {exc}", err=True)
        raise typer.Exit(2) from None
    for r in reports:
        typer.echo(f"{r.list_id}: {r.entries} entries (was {r.previous}) -> {r.path}")


def register(app: typer.Typer) -> None:
    """Add ``laborlens lists`` to the app."""
    app.add_typer(lists_app)


__all__ = ["info_dict", "lists_app", "register"]
