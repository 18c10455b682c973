"""The dossier's PDF: cover page, contents with page numbers, the report's sections, attestation.

US Letter by default (A4 on request). Fonts are embedded and subset (only the glyphs used):
DejaVu Sans for text, with a CJK font as fallback so Chinese names print as written, and text
shaping (HarfBuzz) so Arabic-script (Uyghur) and Hebrew names join and run right to left. What
the machine lacks is said on the cover and returned as warnings: no CJK font → Han transliterated
to pinyin; no Unicode font at all → the PDF core fonts and Latin-1 transliteration. Until the
gap analysis is clean every page carries a "DRAFT — NOT SUBMITTABLE" watermark.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from laborlens.adapters.io.chain_views import Drawing
from laborlens.adapters.io.dossier import pdf_chain
from laborlens.adapters.io.fonts import FontSet, is_wide

MARGIN = 16.0
_HAN = ("\u3400", "\u9fff")


def pdf_text(text: str) -> str:
    """Text the PDF core fonts can show: Han transliterated to pinyin, the rest folded."""
    text = han_to_pinyin(text)
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


def han_to_pinyin(text: str) -> str:
    """Han characters as pinyin syllables (the rest unchanged)."""
    if not any(_HAN[0] <= ch <= _HAN[1] for ch in text):
        return text
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text)).replace("  ", " ")


def _all_text(ctx: Any) -> str:
    """Every distinct character in the report's context (its strings, walked)."""
    seen: set[str] = set()
    stack = [ctx]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            seen.update(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif hasattr(item, "__dataclass_fields__"):
            stack.extend(getattr(item, f) for f in item.__dataclass_fields__)
    return "".join(sorted(seen))


def _needs_shaping(text: str) -> bool:
    """Right-to-left or joining scripts (Arabic, Uyghur, Hebrew, Syriac...) or combining marks."""
    return any(
        unicodedata.bidirectional(ch) in ("R", "AL") or unicodedata.combining(ch) for ch in text
    )


def close_fonts(pdf: Any) -> None:
    """Close the font files an FPDF document opened (they stay open until then)."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def _shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def _document_class() -> type:
    from fpdf import FPDF

    class Doc(FPDF):
        """A page with a running header, a draft watermark and "page n of N"."""

        draft: str = ""
        running: str = ""
        font_name: str = "Helvetica"

        def header(self) -> None:
            if self.draft:
                with self.local_context(text_color=(235, 190, 186)):
                    self.set_font(self.font_name, "B", 30)
                    # as large as fits along the page's diagonal (with a margin at each end)
                    room = 0.8 * (self.w**2 + self.h**2) ** 0.5
                    size = min(30.0, 30.0 * room / max(self.get_string_width(self.draft), 1.0))
                    self.set_font(self.font_name, "B", size)
                    angle = math.degrees(math.atan2(self.h, self.w))
                    with self.rotation(angle, self.w / 2, self.h / 2):
                        width = self.get_string_width(self.draft)
                        self.text(self.w / 2 - width / 2, self.h / 2, self.draft)
            if self.page_no() > 1:
                self.set_font(self.font_name, "", 7)
                self.set_text_color(110, 110, 110)
                self.set_xy(self.l_margin, 7)
                self.cell(0, 4, self.running, align="L")
                self.set_text_color(0, 0, 0)
                self.set_y(self.t_margin)

        def footer(self) -> None:
            self.set_y(-11)
            self.set_font(self.font_name, "", 7)
            self.set_text_color(110, 110, 110)
            self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    return Doc


class Report:
    """The PDF under construction and the few block types the dossier uses."""

    def __init__(
        self, ctx: dict[str, Any], when: datetime | None, fonts: FontSet, extra: str = ""
    ) -> None:
        """``extra``: text printed besides the context's (the chain drawing's)."""
        doc_class = _document_class()
        paper = "A4" if str(ctx.get("paper", "letter")).lower() == "a4" else "Letter"
        pdf = doc_class(orientation="P", unit="mm", format=paper)
        self.fonts = fonts
        self.pdf = pdf
        if fonts.text is not None:
            pdf.add_font("body", "", str(fonts.text))
            pdf.add_font("body", "B", str(fonts.bold or fonts.text))
            pdf.font_name = "body"
            # Loading a CJK font and shaping every line are the costly parts of a build, so
            # each is turned on only when the report has text that needs it.
            sample = _all_text(ctx) + extra
            if fonts.cjk is not None and any(is_wide(ch) for ch in sample):
                pdf.add_font("cjk", "", str(fonts.cjk), collection_font_number=0)
                pdf.set_fallback_fonts(["cjk"], exact_match=False)  # bold CJK: the regular face
            if _needs_shaping(sample) and _shaping_available():
                pdf.set_text_shaping(True)
        if when is not None:
            pdf.set_creation_date(when)
        pdf.set_title(self.t(ctx["title"]))
        pdf.set_author(self.t(ctx["prepared_by"]))
        pdf.set_creator(f"laborlens {ctx['version']}")
        pdf.set_margins(MARGIN, MARGIN + 2, MARGIN)
        pdf.set_auto_page_break(auto=True, margin=16)
        pdf.alias_nb_pages()
        pdf.draft = "" if ctx["ready"] else self.t(ctx["status"])
        pdf.running = self.t(f"{ctx['title']} · {ctx['status']}")
        from fpdf.fonts import FontFace

        self.head = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))

    def close(self) -> None:
        """Close the font files (fpdf2 reads them lazily and leaves them open)."""
        close_fonts(self.pdf)

    def t(self, text: str) -> str:
        """``text`` as the fonts can print it."""
        if self.fonts.text is None:
            return pdf_text(text)
        if self.fonts.cjk is None:
            return han_to_pinyin(text)
        return text

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.pdf.font_name, "B" if bold else "", size)

    def section(self, title: str, level: int = 0) -> None:
        pdf = self.pdf
        if level == 0 and pdf.get_y() > pdf.h * 0.72:
            pdf.add_page()
        pdf.ln(3)
        pdf.start_section(self.t(title), level=level)
        self.font(13 if level == 0 else 10.5, bold=True)
        pdf.multi_cell(
            0, 7 if level == 0 else 5.5, self.t(title), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(1)

    def para(self, text: str, size: float = 9, bold: bool = False, height: float = 4.4) -> None:
        self.font(size, bold)
        self.pdf.multi_cell(0, height, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.2)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        size: float = 7.5,
    ) -> None:
        if not rows:
            self.para("(none)", 8)
            return
        self.font(size)
        with self.pdf.table(
            col_widths=tuple(widths),
            headings_style=self.head,
            first_row_as_headings=any(header),  # a key-value table has no heading row
            line_height=size * 0.5,
            text_align="LEFT",
            padding=0.8,
            cell_fill_mode="NONE",
        ) as t:
            if any(header):
                r = t.row()
                for c in header:
                    r.cell(self.t(c))
            for row in rows:
                r = t.row()
                for c in row:
                    r.cell(self.t(str(c)))
        self.pdf.ln(2)

    def banner(self, text: str, ready: bool) -> None:
        pdf = self.pdf
        pdf.set_fill_color(*((34, 120, 60) if ready else (179, 38, 30)))
        pdf.set_text_color(255, 255, 255)
        self.font(15, bold=True)
        pdf.multi_cell(0, 11, self.t(text), fill=True, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.set_fill_color(255, 255, 255)
        pdf.ln(4)

    def fit(self, drawing: Drawing, landscape: bool = False) -> float:
        """The scale that fits ``drawing`` into the text area of a page (at most 1)."""
        pdf = self.pdf
        w, h = (pdf.h, pdf.w) if landscape != (pdf.w > pdf.h) else (pdf.w, pdf.h)
        epw = w - pdf.l_margin - pdf.r_margin
        eph = h - pdf.t_margin - pdf.b_margin - 30
        return float(
            min(1.0, epw / (drawing.width * pdf_chain.PT), eph / (drawing.height * pdf_chain.PT))
        )

    def drawing(self, drawing: Drawing, scale: float) -> None:
        """The chain map at ``scale``, on this page when it fits, else on the next."""
        pdf = self.pdf
        height_mm = drawing.height * pdf_chain.PT * scale
        if pdf.get_y() + height_mm > pdf.h - pdf.b_margin:
            pdf.add_page(orientation="L" if pdf.w > pdf.h else "P")
        top = pdf.get_y() + 1
        pdf_chain.draw(pdf, drawing, pdf.l_margin, top, scale=scale, text=self.t)
        pdf.set_xy(pdf.l_margin, top + height_mm + 3)
