"""Write a submission dossier: HTML + PDF report, XLSX exhibit index, the exhibits, a manifest.

Layout of the output folder::

    report.html         summary, chain map, exhibits by tier, mass balance, screening, gaps
    report.pdf          the same report (non-Latin text transliterated; the HTML keeps it)
    exhibits.xlsx       the exhibit index
    exhibits/E001_…     the registered documents, copied from the store
    manifest.json       every file's sha256 and the manifest's own hash

Reproducible: the same case, documents and versions give the same bytes — the report's only
timestamp is the case's latest event, entries are sorted, the PDF creation date and the XLSX
zip entry times are pinned to it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2

from laborlens.adapters.io.atomic import atomic_folder, sweep_leftovers
from laborlens.adapters.store.base import sha256_file
from laborlens.core.cells import xlsx_row
from laborlens.core.evidence.gaps import GapReport
from laborlens.core.evidence.manifest import ManifestFile, build_manifest, verify_manifest
from laborlens.core.evidence.model import Case, Document
from laborlens.core.evidence.vocabulary import Vocabulary
from laborlens.version import __version__

MANIFEST = "manifest.json"


class DossierError(ValueError):
    """The dossier cannot be written or verified (the message says why)."""


@dataclass(frozen=True, slots=True)
class ScreeningRow:
    """One party as screened and traced (own findings, inherited taint, regime outcomes)."""

    node_id: str
    risk: str
    findings: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()
    regimes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ScreeningSection:
    """The screening section of the report; ``error`` when the chain could not be traced."""

    rows: tuple[ScreeningRow, ...]
    nexus: tuple[tuple[str, str], ...] = ()
    shortfalls: tuple[tuple[str, str, str], ...] = ()
    balance: tuple[tuple[str, str, str, str, str, str], ...] = ()
    list_versions: tuple[tuple[str, str], ...] = ()
    algorithms: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DossierInput:
    """Everything the dossier shows (assembled by ``laborlens.ops.evidence``)."""

    case: Case
    documents: tuple[Document, ...]
    report: GapReport
    vocabulary: Vocabulary
    screening: ScreeningSection = field(default_factory=lambda: ScreeningSection(rows=()))
    list_versions: tuple[tuple[str, str], ...] = ()
    algorithms: tuple[str, ...] = ()
    generated_at: datetime | None = None
    audit_head: tuple[int, str] | None = None
    prepared_by: str = "laborlens"


@dataclass(frozen=True, slots=True)
class Exhibit:
    exhibit: str
    doc: Document
    path: str
    group: tuple[int, str]


@dataclass(frozen=True, slots=True)
class DossierResult:
    output: Path
    manifest_sha256: str
    files: int
    exhibits: tuple[str, ...] = field(default=())


# ----------------------------------------------------------------------------- exhibits


def _safe_name(name: str) -> str:
    stem = unicodedata.normalize("NFKC", name)
    stem = re.sub(r"[^\w.\-]+", "_", stem, flags=re.UNICODE).strip("._")
    return stem[:80] or "document"


def _group_of(doc: Document, tiers: dict[str, int], case: Case) -> tuple[int, str]:
    """Where an exhibit sits in the story: case-wide, the entry, then tier by tier upstream."""
    cov = doc.coverage
    node_tiers = [tiers[n] for n in cov.nodes if n in tiers]
    for e in cov.edges:
        edge = case.chain.edge(e)
        if edge and edge.source in tiers:
            node_tiers.append(tiers[edge.source])
    if node_tiers:
        t = min(node_tiers)
        return (10 + t, f"Tier {t}")
    if cov.shipments:
        return (1, "The entry (shipment documents)")
    return (0, "Case-wide documents")


def _exhibits(data: DossierInput) -> list[Exhibit]:
    tiers = dict(data.report.tiers)
    docs = sorted(
        (d for d in data.documents if not d.removed),
        key=lambda d: (_group_of(d, tiers, data.case)[0], d.doc_type, d.doc_date or "", d.doc_id),
    )
    out = []
    for i, d in enumerate(docs, start=1):
        ex = f"E{i:03d}"
        path = f"exhibits/{ex}_{d.doc_type}_{_safe_name(d.filename or d.doc_id)}"
        out.append(Exhibit(ex, d, path, _group_of(d, tiers, data.case)))
    return out


# ------------------------------------------------------------------------------ context


def _covers(d: Document) -> str:
    parts = []
    for label, items in (
        ("nodes", d.coverage.nodes),
        ("edges", d.coverage.edges),
        ("lots", d.coverage.lots),
        ("shipments", d.coverage.shipments),
    ):
        if items:
            parts.append(f"{label}: {', '.join(items)}")
    return "; ".join(parts) or "case"


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def _context(data: DossierInput, exhibits: Sequence[Exhibit]) -> dict[str, Any]:
    case, rep = data.case, data.report
    tiers = dict(rep.tiers)
    det = case.detentions[-1] if case.detentions else None
    ship = next((case.shipment(s) for s in rep.shipment_ids), None)
    counts = rep.counts()
    summary: list[tuple[str, str]] = [
        ("Case", f"{case.case_id}" + (f" — {case.title}" if case.title else "")),
        ("Response path", rep.path_label),
        ("Status", case.status),
    ]
    if ship:
        summary += [
            ("Entry", ship.entry_number or ship.shipment_id),
            ("Goods", ship.goods or ""),
            ("HS codes", ", ".join(ship.hs_codes)),
            ("Quantity", f"{_num(ship.quantity)} {ship.unit or ''}".strip()),
            ("Shipped / arrived", f"{ship.ship_date or '?'} / {ship.arrival_date or '?'}"),
        ]
    if det:
        summary += [
            (
                "Detention notice",
                f"{det.notice_date} ({det.detention_number or det.detention_id}"
                + (f", port {det.port}" if det.port else "")
                + ")",
            ),
            ("Response deadline", str(det.response_deadline)),
        ]
    met = sum(1 for s in rep.statuses if s.met)
    summary += [
        (
            "Chain",
            f"{len(case.chain.nodes)} parties, {len(case.chain.edges)} flows, "
            f"sha256 {case.chain.sha256()[:16]}…",
        ),
        ("Exhibits", str(len(exhibits))),
        ("Requirements met", f"{met} of {len(rep.statuses)}"),
        (
            "Gaps",
            f"{counts['blocking']} blocking, {counts['major']} major, {counts['minor']} minor",
        ),
    ]
    if data.audit_head:
        summary.append(("Audit log anchor", f"record {data.audit_head[0]}, {data.audit_head[1]}"))
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for x in exhibits:
        d = x.doc
        groups.setdefault(x.group, []).append(
            {
                "exhibit": x.exhibit,
                "type": d.doc_type,
                "type_label": data.vocabulary.get(d.doc_type).label,
                "title": d.title or d.filename or d.doc_id,
                "date": str(d.doc_date or ""),
                "parties": " / ".join(p for p in (d.issuer, d.producer) if p),
                "covers": _covers(d),
                "sha256": d.sha256,
                "path": x.path,
                "doc_id": d.doc_id,
                "quantity": f"{_num(d.quantity)} {d.unit or ''}".strip(),
                "language": d.language or "",
            }
        )
    exhibit_groups = [{"title": k[1], "exhibits": v} for k, v in sorted(groups.items())]
    nodes = [
        {
            "id": n.id,
            "name": n.name or "",
            "role": n.role or "",
            "country": n.country or "",
            "address": n.address or "",
            "tier": tiers.get(n.id, ""),
        }
        for n in sorted(case.chain.nodes, key=lambda n: (tiers.get(n.id, 0), n.id))
    ]
    edges = [
        {
            "id": e.id,
            "source": e.source,
            "target": e.target,
            "product": e.product or "",
            "hs_code": e.hs_code or "",
            "quantity": f"{_num(e.quantity)} {e.unit or ''}".strip(),
        }
        for e in case.chain.edges
    ]
    screening = [
        {
            "id": row.node_id,
            "risk": row.risk,
            "findings": "; ".join(row.findings) or "none",
            "inherited": "; ".join(row.inherited) or "none",
            "regimes": ", ".join(f"{r}={o}" for r, o in row.regimes),
        }
        for row in data.screening.rows
    ]
    gaps = [
        {
            "severity": g.severity,
            "kind": g.kind,
            "subject": f"{g.subject_type} {g.subject_id}"
            + (f" (tier {g.tier})" if g.tier is not None else ""),
            "message": g.message,
        }
        for g in rep.gaps
    ]
    mb = [
        {
            "tier": m.tier if m.tier is not None else "",
            "node": f"{m.name} ({m.node_id})" if m.name else m.node_id,
            "unit": m.unit or "",
            "inputs": _num(m.inputs),
            "outputs": _num(m.outputs),
            "status": m.status,
            "note": m.note,
        }
        for m in rep.mass_balance
    ]
    return {
        "case_id": case.case_id,
        "path_label": rep.path_label,
        "citation": data.vocabulary.path(rep.path).citation,
        "version": __version__,
        "prepared_by": data.prepared_by,
        "as_of": rep.as_of.isoformat(),
        "generated_at": data.generated_at.isoformat() if data.generated_at else "",
        "summary": summary,
        "ready": rep.ready,
        "counts": counts,
        "svg": chain_svg(case, tiers),
        "nodes": nodes,
        "edges": edges,
        "exhibit_groups": exhibit_groups,
        "mass_balance": mb,
        "screening": screening,
        "screening_error": data.screening.error,
        "nexus": [f"{n}: {why}" for n, why in data.screening.nexus],
        "trace_balance": [
            dict(zip(("node", "period", "unit", "inputs", "outputs", "status"), b, strict=True))
            for b in data.screening.balance
        ],
        "list_versions": list(data.list_versions),
        "algorithms": [*data.algorithms, rep.algorithm],
        "gaps": gaps,
    }


def _layout(case: Case, tiers: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Column (tier, raw material on the left) and row of each node: deterministic."""
    top = max(tiers.values(), default=0)
    cols: dict[int, list[str]] = {}
    for n in sorted(case.chain.nodes, key=lambda n: n.id):
        # Nodes off the material flow (ownership links only) go to a last column.
        cols.setdefault(top - tiers.get(n.id, -1), []).append(n.id)
    return {nid: (c, r) for c, ids in cols.items() for r, nid in enumerate(ids)}


def chain_svg(case: Case, tiers: dict[str, int]) -> str:
    """An SVG drawing of the chain, one column per tier (raw material left, importer right)."""
    pos = _layout(case, tiers)
    w, h, gx, gy = 170, 46, 60, 22
    ncols = max((c for c, _ in pos.values()), default=0) + 1
    nrows = max((r for _, r in pos.values()), default=0) + 1
    width, height = ncols * (w + gx) + gx, nrows * (h + gy) + gy + 20

    def xy(nid: str) -> tuple[int, int]:
        c, r = pos[nid]
        return gx + c * (w + gx), 20 + gy + r * (h + gy)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        '<defs><marker id="arr" markerWidth="8" markerHeight="8" refX="8" refY="4" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
    ]
    for c in range(ncols):
        tier = max(tiers.values(), default=0) - c
        parts.append(f'<text x="{gx + c * (w + gx)}" y="14" fill="#555">tier {tier}</text>')
    for e in case.chain.edges:
        x1, y1 = xy(e.source)
        x2, y2 = xy(e.target)
        parts.append(
            f'<line x1="{x1 + w}" y1="{y1 + h // 2}" x2="{x2}" y2="{y2 + h // 2}" '
            f'stroke="#555" marker-end="url(#arr)"><title>{escape(e.id)}</title></line>'
        )
    for n in sorted(case.chain.nodes, key=lambda n: n.id):
        x, y = xy(n.id)
        name = (n.name or n.id)[:28]
        parts.append(
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="4" fill="#f5f7fb" stroke="#335"/>'
            f'<text x="{x + 6}" y="{y + 16}">{escape(name)}</text>'
            f'<text x="{x + 6}" y="{y + 32}" fill="#555">{escape(n.id)} · {escape(n.role or "")}'
            f"{' · ' + escape(n.country) if n.country else ''}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------- PDF


def pdf_text(text: str) -> str:
    """Text the PDF's core fonts can show: Han transliterated to pinyin, the rest folded."""
    from pypinyin import lazy_pinyin

    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        text = " ".join(lazy_pinyin(text)).replace("  ", " ")
    text = text.replace("—", "-").replace("–", "-").replace("→", "->").replace("…", "...")
    text = text.replace("·", "-").replace("≠", "!=")
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            folded = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(folded or "?")
    return "".join(out)


def _pdf(ctx: dict[str, Any], case: Case, tiers: dict[str, int], when: datetime | None) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    if when is not None:
        pdf.set_creation_date(when)
    pdf.set_title(pdf_text(f"Dossier {ctx['case_id']}"))
    pdf.set_author(pdf_text(ctx["prepared_by"]))
    pdf.set_creator(f"laborlens {ctx['version']}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    head = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))

    def h1(text: str) -> None:
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 8, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def h2(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)

    def para(text: str, size: int = 8) -> None:
        pdf.set_font("Helvetica", "", size)
        pdf.multi_cell(0, 4, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    def table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]) -> None:
        pdf.set_font("Helvetica", "", 7)
        with pdf.table(
            col_widths=tuple(widths), headings_style=head, line_height=3.6, text_align="LEFT"
        ) as t:
            r = t.row()
            for c in header:
                r.cell(pdf_text(c))
            for row in rows:
                r = t.row()
                for c in row:
                    r.cell(pdf_text(str(c)))

    h1(f"{ctx['path_label']} - case {ctx['case_id']}")
    para(
        f"Prepared with laborlens {ctx['version']} by {ctx['prepared_by']}; as of {ctx['as_of']}; "
        f"fixed timestamp {ctx['generated_at']}. Non-Latin text is transliterated here; "
        "report.html keeps the original script."
    )
    h2("1. Summary")
    table(["Item", "Value"], ctx["summary"], (40, 140))
    para(
        "No blocking gap remains for this path."
        if ctx["ready"]
        else f"{ctx['counts']['blocking']} blocking gap(s) remain: see section 6.",
        9,
    )
    h2("2. Supply chain map")
    _pdf_chain(pdf, case, tiers)
    table(
        ["Tier", "Node", "Name", "Role", "Country"],
        [(n["tier"], n["id"], n["name"], n["role"], n["country"]) for n in ctx["nodes"]],
        (10, 22, 90, 35, 23),
    )
    pdf.ln(2)
    table(
        ["Edge", "Product", "HS", "Quantity"],
        [(e["id"], e["product"], e["hs_code"], e["quantity"]) for e in ctx["edges"]],
        (60, 55, 25, 40),
    )
    h2("3. Exhibits by tier")
    for g in ctx["exhibit_groups"]:
        para(g["title"], 9)
        table(
            ["Exhibit", "Type", "Title", "Date", "Covers", "sha256"],
            [
                (
                    x["exhibit"],
                    x["type"],
                    x["title"],
                    x["date"],
                    x["covers"],
                    x["sha256"][:16] + "...",
                )
                for x in g["exhibits"]
            ],
            (14, 30, 50, 18, 38, 30),
        )
    h2("4. Mass balance")
    table(
        ["Tier", "Node", "Unit", "Inputs", "Outputs", "Status", "Note"],
        [
            (m["tier"], m["node"], m["unit"], m["inputs"], m["outputs"], m["status"], m["note"])
            for m in ctx["mass_balance"]
        ],
        (10, 55, 12, 22, 22, 30, 29),
    )
    if ctx["trace_balance"]:
        para("Mass balance as traced (yields, periods, tainted/untainted inputs):", 8)
        table(
            ["Node", "Period", "Unit", "Inputs untainted / tainted", "Outputs", "Status"],
            [
                (b["node"], b["period"], b["unit"], b["inputs"], b["outputs"], b["status"])
                for b in ctx["trace_balance"]
            ],
            (40, 20, 15, 45, 30, 30),
        )
    h2("5. Screening results")
    para(
        "Lists: "
        + "; ".join(f"{k} {v}" for k, v in ctx["list_versions"])
        + ". Algorithms: "
        + ", ".join(ctx["algorithms"])
    )
    if ctx["screening_error"]:
        para(ctx["screening_error"])
    for line in ctx["nexus"]:
        para("Nexus: " + line)
    table(
        ["Node", "Risk", "Own findings", "Inherited", "Regimes"],
        [
            (s["id"], s["risk"], s["findings"], s["inherited"], s["regimes"])
            for s in ctx["screening"]
        ],
        (18, 12, 55, 50, 45),
    )
    c = ctx["counts"]
    h2(f"6. Gaps ({c['blocking']} blocking, {c['major']} major, {c['minor']} minor)")
    table(
        ["#", "Severity", "Kind", "Subject", "What"],
        [
            (i, g["severity"], g["kind"], g["subject"], g["message"])
            for i, g in enumerate(ctx["gaps"], start=1)
        ],
        (8, 16, 26, 30, 100),
    )
    para("Path requirements: " + ctx["citation"])
    return bytes(pdf.output())


def _pdf_chain(pdf: Any, case: Case, tiers: dict[str, int]) -> None:
    """Draw the chain: boxes per tier column, lines for flows."""
    pos = _layout(case, tiers)
    if not pos:
        return
    ncols = max(c for c, _ in pos.values()) + 1
    nrows = max(r for _, r in pos.values()) + 1
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    gx = 6.0
    w = min(45.0, (usable - gx * (ncols - 1)) / ncols)
    h, gy = 11.0, 4.0
    need = nrows * (h + gy) + 6
    if pdf.get_y() + need > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = pdf.get_y() + 2

    def xy(nid: str) -> tuple[float, float]:
        c, r = pos[nid]
        return pdf.l_margin + c * (w + gx), top + r * (h + gy)

    pdf.set_draw_color(80, 80, 80)
    for e in case.chain.edges:
        x1, y1 = xy(e.source)
        x2, y2 = xy(e.target)
        pdf.line(x1 + w, y1 + h / 2, x2, y2 + h / 2)
    pdf.set_font("Helvetica", "", 6)
    for n in case.chain.nodes:
        x, y = xy(n.id)
        pdf.set_fill_color(245, 247, 251)
        pdf.rect(x, y, w, h, style="DF")
        pdf.set_xy(x + 1, y + 1)
        label = pdf_text(f"{n.name or n.id}")[:40]
        pdf.multi_cell(w - 2, 3, label, new_x="LMARGIN", new_y="NEXT", max_line_height=3, align="L")
        pdf.set_xy(x + 1, y + h - 3.5)
        tier = f"tier {tiers[n.id]}" if n.id in tiers else "no flow"
        line = pdf_text(f"{tier} - {n.id}")
        while line and pdf.get_string_width(line) > w - 2:
            line = line[:-1]
        pdf.cell(w - 2, 3, line)
    pdf.set_xy(pdf.l_margin, top + need)


# --------------------------------------------------------------------------------- XLSX


def _xlsx(ctx: dict[str, Any], when: datetime | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Exhibits"
    header = [
        "Exhibit",
        "Group",
        "Document id",
        "Type",
        "Type label",
        "Title",
        "Date",
        "Issuer / producer",
        "Covers",
        "Quantity",
        "Language",
        "File",
        "sha256",
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for g in ctx["exhibit_groups"]:
        for x in g["exhibits"]:
            ws.append(
                xlsx_row(
                    [
                        x["exhibit"],
                        g["title"],
                        x["doc_id"],
                        x["type"],
                        x["type_label"],
                        x["title"],
                        x["date"],
                        x["parties"],
                        x["covers"],
                        x["quantity"],
                        x["language"],
                        x["path"],
                        x["sha256"],
                    ]
                )
            )
    for col, width in zip(
        "ABCDEFGHIJKLM", (9, 22, 11, 22, 40, 36, 11, 30, 30, 14, 9, 50, 66), strict=True
    ):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    gs = wb.create_sheet("Gaps")
    gs.append(["#", "Severity", "Kind", "Subject", "What"])
    for cell in gs[1]:
        cell.font = Font(bold=True)
    for i, g in enumerate(ctx["gaps"], start=1):
        gs.append(xlsx_row([i, g["severity"], g["kind"], g["subject"], g["message"]]))
    if when is not None:
        naive = when.replace(tzinfo=None)
        wb.properties.created = naive
        wb.properties.modified = naive
    wb.properties.creator = "laborlens"
    buf = io.BytesIO()
    wb.save(buf)
    return _pin_zip(buf.getvalue(), when)


def _pin_zip(data: bytes, when: datetime | None) -> bytes:
    """Rewrite a zip with every entry's time set to ``when`` (zip entries carry write times)."""
    stamp = (when or datetime(1980, 1, 1)).timetuple()[:6]
    stamp = (max(stamp[0], 1980), *stamp[1:])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml" and when is not None:
                # openpyxl stamps "modified" with the wall clock on save; pin it too.
                fixed = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                blob = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + fixed + rb"\g<2>",
                    blob,
                )
            dst.writestr(zi, blob)
    return out.getvalue()


# -------------------------------------------------------------------------------- write


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("laborlens.adapters.io", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    return env.get_template("dossier.html.j2")


def write_dossier(
    output: Path, data: DossierInput, object_path: Callable[[str], Path], *, force: bool = False
) -> DossierResult:
    """Write the package into ``output`` (a new or empty folder, or a previous dossier).

    Args:
        output: target folder.
        data: what to show.
        object_path: sha256 → path of the stored file (the store's content-addressed copy).
        force: replace an existing dossier in ``output`` (a folder holding a manifest.json).

    Raises:
        DossierError: the folder holds other files, or a stored exhibit is missing or altered.
    """
    output = Path(output)
    if output.exists():
        if not output.is_dir():
            raise DossierError(f"{output}: exists and is not a folder")
        if any(output.iterdir()):
            if not (output / MANIFEST).is_file():
                raise DossierError(f"{output}: folder is not empty and is not a dossier")
            if not force:
                raise DossierError(
                    f"{output}: a dossier is already there (use --force to replace it)"
                )
    # written in a staging folder next to the target and swapped in when complete: a failed or
    # killed build never leaves half a dossier, and a replaced one stays until then; what a
    # killed build left next to it is removed first
    output.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(output)
    with atomic_folder(output) as stage:
        result = _write_into(stage, data, object_path)
    return replace(result, output=output)


def _write_into(
    output: Path, data: DossierInput, object_path: Callable[[str], Path]
) -> DossierResult:
    exhibits = _exhibits(data)
    for x in exhibits:
        src = object_path(x.doc.sha256)
        if not src.is_file():
            raise DossierError(f"{x.doc.doc_id}: stored file is missing")
        if sha256_file(src)[0] != x.doc.sha256:
            raise DossierError(
                f"{x.doc.doc_id}: stored file no longer matches its registered sha256"
            )
    (output / "exhibits").mkdir(parents=True, exist_ok=True)
    files: list[ManifestFile] = []
    for x in exhibits:
        target = output / x.path
        shutil.copyfile(object_path(x.doc.sha256), target)
        files.append(
            ManifestFile(
                x.path, x.doc.sha256, x.doc.size, "exhibit", x.exhibit, x.doc.doc_id, x.doc.doc_type
            )
        )
    ctx = _context(data, exhibits)
    tiers = dict(data.report.tiers)
    outputs = {
        "report.html": _template().render(r=ctx).encode("utf-8"),
        "report.pdf": _pdf(ctx, data.case, tiers, data.generated_at),
        "exhibits.xlsx": _xlsx(ctx, data.generated_at),
        "gaps.json": (
            json.dumps(data.report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode("utf-8"),
    }
    roles = {
        "report.html": "report",
        "report.pdf": "report",
        "exhibits.xlsx": "index",
        "gaps.json": "data",
    }
    for name, blob in outputs.items():
        (output / name).write_bytes(blob)
        files.append(ManifestFile(name, hashlib.sha256(blob).hexdigest(), len(blob), roles[name]))
    header: dict[str, Any] = {
        "case_id": data.case.case_id,
        "path": data.report.path,
        "as_of": data.report.as_of.isoformat(),
        "generated_at": data.generated_at.isoformat() if data.generated_at else None,
        "laborlens_version": __version__,
        "chain_sha256": data.case.chain.sha256(),
        "list_versions": dict(data.list_versions),
        "algorithms": [*data.algorithms, data.report.algorithm],
        "vocabulary_version": data.vocabulary.version,
        "audit_anchor": (
            {"seq": data.audit_head[0], "hash": data.audit_head[1]} if data.audit_head else None
        ),
        "ready": data.report.ready,
        "gap_counts": data.report.counts(),
    }
    manifest = build_manifest(files, header)
    (output / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return DossierResult(
        output=output,
        manifest_sha256=str(manifest["manifest_sha256"]),
        files=len(files) + 1,
        exhibits=tuple(x.exhibit for x in exhibits),
    )


def verify_dossier(output: Path) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Re-hash a dossier folder against its manifest: (manifest, problems; empty = intact).

    Raises:
        DossierError: no readable manifest.json in the folder.
    """
    output = Path(output)
    mpath = output / MANIFEST
    if not mpath.is_file():
        raise DossierError(f"{output}: no {MANIFEST} (not a dossier folder)")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DossierError(f"{mpath}: unreadable ({exc})") from exc
    if not isinstance(manifest, dict):
        raise DossierError(f"{mpath}: not a manifest object")
    actual = {
        p.relative_to(output).as_posix(): sha256_file(p)[0]
        for p in sorted(output.rglob("*"))
        if p.is_file() and p != mpath
    }
    return manifest, verify_manifest(manifest, actual)
