"""``laborlens regimes`` and ``laborlens explain``: the regimes, and one record's full chain.

``regimes`` lists every regime with its dates, legal effect and burden, the UFLPA high-priority
sectors with their designation dates, and (``--evidence``) the evidence categories.
``explain`` screens one record (given by options, or ``--file`` and ``--row``) and prints the
chain finding -> rule -> citation -> outcome -> evidence needed, per regime. Thin: the work is
done by :func:`laborlens.core.screen.screen_record` and :mod:`laborlens.core.rules`.
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

from laborlens.core import rules
from laborlens.core.lists import load_bundled
from laborlens.core.model import Record, ScreenResult
from laborlens.core.screen import ScreeningIndex, screen_record
from laborlens.interfaces.cli.common import fail, parse_as_of

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


def _regime_rows(regimes: rules.RegimeSet, as_of: date) -> list[dict[str, Any]]:
    out = []
    for r in regimes.regimes:
        out.append(
            {
                "id": r.id,
                "name": r.name,
                "jurisdiction": r.jurisdiction,
                "instrument": r.instrument,
                "effective_from": r.effective_from.isoformat(),
                "effective_to": r.effective_to.isoformat() if r.effective_to else None,
                "in_force": r.in_force(as_of),
                "presumption": r.presumption,
                "burden": r.burden,
                "standard_of_proof": r.standard_of_proof,
                "citation": r.citation,
                "effective_from_citation": r.effective_from_citation,
                "legal_effect": dict(r.legal_effect),
                "challenge_paths": [
                    {"id": p.id, "label": p.label, "claim": p.claim, "evidence": list(p.evidence)}
                    for p in r.challenge_paths
                ],
                "sectors": [
                    {
                        "sector": s.sector,
                        "designated_on": s.designated_on.isoformat(),
                        "citation": s.citation,
                    }
                    for s in r.sectors
                ],
            }
        )
    return out


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
    regimes = rules.load_regimes()
    rows = _regime_rows(regimes, day)
    if fmt == "json":
        doc: dict[str, Any] = {
            "as_of": day.isoformat(),
            "algorithm": rules.ALGORITHM,
            "regimes": rows,
        }
        if evidence:
            doc["evidence_categories"] = [c._asdict() for c in regimes.evidence]
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    console = _console()
    table = Table(title=f"Forced-labour regimes (as of {day.isoformat()})", show_lines=True)
    for col in ("id", "regime", "from", "in force", "presumption", "burden"):
        table.add_column(col, overflow="fold")
    for r, row in zip(regimes.regimes, rows, strict=True):
        table.add_row(
            r.id,
            f"{r.name}\n[dim]{r.instrument}[/dim]",
            row["effective_from"] + (f"\nto {row['effective_to']}" if row["effective_to"] else ""),
            "[green]yes[/green]" if row["in_force"] else "[dim]not yet[/dim]",
            "yes" if r.presumption else "no",
            r.burden,
        )
    console.print(table)
    sectors = Table(title="UFLPA high-priority sectors")
    for col in ("sector", "designated", "applies as of date", "source"):
        sectors.add_column(col, overflow="fold")
    for s in regimes.get("us_uflpa").sectors:
        sectors.add_row(
            s.sector,
            s.designated_on.isoformat(),
            "yes" if s.designated_on <= day else "no",
            s.citation,
        )
    console.print(sectors)
    if evidence:
        ev = Table(title="Evidence categories")
        for col in ("id", "label", "source"):
            ev.add_column(col, overflow="fold")
        for c in regimes.evidence:
            ev.add_row(c.id, c.label, c.source)
        console.print(ev)


# --- explain ------------------------------------------------------------------------------------


def _index() -> ScreeningIndex:
    """The bundled-list index, shared with ``screen`` in the same process (built once)."""
    from laborlens.ops.screening import index_for

    return index_for(load_bundled())


def _record_from_file(path: Path, row: int) -> Record:
    from laborlens.adapters.io.readers import InputError, open_records

    try:
        stream = open_records(path)
        for record in stream.records():
            if record.row == row:
                return record
    except (InputError, OSError, ValueError) as exc:
        raise _fail("explain", f"{path}: {exc}") from None
    raise _fail("explain", f"{path}: there is no data row {row}")


def _evidence_plan(
    result: ScreenResult, regimes: rules.RegimeSet
) -> dict[str, list[dict[str, Any]]]:
    """Per regime: the challenge paths opened by the applied rules, with their categories."""
    plan: dict[str, list[dict[str, Any]]] = {}
    for outcome in result.regimes:
        regime = regimes.get(outcome.regime)
        paths: list[str] = []
        for reason in outcome.reasons:
            rule = regimes.rule(reason.rule)
            for p in rule.paths if rule else ():
                if p not in paths:
                    paths.append(p)
        plan[outcome.regime] = [
            {
                "path": p,
                "label": regime.path(p).label,
                "claim": regime.path(p).claim,
                "citation": regime.path(p).citation,
                "evidence": [{"id": c, "label": regimes.label(c)} for c in regime.path(p).evidence],
            }
            for p in paths
        ]
    return plan


def _finding_target(f: Any) -> str:
    return str(f.entry_name or f.label or f.sector or f.good or f.region or "")


def _print_explain(
    result: ScreenResult,
    record: Record,
    regimes: rules.RegimeSet,
    plan: dict[str, list[dict[str, Any]]],
) -> None:
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
        regime = regimes.get(outcome.regime)
        style = _OUTCOME_STYLE.get(outcome.outcome, "")
        tree = Tree(
            Text.assemble(
                (f"{regime.id}", "bold"), (f"  {regime.name}  ", "dim"), (outcome.outcome, style)
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
        record = _record_from_file(file, row)
    else:
        if row is not None:
            raise _fail("explain", "--row needs --file")
        if not any(v and v.strip() for k, v in fields.items() if k != "country"):
            raise _fail(
                "explain",
                "give at least one of --name, --address, --registration-id, "
                "--hs-code, --product (or --file and --row)",
            )
        from laborlens.core.records import record_from_mapping

        record = record_from_mapping({k: v for k, v in fields.items() if v}, 1, "command line")
    index = _index()
    result = screen_record(record, index, day)
    plan = _evidence_plan(result, index.regimes)
    if fmt == "json":
        doc = result.to_dict()
        doc["evidence_plan"] = plan
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    _print_explain(result, record, index.regimes, plan)


def register(app: typer.Typer) -> None:
    """Add ``regimes`` and ``explain`` to the app."""
    app.command("regimes")(regimes_command)
    app.command("explain")(explain_command)
