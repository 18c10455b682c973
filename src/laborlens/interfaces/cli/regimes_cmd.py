"""``laborlens regimes`` and ``laborlens explain``: the regimes, and one record's full chain.

``regimes`` lists every regime with its dates, legal effect and burden, the UFLPA high-priority
sectors with their designation dates, and (``--evidence``) the evidence categories.
``explain`` screens one record (given by options, or ``--file`` and ``--row``) and prints the
chain finding -> rule -> citation -> outcome -> evidence needed, per regime. Thin: the work is
done by :mod:`laborlens.ops.regimes`.
Exit code 0 when it ran, 2 for unusable arguments or input (the message names what is wrong).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.regimes import (
    Explanation,
    Finding,
    InputError,
    explain,
    record_from_fields,
    record_from_file,
    regime_document,
)

_OUTCOME_STYLE = {
    "presumption": "bold red",
    "prohibited_entity": "bold red",
    "elevated_risk": "yellow",
    "no_trigger": "green",
    "not_in_force": "dim",
}
_RISK_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "none": "green"}


_fail = fail


def _as_of(command: str, value: str | None) -> date:
    try:
        return parse_as_of(value)
    except ValueError as exc:
        raise fail(command, str(exc)) from None


def _console() -> Console:
    return Console(soft_wrap=False, width=max(Console().width, 110), highlight=False)


# --- regimes ------------------------------------------------------------------------------------


def regimes_command(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Show whether each regime applies on this date (YYYY-MM-DD)."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    evidence: Annotated[
        bool, typer.Option("--evidence", help="Also list the evidence categories.")
    ] = False,
) -> None:
    """List the forced-labour regimes, their dates and the UFLPA high-priority sectors."""
    day = _as_of("regimes", as_of)
    if fmt not in ("table", "json"):
        raise _fail("regimes", f"--format: '{fmt}' is not one of table, json")
    doc = regime_document(day, evidence=evidence)
    if fmt == "json":
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    _print_regimes(doc, day)


def _print_regimes(doc: dict[str, Any], day: date) -> None:
    console = _console()
    table = Table(title=f"Forced-labour regimes (as of {day.isoformat()})", show_lines=True)
    for col in ("id", "regime", "from", "in force", "presumption", "burden"):
        table.add_column(col, overflow="fold")
    for row in doc["regimes"]:
        table.add_row(
            row["id"],
            f"{row['name']}\n[dim]{row['instrument']}[/dim]",
            row["effective_from"] + (f"\nto {row['effective_to']}" if row["effective_to"] else ""),
            "[green]yes[/green]" if row["in_force"] else "[dim]not yet[/dim]",
            "yes" if row["presumption"] else "no",
            row["burden"],
        )
    console.print(table)
    sectors = Table(title="UFLPA high-priority sectors")
    for col in ("sector", "designated", "applies as of date", "source"):
        sectors.add_column(col, overflow="fold")
    uflpa = next(r for r in doc["regimes"] if r["id"] == "us_uflpa")
    for s in uflpa["sectors"]:
        sectors.add_row(
            s["sector"],
            s["designated_on"],
            "yes" if s["designated_on"] <= day.isoformat() else "no",
            s["citation"],
        )
    console.print(sectors)
    if "evidence_categories" in doc:
        ev = Table(title="Evidence categories")
        for col in ("id", "label", "source"):
            ev.add_column(col, overflow="fold")
        for c in doc["evidence_categories"]:
            ev.add_row(c["id"], c["label"], c["source"])
        console.print(ev)


# --- explain ------------------------------------------------------------------------------------


def _finding_target(f: Finding) -> str:
    return str(f.entry_name or f.label or f.sector or f.good or f.region or "")


def _print_explain(ex: Explanation) -> None:
    result, record, plan = ex.result, ex.record, ex.plan
    console = _console()
    given = ", ".join(
        f"{k}={v!r}"
        for k in ("name", "address", "country", "registration_id", "hs_code", "product")
        if (v := getattr(record, k))
    )
    head = Text.assemble(
        ("Record ", "bold"),
        (f"{record.id} ", "bold"),
        given or "(no fields)",
        ("\nas of ", "dim"),
        (result.as_of.isoformat() if result.as_of else "", "dim"),
        ("   risk: ", "bold"),
        (result.risk, _RISK_STYLE[result.risk]),
        ("   country: ", "dim"),
        (
            f"{result.country or 'unknown'}" + (" (inferred)" if result.country_inferred else ""),
            "dim",
        ),
    )
    console.print(head)
    if result.findings:
        table = Table(title="Findings", show_lines=True)
        for col in ("#", "kind", "matched", "match", "list / version", "why"):
            table.add_column(col, overflow="fold")
        for n, f in enumerate(result.findings, start=1):
            table.add_row(
                str(n),
                f.kind,
                _finding_target(f),
                f"{f.match or ''} {f.score:.2f}".strip(),
                " ".join(x for x in (f.list or f.regime or "", f.list_version or "") if x),
                f.why,
            )
        console.print(table)
    else:
        console.print("[green]No findings.[/green]")
    for outcome in result.regimes:
        name = ex.regime_names.get(outcome.regime, "")
        style = _OUTCOME_STYLE.get(outcome.outcome, "")
        tree = Tree(
            Text.assemble(
                (f"{outcome.regime}", "bold"), (f"  {name}  ", "dim"), (outcome.outcome, style)
            )
        )
        if outcome.reasons:
            why = tree.add("why")
            for reason in outcome.reasons:
                node = why.add(
                    Text.assemble((f"[{reason.finding_kind or 'date'}] ", "cyan"), reason.text)
                )
                node.add(Text.assemble(("rule ", "dim"), reason.rule))
                if reason.citation:
                    node.add(Text.assemble(("citation ", "dim"), reason.citation))
        if outcome.effect:
            tree.add(Text.assemble(("effect ", "dim"), outcome.effect))
        for path in plan.get(outcome.regime, []):
            node = tree.add(
                Text.assemble(
                    ("evidence for ", "dim"), (path["label"], "bold"), (f": {path['claim']}", "")
                )
            )
            for item in path["evidence"]:
                node.add(f"{item['id']}: {item['label']}")
        console.print(tree)
    for err in result.errors:
        console.print(f"[red]row error:[/red] {err}")


def explain_command(  # noqa: PLR0917 - one parameter per CLI option
    name: Annotated[str | None, typer.Option("--name", help="Party name.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Address, any script.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Country name or ISO code.")
    ] = None,
    hs_code: Annotated[str | None, typer.Option("--hs-code", help="HS / HTSUS code.")] = None,
    product: Annotated[str | None, typer.Option("--product", help="Product description.")] = None,
    registration_id: Annotated[
        str | None, typer.Option("--registration-id", help="Registration id (e.g. USCC).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Take the record from this input file.")
    ] = None,
    row: Annotated[
        int | None, typer.Option("--row", help="1-based data row of --file.", min=1)
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate as of this date (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Explain one record: finding -> rule -> citation -> outcome -> evidence needed."""
    day = _as_of("explain", as_of)
    if fmt not in ("table", "json"):
        raise _fail("explain", f"--format: '{fmt}' is not one of table, json")
    fields = {
        "name": name,
        "address": address,
        "country": country,
        "hs_code": hs_code,
        "product": product,
        "registration_id": registration_id,
    }
    if file is not None:
        if row is None:
            raise _fail("explain", "--file needs --row (the 1-based data row)")
        if any(fields.values()):
            raise _fail("explain", "give either --file/--row or field options, not both")
        try:
            record = record_from_file(file, row)
        except (InputError, OSError) as exc:
            raise _fail("explain", str(exc)) from None
    else:
        if row is not None:
            raise _fail("explain", "--row needs --file")
        if not any(v and v.strip() for k, v in fields.items() if k != "country"):
            raise _fail(
                "explain",
                "give at least one of --name, --address, --registration-id, "
                "--hs-code, --product (or --file and --row)",
            )
        record = record_from_fields(fields)
    ex = explain(record, day)
    if fmt == "json":
        typer.echo(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_explain(ex)


def register(app: typer.Typer) -> None:
    """Add ``regimes`` and ``explain`` to the app."""
    app.command("regimes")(regimes_command)
    app.command("explain")(explain_command)
