"""The dossier's PDF report: the HTML report's sections on A4 with the PDF core fonts.

Non-Latin text is transliterated (Han to pinyin; report.html keeps the original script). The
chain map is drawn from the same chain view and layout as the HTML report.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from laborlens.adapters.io.chain_views import View, layout


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


class _Doc:
    """An A4 document with the few block types the report uses."""

    def __init__(self, ctx: dict[str, Any], when: datetime | None) -> None:
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
        self.pdf = pdf
        self.head = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))

    def h1(self, text: str) -> None:
        self.pdf.set_font("Helvetica", "B", 15)
        self.pdf.multi_cell(0, 8, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def h2(self, text: str) -> None:
        self.pdf.ln(3)
        self.pdf.set_font("Helvetica", "B", 12)
        self.pdf.multi_cell(0, 7, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font("Helvetica", "", 8)

    def para(self, text: str, size: int = 8) -> None:
        self.pdf.set_font("Helvetica", "", size)
        self.pdf.multi_cell(0, 4, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
    ) -> None:
        self.pdf.set_font("Helvetica", "", 7)
        with self.pdf.table(
            col_widths=tuple(widths), headings_style=self.head, line_height=3.6, text_align="LEFT"
        ) as t:
            r = t.row()
            for c in header:
                r.cell(pdf_text(c))
            for row in rows:
                r = t.row()
                for c in row:
                    r.cell(pdf_text(str(c)))

    def chain(self, view: View) -> None:
        """The chain map: boxes per layer column, lines for flows."""
        pdf = self.pdf
        pos = layout(view)
        if not pos:
            return
        ncols = max(c for c, _ in pos.values()) + 1
        nrows = max(r for _, r in pos.values()) + 1
        gx, h, gy = 6.0, 11.0, 4.0
        w = min(45.0, (pdf.w - pdf.l_margin - pdf.r_margin - gx * (ncols - 1)) / ncols)
        need = nrows * (h + gy) + 6
        if pdf.get_y() + need > pdf.h - pdf.b_margin:
            pdf.add_page()
        top = pdf.get_y() + 2

        def xy(box: str) -> tuple[float, float]:
            c, r = pos[box]
            return pdf.l_margin + c * (w + gx), top + r * (h + gy)

        pdf.set_draw_color(80, 80, 80)
        for link in view.links:
            (x1, y1), (x2, y2) = xy(link.src), xy(link.dst)
            pdf.line(x1 + w, y1 + h / 2, x2, y2 + h / 2)
        pdf.set_font("Helvetica", "", 6)
        for box in view.boxes:
            x, y = xy(box.id)
            pdf.set_fill_color(245, 247, 251)
            pdf.rect(x, y, w, h, style="DF")
            pdf.set_xy(x + 1, y + 1)
            label = pdf_text(box.lines[0] if box.lines else box.id)[:40]
            pdf.multi_cell(
                w - 2, 3, label, new_x="LMARGIN", new_y="NEXT", max_line_height=3, align="L"
            )
            pdf.set_xy(x + 1, y + h - 3.5)
            line = pdf_text(" - ".join(box.lines[1:3]))
            while line and pdf.get_string_width(line) > w - 2:
                line = line[:-1]
            pdf.cell(w - 2, 3, line)
        pdf.set_xy(pdf.l_margin, top + need)


def _summary_and_chain(doc: _Doc, ctx: dict[str, Any], view: View) -> None:
    doc.h1(f"{ctx['path_label']} - case {ctx['case_id']}")
    doc.para(
        f"Prepared with laborlens {ctx['version']} by {ctx['prepared_by']}; as of {ctx['as_of']}; "
        f"fixed timestamp {ctx['generated_at']}. Non-Latin text is transliterated here; "
        "report.html keeps the original script."
    )
    doc.h2("1. Summary")
    doc.table(["Item", "Value"], ctx["summary"], (40, 140))
    doc.para(
        "No blocking gap remains for this path."
        if ctx["ready"]
        else f"{ctx['counts']['blocking']} blocking gap(s) remain: see section 6.",
        9,
    )
    doc.h2("2. Supply chain map")
    doc.chain(view)
    doc.table(
        ["Tier", "Node", "Name", "Role", "Country"],
        [(n["tier"], n["id"], n["name"], n["role"], n["country"]) for n in ctx["nodes"]],
        (10, 22, 90, 35, 23),
    )
    doc.pdf.ln(2)
    doc.table(
        ["Edge", "Product", "HS", "Quantity"],
        [(e["id"], e["product"], e["hs_code"], e["quantity"]) for e in ctx["edges"]],
        (60, 55, 25, 40),
    )


def _exhibits_and_balance(doc: _Doc, ctx: dict[str, Any]) -> None:
    doc.h2("3. Exhibits by tier")
    for g in ctx["exhibit_groups"]:
        doc.para(g["title"], 9)
        doc.table(
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
    doc.h2("4. Mass balance")
    doc.para(
        "Inputs converted by the yields; tainted inputs do not count towards untainted output."
    )
    doc.table(
        ["Tier", "Node", "Period", "Unit", "In untainted / tainted", "Out", "Short", "Status"],
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
        (9, 48, 15, 10, 36, 22, 18, 22),
    )


def _screening_and_gaps(doc: _Doc, ctx: dict[str, Any]) -> None:
    doc.h2("5. Screening results")
    doc.para(
        "Lists: "
        + "; ".join(f"{k} {v}" for k, v in ctx["list_versions"])
        + ". Algorithms: "
        + ", ".join(ctx["algorithms"])
    )
    if ctx["screening_error"]:
        doc.para(ctx["screening_error"])
    for line in ctx["nexus"]:
        doc.para("Nexus: " + line)
    doc.table(
        ["Node", "Risk", "Own findings", "Inherited", "Regimes"],
        [
            (s["id"], s["risk"], s["findings"], s["inherited"], s["regimes"])
            for s in ctx["screening"]
        ],
        (18, 12, 55, 50, 45),
    )
    c = ctx["counts"]
    doc.h2(f"6. Gaps ({c['blocking']} blocking, {c['major']} major, {c['minor']} minor)")
    doc.table(
        ["#", "Severity", "Kind", "Subject", "What"],
        [
            (i, g["severity"], g["kind"], g["subject"], g["message"])
            for i, g in enumerate(ctx["gaps"], start=1)
        ],
        (8, 16, 26, 30, 100),
    )
    doc.para("Path requirements: " + ctx["citation"])


def render_pdf(ctx: dict[str, Any], view: View, when: datetime | None) -> bytes:
    """The report as PDF bytes (creation date pinned to ``when``)."""
    doc = _Doc(ctx, when)
    _summary_and_chain(doc, ctx, view)
    _exhibits_and_balance(doc, ctx)
    _screening_and_gaps(doc, ctx)
    return bytes(doc.pdf.output())
