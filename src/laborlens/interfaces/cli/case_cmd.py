"""``laborlens case`` and ``laborlens audit``: a detained shipment's case, and the audit log.

Thin commands over :class:`laborlens.ops.evidence.EvidenceService` (exit codes: see
evidence_common.py).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.evidence_common import (
    DataDir,
    Fmt,
    check_format,
    date_option,
    fail,
    print_json,
    service,
    table,
)
from laborlens.ops.evidence import CASE_STATUSES

case_app = typer.Typer(name="case", help="Cases: a chain, its shipments, detentions and status.")
audit_app = typer.Typer(name="audit", help="The append-only, hash-chained audit log.")


@case_app.command("create")
def case_create(
    case_id: Annotated[
        str, typer.Argument(help="Your id for the case, e.g. the detention number.")
    ],
    chain: Annotated[
        Path, typer.Option("--chain", help="Chain JSON file or folder with nodes.csv/edges.csv.")
    ],
    title: Annotated[str | None, typer.Option("--title", help="A short description.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Open a case on a supply chain (the chain is snapshotted into the case)."""
    with service("case create", data_dir) as svc:
        case = svc.create_case(case_id, chain, title=title)
        typer.echo(
            f"case {case.case_id}: {len(case.chain.nodes)} parties, "
            f"{len(case.chain.material_edges())} flows "
            f"(chain sha256 {case.chain.sha256()[:12]}…)"
        )


@case_app.command("list")
def case_list(fmt: Fmt = "table", data_dir: DataDir = None) -> None:
    """List the cases with their status."""
    check_format("case list", fmt)
    with service("case list", data_dir) as svc:
        cases = svc.cases()
        if fmt == "json":
            print_json([c.to_dict() for c in cases])
            return
        table(
            ["case", "status", "shipments", "deadline", "title"],
            [
                (
                    c.case_id,
                    c.status,
                    len(c.shipments),
                    min((d.response_deadline for d in c.detentions), default=""),
                    c.title,
                )
                for c in cases
            ],
        )


@case_app.command("show")
def case_show(
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """Show a case: chain, shipments, detentions, status history."""
    check_format("case show", fmt)
    with service("case show", data_dir) as svc:
        case = svc.case(case_id)
        if fmt == "json":
            print_json(case.to_dict())
            return
        typer.echo(f"case {case.case_id}: {case.title or ''}  [status: {case.status}]")
        tiers = svc.tiers(case)
        table(
            ["tier", "node", "name", "role", "country"],
            [
                (tiers.get(n.id, "-"), n.id, n.name, n.role, n.country)
                for n in sorted(case.chain.nodes, key=lambda n: (tiers.get(n.id, 99), n.id))
            ],
        )
        typer.echo("")
        table(
            ["edge", "product", "quantity"],
            [
                (e.id, e.product, f"{e.quantity or ''} {e.unit or ''}")
                for e in case.chain.material_edges()
            ],
        )
        for s in case.shipments:
            typer.echo(f"\nshipment {s.shipment_id}: {json.dumps(s.to_dict(), ensure_ascii=False)}")
        for d in case.detentions:
            typer.echo(
                f"detention {d.detention_id}: notice {d.notice_date}, respond by "
                f"{d.response_deadline} (shipment {d.shipment_id})"
            )
        typer.echo("")
        table(
            ["at", "status", "by", "note"], [(h.at, h.status, h.by, h.note) for h in case.history]
        )


@case_app.command("shipment")
def case_shipment(  # noqa: PLR0917 - one parameter per CLI option
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    entry_number: Annotated[
        str | None, typer.Option("--entry-number", help="CBP entry number.")
    ] = None,
    shipment_id: Annotated[
        str | None, typer.Option("--id", help="Shipment id (default: the entry number).")
    ] = None,
    goods: Annotated[str | None, typer.Option("--goods", help="Description of the goods.")] = None,
    hs_code: Annotated[
        list[str] | None, typer.Option("--hs-code", help="HTS/HS code (repeatable).")
    ] = None,
    quantity: Annotated[float | None, typer.Option("--quantity", help="Quantity entered.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit of the quantity.")] = None,
    value: Annotated[float | None, typer.Option("--value", help="Entered value.")] = None,
    currency: Annotated[str | None, typer.Option("--currency")] = None,
    ship_date: Annotated[
        str | None, typer.Option("--ship-date", help="Date of export (YYYY-MM-DD).")
    ] = None,
    arrival_date: Annotated[
        str | None, typer.Option("--arrival-date", help="Date of arrival (YYYY-MM-DD).")
    ] = None,
    exporter: Annotated[
        str | None, typer.Option("--exporter-node", help="Chain node that exported the goods.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Record a shipment (entry) of the case."""
    cmd = "case shipment"
    sd, ad = (
        date_option(cmd, "--ship-date", ship_date),
        date_option(cmd, "--arrival-date", arrival_date),
    )
    with service(cmd, data_dir) as svc:
        s = svc.add_shipment(
            case_id,
            shipment_id=shipment_id,
            entry_number=entry_number,
            goods=goods,
            hs_codes=hs_code or (),
            quantity=quantity,
            unit=unit,
            value=value,
            currency=currency,
            ship_date=sd,
            arrival_date=ad,
            exporter_node=exporter,
        )
        typer.echo(f"shipment {s.shipment_id} added to case {case_id}")


@case_app.command("detain")
def case_detain(  # noqa: PLR0917 - one parameter per CLI option
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    notice_date: Annotated[
        str, typer.Option("--notice-date", help="Date of the detention notice (YYYY-MM-DD).")
    ],
    shipment: Annotated[
        str | None, typer.Option("--shipment", help="Shipment detained (default: the only one).")
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", help="Response deadline (default: notice date + 30 days)."),
    ] = None,
    number: Annotated[str | None, typer.Option("--number", help="CBP detention number.")] = None,
    port: Annotated[str | None, typer.Option("--port", help="Port of detention.")] = None,
    regime: Annotated[str, typer.Option("--regime", help="Regime id.")] = "us_uflpa",
    data_dir: DataDir = None,
) -> None:
    """Record a detention notice (the case becomes 'detained')."""
    cmd = "case detain"
    nd = date_option(cmd, "--notice-date", notice_date)
    dl = date_option(cmd, "--deadline", deadline)
    if nd is None:
        fail(cmd, "--notice-date is required")
    with service(cmd, data_dir) as svc:
        d = svc.record_detention(
            case_id,
            notice_date=nd,
            shipment_id=shipment,
            response_deadline=dl,
            detention_number=number,
            port=port,
            regime=regime,
        )
        typer.echo(
            f"detention {d.detention_id} of shipment {d.shipment_id}: respond by "
            f"{d.response_deadline}"
        )


@case_app.command("status")
def case_status(
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    status: Annotated[str, typer.Argument(help=f"One of: {', '.join(CASE_STATUSES)}.")],
    note: Annotated[str | None, typer.Option("--note", help="Why (recorded in the log).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Record a status change or decision (e.g. submitted, released, excluded)."""
    with service("case status", data_dir) as svc:
        case = svc.set_status(case_id, status, note)
        typer.echo(f"case {case.case_id}: {case.status}")


@case_app.command("screen")
def case_screen(
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")
    ] = None,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """Screen every party of the case's chain; the screening is recorded in the audit log."""
    cmd = "case screen"
    check_format(cmd, fmt)
    day = date_option(cmd, "--as-of", as_of) or date.today()
    with service(cmd, data_dir) as svc:
        sec = svc.screening(case_id, day)
        if sec.error:
            fail(cmd, f"the chain could not be traced: {sec.error}")
        svc.record_event(
            "screen",
            case_id,
            {
                "as_of": day.isoformat(),
                "risks": {r.node_id: r.risk for r in sec.rows},
                "nexus": dict(sec.nexus),
                "trace_algorithms": list(sec.algorithms),
            },
        )
        if fmt == "json":
            print_json(
                {
                    "as_of": day.isoformat(),
                    "nexus": dict(sec.nexus),
                    "list_versions": dict(sec.list_versions),
                    "algorithms": list(sec.algorithms),
                    "nodes": [
                        {
                            "id": r.node_id,
                            "risk": r.risk,
                            "findings": list(r.findings),
                            "inherited": list(r.inherited),
                            "regimes": dict(r.regimes),
                        }
                        for r in sec.rows
                    ],
                }
            )
            return
        table(
            ["node", "risk", "own findings", "inherited"],
            [(r.node_id, r.risk, "; ".join(r.findings), "; ".join(r.inherited)) for r in sec.rows],
        )
        for n, why in sec.nexus:
            typer.echo(f"nexus: {n}: {why}")


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option("--limit", help="Newest N records (0 = all).")] = 0,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """Print the audit log."""
    check_format("audit list", fmt)
    with service("audit list", data_dir) as svc:
        recs = svc.audit_log()
        if limit > 0:
            recs = recs[-limit:]
        if fmt == "json":
            print_json([r.to_dict() for r in recs])
            return
        table(
            ["seq", "at", "actor", "action", "subject", "hash"],
            [(r.seq, r.at.isoformat(), r.actor, r.action, r.subject, r.hash[:16]) for r in recs],
        )


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None) -> None:
    """Verify the hash chain: exit 1 when any record was edited or deleted."""
    with service("audit verify", data_dir) as svc:
        res = svc.verify_audit()
        for p in res.problems:
            typer.echo(f"record {p.seq}: {p.message}")
        if not res.ok:
            raise typer.Exit(1)
        typer.echo(f"audit log intact: {res.records} records, head {res.head_hash}")


@audit_app.command("record")
def audit_record(
    action: Annotated[str, typer.Argument(help="What was decided or done, e.g. decision.")],
    subject: Annotated[str, typer.Argument(help="What it concerns (case id, document id …).")],
    note: Annotated[str | None, typer.Option("--note", help="Free text.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Append a record (e.g. a compliance decision) to the audit log."""
    if not action.strip() or not subject.strip():
        fail("audit record", "ACTION and SUBJECT must not be empty")
    with service("audit record", data_dir) as svc:
        rec = svc.record_event(action.strip(), subject.strip(), {"note": note} if note else None)
        typer.echo(f"record {rec.seq} {rec.hash}")


def register(app: typer.Typer) -> None:
    """Add ``case`` and ``audit`` to the app."""
    for sub in (case_app, audit_app):
        app.add_typer(sub)
