"""``laborlens evidence`` and ``laborlens dossier``: the document registry, gaps and the
submission package.

Thin commands over :class:`laborlens.ops.evidence.EvidenceService` (exit codes: see
evidence_common.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from laborlens.interfaces.cli.evidence_common import (
    DataDir,
    Fmt,
    PathOpt,
    check_format,
    date_option,
    fail,
    path_option,
    print_json,
    service,
    table,
)
from laborlens.ops.evidence import (
    Document,
    DossierError,
    ResourceError,
    load_vocabulary,
    verify_dossier,
)

evidence_app = typer.Typer(
    name="evidence", help="The evidence registry: register, list, search, remove, verify, gaps."
)
dossier_app = typer.Typer(name="dossier", help="Build and verify the submission package.")


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
    check_format("evidence types", fmt)
    try:
        vocab = load_vocabulary()
    except ResourceError as exc:
        fail("evidence types", str(exc))
    if fmt == "json":
        print_json(
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
    table(
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
    dd, vu = date_option(cmd, "--date", doc_date), date_option(cmd, "--valid-until", valid_until)
    with service(cmd, data_dir) as svc:
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
    check_format("evidence list", fmt)
    with service("evidence list", data_dir) as svc:
        docs = svc.documents(case, doc_type=doc_type, include_removed=include_removed)
        if fmt == "json":
            print_json([d.to_dict() for d in docs])
        else:
            table(_DOC_HEADER, _doc_rows(docs))


@evidence_app.command("search")
def evidence_search(
    query: Annotated[str, typer.Argument(help="Words to find (all must match).")],
    case: Annotated[str | None, typer.Option("--case", "-c")] = None,
    fmt: Fmt = "table",
    data_dir: DataDir = None,
) -> None:
    """Find documents by id, type, title, file name, issuer, producer, coverage or hash."""
    check_format("evidence search", fmt)
    with service("evidence search", data_dir) as svc:
        docs = svc.search(query, case)
        if fmt == "json":
            print_json([d.to_dict() for d in docs])
        else:
            table(_DOC_HEADER, _doc_rows(docs))


@evidence_app.command("remove")
def evidence_remove(
    doc_id: Annotated[str, typer.Argument(help="Document id, e.g. D0003.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")],
    data_dir: DataDir = None,
) -> None:
    """Withdraw a document (it stays on file; the removal is audited)."""
    with service("evidence remove", data_dir) as svc:
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
    with service("evidence verify", data_dir) as svc:
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
    check_format(cmd, fmt)
    path_option(cmd, path)
    day = date_option(cmd, "--as-of", as_of)
    with service(cmd, data_dir) as svc:
        rep = svc.gaps(case, path, as_of=day, shipment_id=shipment, screen=not no_trace)
        if fmt == "json":
            print_json(rep.to_dict())
            return
        c = rep.counts()
        met = sum(1 for s in rep.statuses if s.met)
        typer.echo(
            f"case {case} — {rep.path_label}: {met}/{len(rep.statuses)} requirements met; "
            f"{c['blocking']} blocking, {c['major']} major, {c['minor']} minor gaps"
            + (f"; respond by {rep.response_deadline}" if rep.response_deadline else "")
        )
        table(
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
    path_option(cmd, path)
    day = date_option(cmd, "--as-of", as_of)
    with service(cmd, data_dir) as svc:
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
        fail("dossier verify", str(exc))
    for p in problems:
        typer.echo(p)
    if problems:
        raise typer.Exit(1)
    typer.echo(
        f"{len(manifest.get('files', []))} files verified; manifest sha256 "
        f"{manifest.get('manifest_sha256')}"
    )


def register(app: typer.Typer) -> None:
    """Add ``evidence`` and ``dossier`` to the app."""
    for sub in (evidence_app, dossier_app):
        app.add_typer(sub)
