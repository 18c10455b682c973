"""``laborlens lists``: the reference lists in use, and keeping them current.

``lists`` prints every list with its dates, size, version, freshness and completeness notes;
``lists update`` downloads fresh copies from the publishers, ``lists import FILE --as ID``
stores a copy saved by hand, ``lists reset`` goes back to the bundled lists, ``lists diff OLD
NEW`` shows what changed, ``lists history`` the stored versions and ``lists export --format ftm``
writes the lists as FollowTheMoney entities.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from laborlens.ops.screening import ListInfo, load_lists_checked
from laborlens.settings import Settings

lists_app = typer.Typer(
    name="lists",
    help="Show the reference lists (bundled and user lists) with their dates and warnings; "
    "update, import, diff, reset and export them.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _fail(command: str, message: str) -> typer.Exit:
    typer.echo(f"laborlens {command}: error: {message}", err=True)
    return typer.Exit(2)


def info_dict(info: ListInfo) -> dict[str, Any]:
    """The public JSON shape of one list's facts."""
    return {
        "id": info.list_id,
        "title": info.title,
        "publisher": info.publisher,
        "source": info.source,
        "snapshot_date": info.snapshot_date.isoformat() if info.snapshot_date else None,
        "published": info.published.isoformat() if info.published else None,
        "rows": info.rows,
        "entries": info.entries,
        "version": info.version,
        "sha256": info.sha256,
        "kind": info.kind,
        "complete": info.complete,
        "completeness_note": info.completeness_note,
        "stale": info.stale,
        "cadence_days": info.cadence_days,
        "cadence": info.cadence,
        "origin": info.origin,
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
            help="Also show these lists (as screen would load them).",
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
    """Print each list: id, snapshot date, rows, version, freshness and completeness notes."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt not in ("table", "json"):
        raise _fail("lists", f"--format: unknown format '{fmt}'; use table or json")
    try:
        loaded = load_lists_checked(
            list_file or (), None, encoding, data_dir=Settings.from_env().data_dir
        )
    except (ValueError, OSError, RuntimeError) as exc:  # InputError, ListError, UpdateError
        raise _fail("lists", str(exc)) from None
    for problem in loaded.errors:
        typer.echo(f"laborlens lists: warning: list row skipped: {problem}", err=True)
    infos = [rl.info for rl in loaded.lists.lists]
    if fmt == "json":
        typer.echo(json.dumps([info_dict(i) for i in infos], ensure_ascii=False, indent=2))
        return
    _table(infos)


def _table(infos: list[ListInfo]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 132)
    table = Table(title="laborlens reference lists", show_lines=True, expand=True)
    table.add_column("id", no_wrap=True)
    table.add_column("snapshot", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("version", no_wrap=True)
    table.add_column("title, freshness and completeness", overflow="fold", ratio=1, min_width=30)
    for info in infos:
        body = Text(info.title)
        note = info.completeness_note or ("" if info.complete else "INCOMPLETE")
        if note:
            body.append("\n")
            body.append(note, style="bold yellow" if (info.stale or not info.complete) else "")
        origin = "" if info.origin == "bundled" else f" ({info.origin})"
        table.add_row(
            info.list_id + origin,
            (info.snapshot_date.isoformat() if info.snapshot_date else "undated")
            + ("\nSTALE" if info.stale else ""),
            f"{info.rows:,}",
            info.version,
            body,
        )
    console.print(table)


def _data_dir() -> Path:
    return Settings.from_env().data_dir


@lists_app.command("update")
def update_command(
    list_id: Annotated[
        list[str] | None,
        typer.Argument(
            help="Lists to update (default: all updatable: us_uflpa_entity_list, "
            "us_cbp_wro_findings, us_ofac_sdn, us_bis_entity_list).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Download fresh lists from their official publishers (the only network use).

    Each list is parsed like the bundled snapshot and checked; all of them are then stored as
    one new version in the data folder (.laborlens/lists, or $LABORLENS_DATA_DIR/lists) and
    switched to at once. If anything fails — a download, a page whose layout changed, a copy
    much smaller than the one in use — nothing is replaced.
    """
    from laborlens.ops.lists import UpdateError, update

    try:
        reports = update(_data_dir(), list_id or None)
    except (UpdateError, ValueError, OSError) as exc:
        raise _fail("lists update", str(exc)) from None
    for r in reports:
        typer.echo(f"{r.list_id}: {r.entries} entries (was {r.previous}) from {r.source}")


@lists_app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="The list file (official or OpenSanctions format, "
            "or a table with name, aliases … columns)."
        ),
    ],
    as_id: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="The list it is (e.g. us_uflpa_entity_list); official "
            "formats name their list themselves.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Accept a copy much smaller than the one in use.")
    ] = False,
) -> None:
    """Store a list file downloaded by hand in place of the bundled (or downloaded) copy.

    Accepted: the DHS UFLPA Entity List page (HTML), CBP's WRO/Findings CSV, OFAC's sdn.csv,
    trade.gov's Consolidated Screening List CSV (Entity List rows), FollowTheMoney JSON lines
    and OpenSanctions' simple CSV. Replacing a bundled list this way gives the same regime
    outcomes as the bundled copy.
    """
    from laborlens.ops.lists import UpdateError, import_file

    try:
        r = import_file(_data_dir(), file, as_id, force=force)
    except (UpdateError, ValueError, OSError) as exc:
        raise _fail("lists import", str(exc)) from None
    typer.echo(f"{r.list_id}: {r.entries} entries (was {r.previous}) imported from {file}")


@lists_app.command("reset")
def reset_command() -> None:
    """Go back to the bundled lists (stored versions are kept for 'lists diff')."""
    from laborlens.ops.lists import reset

    try:
        was = reset(_data_dir())
    except OSError as exc:
        raise _fail("lists reset", str(exc)) from None
    typer.echo(f"bundled lists in use (was: {was})" if was else "bundled lists in use already")


@lists_app.command("history")
def history_command() -> None:
    """The stored list versions, oldest first (names usable with 'lists diff')."""
    from laborlens.ops.lists import history

    for v in history(_data_dir()):
        lists = ", ".join(str(o["list_id"]) for o in v.manifest.get("lists", []))
        typer.echo(f"{v.name}  {v.created}  {v.note}  [{lists}]")


@lists_app.command("diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="bundled, current, a stored version or a file.")],
    new: Annotated[str, typer.Argument(help="bundled, current, a stored version or a file.")],
    list_id: Annotated[
        list[str] | None, typer.Option("--list", help="Only these list ids.", show_default=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show additions, removals, renames and changes between two versions of the lists."""
    from laborlens.ops.lists import UpdateError, diff

    if fmt not in ("text", "json"):
        raise _fail("lists diff", f"--format: unknown format '{fmt}'; use text or json")
    try:
        diffs = diff(_data_dir(), old, new, list_id or None)
    except (UpdateError, ValueError, OSError) as exc:
        raise _fail("lists diff", str(exc)) from None
    if fmt == "json":
        out = [
            {
                "list": d.list_id,
                "old": d.old_version,
                "new": d.new_version,
                "changes": [
                    {
                        "kind": c.kind,
                        "entry_id": c.entry_id,
                        "name": c.name,
                        "old_name": c.old_name,
                        "details": list(c.details),
                    }
                    for c in d.changes
                ],
            }
            for d in diffs
        ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for d in diffs:
        counts = ", ".join(f"{d.count(k)} {k}" for k in ("added", "removed", "renamed", "changed"))
        typer.echo(f"{d.list_id}: {d.old_version} -> {d.new_version}: {counts}")
        for c in d.changes:
            typer.echo(f"  {c.text()}")


@lists_app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="Export format: ftm.")] = "ftm",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    list_id: Annotated[
        list[str] | None, typer.Option("--list", help="Only these list ids.", show_default=False)
    ] = None,
) -> None:
    """Write the lists in use as FollowTheMoney entities (JSON lines): one entity per listed
    party and a Sanction entity linking it to its list. Region- and product-wide orders and
    goods have no FtM form and are left out (counted on stderr)."""
    from laborlens.ops.lists import UpdateError, export_ftm
    from laborlens.ops.screening import load_lists

    if fmt != "ftm":
        raise _fail("lists export", f"--format: unknown format '{fmt}'; use ftm")
    try:
        lists = load_lists(lists=list_id or None, data_dir=_data_dir())
        if output is None:
            counts = export_ftm(lists, sys.stdout)
        else:
            tmp = output.with_name(f".{output.name}.partial")
            with tmp.open("w", encoding="utf-8") as fh:
                counts = export_ftm(lists, fh)
            tmp.replace(output)
    except (UpdateError, ValueError, OSError) as exc:
        raise _fail("lists export", str(exc)) from None
    for rl in lists.lists:
        left = rl.info.entries - counts.get(rl.info.list_id, 0)
        typer.echo(
            f"{rl.info.list_id}: {counts.get(rl.info.list_id, 0)} entities"
            + (f" ({left} orders/goods without an FtM form left out)" if left else ""),
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``laborlens lists`` to the app."""
    app.add_typer(lists_app)


__all__ = ["info_dict", "lists_app", "register"]
