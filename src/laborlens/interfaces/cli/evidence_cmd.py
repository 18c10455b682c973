"""``laborlens case|evidence|dossier|audit``: from a detained shipment to its dossier.

Thin commands over :class:`laborlens.ops.evidence.EvidenceService`. Exit codes: 0 done, 1 a
verification found a problem (``audit verify``, ``dossier verify``, ``evidence verify``), 2 bad
input or arguments (the message names the file, field or id; never a traceback).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from laborlens.ops.evidence import (
    CASE_STATUSES,
    RESPONSE_PATHS,
    Document,
    DossierError,
    EvidenceError,
    EvidenceService,
    ResourceError,
    StoreError,
    load_vocabulary,
    verify_dossier,
)
from laborlens.settings import Settings

case_app = typer.Typer(name="case", help="Cases: a chain, its shipments, detentions and status.")
evidence_app = typer.Typer(
    name="evidence", help="The evidence registry: register, list, search, remove, verify, gaps."
)
dossier_app = typer.Typer(name="dossier", help="Build and verify the submission package.")
audit_app = typer.Typer(name="audit", help="The append-only, hash-chained audit log.")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Store folder (default: $LABORLENS_DATA_DIR or .laborlens).",
        show_default=False,
    ),
]
Fmt = Annotated[str, typer.Option("--format", "-f", help="Output format: table or json.")]
PathOpt = Annotated[
    str,
    typer.Option("--path", "-p", help="Response path: applicability_review or exception_request."),
]


def _fail(cmd: str, message: str) -> NoReturn:
    typer.echo(f"laborlens {cmd}: error: {message}", err=True)
    raise typer.Exit(2)


@contextmanager
def _service(cmd: str, data_dir: Path | None) -> Iterator[EvidenceService]:
    settings = Settings.from_env()
    if data_dir is not None:
        settings = replace(settings, data_dir=data_dir)
    try:
        svc = EvidenceService(settings)
    except (StoreError, OSError) as exc:
        _fail(cmd, str(exc))
    try:
        yield svc
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as Unix tools do.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except (EvidenceError, StoreError, DossierError, ResourceError, OSError) as exc:
        _fail(cmd, str(exc))
    finally:
        svc.close()


def _date(cmd: str, option: str, value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        _fail(cmd, f"{option}: '{value}' is not a date (use YYYY-MM-DD)")


def _fmt(cmd: str, fmt: str, allowed: Sequence[str] = ("table", "json")) -> str:
    if fmt not in allowed:
        _fail(cmd, f"--format: unknown format '{fmt}'; use {' or '.join(allowed)}")
    return fmt


def _path(cmd: str, path: str) -> str:
    if path not in RESPONSE_PATHS:
        _fail(cmd, f"--path: unknown response path '{path}'; use {' or '.join(RESPONSE_PATHS)}")
    return path


def _json(obj: Any) -> None:
    typer.echo(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False))


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[("" if c is None else str(c)) for c in r] for r in rows]
    widths = [len(h) for h in header]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = min(max(widths[i], len(c)), 60)
    line = "  ".join(h.ljust(widths[i]) for i, h in enumerate(header))
    typer.echo(line.rstrip())
    typer.echo("  ".join("-" * w for w in widths))
    for r in cells:
        typer.echo("  ".join(c[:60].ljust(widths[i]) for i, c in enumerate(r)).rstrip())


# ----------------------------------------------------------------------------- case


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
    with _service("case create", data_dir) as svc:
        case = svc.create_case(case_id, chain, title=title)
        typer.echo(
            f"case {case.case_id}: {len(case.chain.nodes)} parties, "
            f"{len(case.chain.material_edges())} flows "
            f"(chain sha256 {case.chain.sha256()[:12]}…)"
        )


@case_app.command("list")
def case_list(fmt: Fmt = "table", data_dir: DataDir = None) -> None:
    """List the cases with their status."""
    _fmt("case list", fmt)
    with _service("case list", data_dir) as svc:
        cases = svc.cases()
        if fmt == "json":
            _json([c.to_dict() for c in cases])
            return
        _table(
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
    _fmt("case show", fmt)
    with _service("case show", data_dir) as svc:
        case = svc.case(case_id)
        if fmt == "json":
            _json(case.to_dict())
            return
        typer.echo(f"case {case.case_id}: {case.title or ''}  [status: {case.status}]")
        tiers = svc.tiers(case)
        _table(
            ["tier", "node", "name", "role", "country"],
            [
                (tiers.get(n.id, "-"), n.id, n.name, n.role, n.country)
                for n in sorted(case.chain.nodes, key=lambda n: (tiers.get(n.id, 99), n.id))
            ],
        )
        typer.echo("")
        _table(
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
        _table(
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
    sd, ad = _date(cmd, "--ship-date", ship_date), _date(cmd, "--arrival-date", arrival_date)
    with _service(cmd, data_dir) as svc:
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
    nd = _date(cmd, "--notice-date", notice_date)
    dl = _date(cmd, "--deadline", deadline)
    if nd is None:
        _fail(cmd, "--notice-date is required")
    with _service(cmd, data_dir) as svc:
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
    with _service("case status", data_dir) as svc:
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
    _fmt(cmd, fmt)
    day = _date(cmd, "--as-of", as_of) or date.today()
    with _service(cmd, data_dir) as svc:
        sec = svc.screening(case_id, day)
        if sec.error:
            _fail(cmd, f"the chain could not be traced: {sec.error}")
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
            _json(
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
        _table(
            ["node", "risk", "own findings", "inherited"],
            [(r.node_id, r.risk, "; ".join(r.findings), "; ".join(r.inherited)) for r in sec.rows],
        )
        for n, why in sec.nexus:
            typer.echo(f"nexus: {n}: {why}")


# ------------------------------------------------------------------------- evidence


def _doc_rows(docs: Sequence[Document]) -> list[tuple[Any, ...]]:
    return [
        (
            d.doc_id,
            d.doc_type,
            d.case_id,
            d.doc_date,
            ",".join([*d.coverage.nodes, *d.coverage.edges, *d.coverage.shipments]) or "case",
            d.title,
            "removed" if d.removed else "",
        )
        for d in docs
    ]


_DOC_HEADER = ["doc", "type", "case", "date", "covers", "title", ""]


@evidence_app.command("types")
def evidence_types(fmt: Fmt = "table") -> None:
    """The document-type vocabulary (with evidence categories and sources)."""
    _fmt("evidence types", fmt)
    try:
        vocab = load_vocabulary()
    except ResourceError as exc:
        _fail("evidence types", str(exc))
    if fmt == "json":
        _json(
            [
                {
                    "id": t.id,
                    "label": t.label,
                    "aliases": list(t.aliases),
                    "scope": list(t.scope),
                    "categories": list(t.categories),
                    "validity_days": t.validity_days,
                    "source": t.source,
                }
                for t in vocab.types
            ]
        )
        return
    _table(
        ["type", "covers", "label"],
        [(t.id, ",".join(t.scope), t.label) for t in vocab.types],
    )


@evidence_app.command("add")
def evidence_add(  # noqa: PLR0917 - one parameter per CLI option
    file: Annotated[Path, typer.Argument(help="The document file (any format).")],
    doc_type: Annotated[
        str, typer.Option("--type", "-t", help="Document type (see `laborlens evidence types`).")
    ],
    case: Annotated[str | None, typer.Option("--case", "-c", help="Case id.")] = None,
    node: Annotated[
        list[str] | None, typer.Option("--node", help="Chain node it covers (repeatable).")
    ] = None,
    edge: Annotated[
        list[str] | None, typer.Option("--edge", help="Chain edge it covers, e.g. GIN->SPIN.")
    ] = None,
    lot: Annotated[list[str] | None, typer.Option("--lot", help="Lot/bale/batch id.")] = None,
    shipment: Annotated[
        list[str] | None, typer.Option("--shipment", help="Shipment it covers.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="Who issued it.")] = None,
    producer: Annotated[
        str | None, typer.Option("--producer", help="Producer/facility the document names.")
    ] = None,
    doc_date: Annotated[str | None, typer.Option("--date", help="Document date.")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until")] = None,
    quantity: Annotated[float | None, typer.Option("--quantity")] = None,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Language code, e.g. en, zh, vi.")
    ] = None,
    translation_of: Annotated[
        str | None, typer.Option("--translation-of", help="Document id this translates.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Register a document: typed, hashed (sha256), stored content-addressed, audited."""
    cmd = "evidence add"
    dd, vu = _date(cmd, "--date", doc_date), _date(cmd, "--valid-until", valid_until)
    with _service(cmd, data_dir) as svc:
        doc = svc.register(
            file,
            doc_type,
            case_id=case,
            nodes=node or (),
            edges=edge or (),
            lots=lot or (),
            shipments=shipment or (),
            title=title,
            issuer=issuer,
            producer=producer,
            doc_date=dd,
            valid_until=vu,
            quantity=quantity,
            unit=unit,
            language=language,
            translation_of=translation_of,
        )
        typer.echo(f"{doc.doc_id} {doc.doc_type} {doc.sha256}")


@evidence_app.command("list")
def evidence_list(
    case: Annotated[str | None, typer.Option("--case", "-c")] = None,
    doc_type: Annotated[str | None, typer.Option("--type", "-t")] = None,
    include_removed: Annotated[
        bool, typer.Option("--all", help="Include removed documents.")
    ] = False,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """List registered documents."""
    _fmt("evidence list", fmt)
    with _service("evidence list", data_dir) as svc:
        docs = svc.documents(case, doc_type=doc_type, include_removed=include_removed)
        if fmt == "json":
            _json([d.to_dict() for d in docs])
        else:
            _table(_DOC_HEADER, _doc_rows(docs))


@evidence_app.command("search")
def evidence_search(
    query: Annotated[str, typer.Argument(help="Words to find (all must match).")],
    case: Annotated[str | None, typer.Option("--case", "-c")] = None,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """Find documents by id, type, title, file name, issuer, producer, coverage or hash."""
    _fmt("evidence search", fmt)
    with _service("evidence search", data_dir) as svc:
        docs = svc.search(query, case)
        if fmt == "json":
            _json([d.to_dict() for d in docs])
        else:
            _table(_DOC_HEADER, _doc_rows(docs))


@evidence_app.command("remove")
def evidence_remove(
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. D0003.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")],
    data_dir: DataDir = None,
) -> None:
    """Withdraw a document (it stays on file; the removal is audited)."""
    with _service("evidence remove", data_dir) as svc:
        doc = svc.remove(doc_id, reason)
        typer.echo(f"{doc.doc_id} removed")


@evidence_app.command("verify")
def evidence_verify(
    case: Annotated[str | None, typer.Option("--case", "-c")] = None,
    sources: Annotated[
        bool, typer.Option("--sources", help="Also re-hash the original files registered.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Re-hash stored documents (exit 1 when one was altered or changed since registration)."""
    with _service("evidence verify", data_dir) as svc:
        problems = svc.verify_documents(case, check_sources=sources)
        for p in problems:
            typer.echo(p.message)
        if problems:
            raise typer.Exit(1)
        typer.echo(f"{len(svc.documents(case))} document(s) verified")


@evidence_app.command("gaps")
def evidence_gaps(  # noqa: PLR0917 - one parameter per CLI option
    case: Annotated[str, typer.Argument(help="Case id.")],
    path: PathOpt = "applicability_review",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")
    ] = None,
    shipment: Annotated[str | None, typer.Option("--shipment")] = None,
    no_trace: Annotated[
        bool,
        typer.Option("--no-trace", help="Skip tracing the chain (no nexus gaps; faster)."),
    ] = False,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """What the case's evidence lacks for a response path, most blocking first."""
    cmd = "evidence gaps"
    _fmt(cmd, fmt)
    _path(cmd, path)
    day = _date(cmd, "--as-of", as_of)
    with _service(cmd, data_dir) as svc:
        rep = svc.gaps(case, path, as_of=day, shipment_id=shipment, screen=not no_trace)
        if fmt == "json":
            _json(rep.to_dict())
            return
        c = rep.counts()
        met = sum(1 for s in rep.statuses if s.met)
        typer.echo(
            f"case {case} — {rep.path_label}: {met}/{len(rep.statuses)} requirements met; "
            f"{c['blocking']} blocking, {c['major']} major, {c['minor']} minor gaps"
            + (f"; respond by {rep.response_deadline}" if rep.response_deadline else "")
        )
        _table(
            ["#", "severity", "kind", "subject", "what"],
            [
                (i, g.severity, g.kind, f"{g.subject_type} {g.subject_id}", g.message)
                for i, g in enumerate(rep.gaps, start=1)
            ],
        )


# -------------------------------------------------------------------------- dossier


@dossier_app.command("build")
def dossier_build(  # noqa: PLR0917 - one parameter per CLI option
    case: Annotated[str, typer.Argument(help="Case id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write.")],
    path: PathOpt = "applicability_review",
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD.")] = None,
    shipment: Annotated[str | None, typer.Option("--shipment")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse while blocking gaps remain.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a dossier in OUTPUT.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Build the package: report.html/pdf, exhibits.xlsx, exhibits/, manifest.json."""
    cmd = "dossier build"
    _path(cmd, path)
    day = _date(cmd, "--as-of", as_of)
    with _service(cmd, data_dir) as svc:
        res = svc.build_dossier(
            case,
            path,
            output,
            as_of=day,
            shipment_id=shipment,
            allow_gaps=not strict,
            force=force,
        )
        typer.echo(
            f"dossier written to {res.output}: {len(res.exhibits)} exhibits, {res.files} files; "
            f"manifest sha256 {res.manifest_sha256}"
        )


@dossier_app.command("verify")
def dossier_verify(
    folder: Annotated[Path, typer.Argument(help="Dossier folder.")],
) -> None:
    """Re-hash every file against manifest.json (exit 1 when anything differs)."""
    try:
        manifest, problems = verify_dossier(folder)
    except DossierError as exc:
        _fail("dossier verify", str(exc))
    for p in problems:
        typer.echo(p)
    if problems:
        raise typer.Exit(1)
    typer.echo(
        f"{len(manifest.get('files', []))} files verified; manifest sha256 "
        f"{manifest.get('manifest_sha256')}"
    )


# ---------------------------------------------------------------------------- audit


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option("--limit", help="Newest N records (0 = all).")] = 0,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """Print the audit log."""
    _fmt("audit list", fmt)
    with _service("audit list", data_dir) as svc:
        recs = svc.audit_log()
        if limit > 0:
            recs = recs[-limit:]
        if fmt == "json":
            _json([r.to_dict() for r in recs])
            return
        _table(
            ["seq", "at", "actor", "action", "subject", "hash"],
            [(r.seq, r.at.isoformat(), r.actor, r.action, r.subject, r.hash[:16]) for r in recs],
        )


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None) -> None:
    """Verify the hash chain: exit 1 when any record was edited or deleted."""
    with _service("audit verify", data_dir) as svc:
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
        _fail("audit record", "ACTION and SUBJECT must not be empty")
    with _service("audit record", data_dir) as svc:
        rec = svc.record_event(action.strip(), subject.strip(), {"note": note} if note else None)
        typer.echo(f"record {rec.seq} {rec.hash}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for sub in (case_app, evidence_app, dossier_app, audit_app):
        app.add_typer(sub)
