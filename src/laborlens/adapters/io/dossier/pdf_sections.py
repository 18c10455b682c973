"""The dossier PDF's pages, in order: cover, contents, sections 1-7 and the annex."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from laborlens.adapters.io.chain_views import Drawing
from laborlens.adapters.io.dossier.pdf import Report
from laborlens.adapters.io.fonts import FontSet, find_fonts

MIN_SCALE = 0.7  # below this a portrait page is too small for the map: turn the page


def _cover(doc: Report, ctx: dict[str, Any], warnings: tuple[str, ...]) -> None:
    pdf = doc.pdf
    pdf.add_page()
    doc.banner(ctx["status"], ctx["ready"])
    doc.font(17, bold=True)
    pdf.multi_cell(0, 8, doc.t(ctx["title"]), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    doc.para("Submission to U.S. Customs and Border Protection", 10)
    doc.table(["", ""], ctx["cover"], (28, 72), size=9)
    if not ctx["ready"]:
        doc.para(
            f"The gap analysis lists {ctx['counts']['blocking']} blocking gap(s) (section 6). "
            "Register the missing documents and build again; `laborlens dossier build --strict` "
            "refuses to build while any remains.",
            9,
            bold=True,
        )
    else:
        doc.para(f"Claim: {ctx['claim']}", 9, bold=True)
    for w in warnings:
        doc.para(f"Note: {w}.", 8)
    doc.para(
        f"Prepared with laborlens {ctx['version']}; as of {ctx['as_of']}; fixed timestamp "
        f"{ctx['generated_at']}. manifest.json lists the sha256 of every file; "
        "`laborlens dossier verify` checks them.",
        7.5,
    )


def _toc(pdf: Any, outline: list[Any]) -> None:
    report: Report = pdf.report
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    report.font(14, bold=True)
    pdf.cell(0, 9, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in outline:
        report.font(10 if section.level == 0 else 9, bold=section.level == 0)
        indent = 6 * section.level
        pdf.set_x(pdf.l_margin + indent)
        label = section.name
        page = str(section.page_number)
        width = pdf.w - pdf.l_margin - pdf.r_margin - indent
        dots = "." * max(
            2, int((width - pdf.get_string_width(label + page) - 4) / pdf.get_string_width("."))
        )
        link = pdf.add_link(page=section.page_number)
        pdf.cell(width, 6, f"{label} {dots} {page}", new_x="LMARGIN", new_y="NEXT", link=link)


def _summary(doc: Report, ctx: dict[str, Any]) -> None:
    doc.section("1. Summary")
    for p in ctx["narrative"]:
        doc.para(p, 9.5, height=4.8)
    doc.table(["Item", "Value"], ctx["summary"], (26, 74), size=8)


def _chain(doc: Report, ctx: dict[str, Any], drawing: Drawing) -> None:
    scale = doc.fit(drawing)
    landscape = scale < MIN_SCALE and doc.fit(drawing, landscape=True) > scale
    if landscape:
        doc.pdf.add_page(orientation="L")
        scale = doc.fit(drawing)
    doc.section("2. Supply chain map")
    doc.para(
        "Raw material on the left, the importer on the right; each flow shows its product, "
        "quantity and shipment date or period; colours give each party's screening risk.",
        8,
    )
    doc.drawing(drawing, scale)
    if landscape:
        doc.pdf.add_page(orientation="P")
    doc.section("Parties", 1)
    doc.table(
        ["Tier", "Party", "Name", "Role", "Country", "Address"],
        [
            (n["tier"], n["id"], n["name"], n["role"], n["country"], n["address"])
            for n in ctx["nodes"]
        ],
        (6, 14, 30, 16, 8, 26),
    )
    doc.section("Flows of goods", 1)
    doc.table(
        ["Flow", "From", "To", "Product", "HS", "Quantity", "Date"],
        [
            (
                e["id"],
                e["source"],
                e["target"],
                e["product"],
                e["hs_code"],
                e["quantity"],
                e["date"],
            )
            for e in ctx["edges"]
        ],
        (18, 13, 13, 18, 10, 14, 12),
    )


def _exhibits(doc: Report, ctx: dict[str, Any]) -> None:
    doc.section("3. Exhibits by tier")
    doc.para(
        "Each exhibit with its title, date, issuer, what it proves (the requirements of this path "
        "it meets, for which flow, party or entry) and its sha256 (first 16 hex digits; the full "
        "hash is in exhibits.xlsx and manifest.json).",
        8,
    )
    if not ctx["exhibit_groups"]:
        doc.para("No exhibit is registered for this case.", 9, bold=True)
    for g in ctx["exhibit_groups"]:
        doc.section(g["title"], 1)
        doc.table(
            ["Exhibit", "Title", "Date", "Issuer / producer", "Proves", "sha256"],
            [
                (
                    x["exhibit"],
                    x["title"] + (f"\n({x['note']})" if x["note"] else ""),
                    x["date"],
                    x["parties"],
                    "\n".join(f"• {f}" for f in x["facts"]) or "no requirement met on its own",
                    x["sha256"][:16],
                )
                for x in g["exhibits"]
            ],
            (9, 30, 10, 15, 36, 12),
            size=7,
        )


def _balance_and_screening(doc: Report, ctx: dict[str, Any]) -> None:
    doc.section("4. Mass balance")
    doc.para(
        "Each party's inputs converted into output-equivalents by the yields, against what it "
        "shipped, per period; tainted inputs do not count towards untainted output.",
        8,
    )
    doc.table(
        [
            "Tier",
            "Party",
            "Period",
            "Unit",
            "Inputs untainted / tainted",
            "Outputs",
            "Shortfall",
            "Status",
        ],
        [
            (
                m["tier"],
                m["node"],
                m["period"],
                m["unit"],
                m["inputs"],
                m["outputs"],
                m["shortfall"],
                m["status"],
            )
            for m in ctx["mass_balance"]
        ],
        (6, 30, 10, 7, 18, 12, 10, 11),
    )
    doc.section("5. Screening results")
    doc.para(
        "Lists: " + "; ".join(f"{k} {v}" for k, v in ctx["list_versions"])
        + ". Algorithms: " + ", ".join(ctx["algorithms"]) + ".",
        7.5,
    )  # fmt: skip
    if ctx["screening_error"]:
        doc.para(ctx["screening_error"], 9, bold=True)
    for line in ctx["nexus"]:
        doc.para("Nexus: " + line, 9, bold=True)
    doc.table(
        ["Party", "Risk", "Own findings", "Inherited", "Regimes"],
        [
            (s["id"], s["risk"], s["findings"], s["inherited"], s["regimes"])
            for s in ctx["screening"]
        ],
        (12, 7, 30, 27, 24),
    )


def _gaps_and_attestation(doc: Report, ctx: dict[str, Any]) -> None:
    c = ctx["counts"]
    doc.section(f"6. Gaps ({c['blocking']} blocking, {c['major']} major, {c['minor']} minor)")
    doc.table(
        ["#", "Severity", "Kind", "Subject", "What"],
        [
            (i, g["severity"], g["kind"], g["subject"], g["message"])
            for i, g in enumerate(ctx["gaps"], start=1)
        ],
        (5, 10, 14, 18, 53),
    )
    doc.para("Path requirements: " + ctx["citation"], 7.5)
    doc.section("7. Attestation")
    doc.para(ctx["attestation"], 9.5, height=5)
    pdf = doc.pdf
    pdf.ln(4)
    doc.font(9)
    for label in ("Name", "Title", "Company (importer of record)", "Signature", "Date"):
        pdf.cell(48, 9, doc.t(label))
        y = pdf.get_y() + 7
        pdf.line(pdf.l_margin + 48, y, pdf.w - pdf.r_margin, y)
        pdf.ln(10)
    doc.section("Annex: versions and integrity")
    doc.table(
        ["Item", "Value"],
        [
            *[(f"list {k}", v) for k, v in ctx["list_versions"]],
            ("algorithms", ", ".join(ctx["algorithms"])),
            ("laborlens", ctx["version"]),
            ("layout", ctx.get("layout_engine", "")),
        ],
        (26, 74),
    )


def render_pdf(
    ctx: dict[str, Any], drawing: Drawing, when: datetime | None, fonts: FontSet | None = None
) -> tuple[bytes, tuple[str, ...]]:
    """The report as PDF bytes (creation date pinned to ``when``) and what the fonts lacked."""
    fonts = fonts or find_fonts()
    warnings = fonts.warnings()
    drawn = [t.text for b in drawing.boxes for t in b.lines]
    drawn += [t.text for x in drawing.links for t in x.lines]
    drawn += [i.text.text for i in drawing.legend]
    doc = Report(ctx, when, fonts, extra="".join(drawn))
    try:
        doc.pdf.report = doc
        _cover(doc, ctx, warnings)
        doc.pdf.add_page()
        doc.pdf.insert_toc_placeholder(_toc, pages=1, allow_extra_pages=True)
        _summary(doc, ctx)
        _chain(doc, ctx, drawing)
        _exhibits(doc, ctx)
        _balance_and_screening(doc, ctx)
        _gaps_and_attestation(doc, ctx)
        return bytes(doc.pdf.output()), warnings
    finally:
        doc.close()
