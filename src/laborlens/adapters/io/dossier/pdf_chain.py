"""The chain drawing on a PDF page: the same geometry as the SVG, scaled into the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from laborlens.adapters.io.chain_views import Drawing
from laborlens.adapters.io.chain_views.svg import (
    COLLAPSED,
    FILL,
    FLOW,
    NEUTRAL,
    STROKE,
    TAINT,
    arrow,
    colours,
)

PT = 25.4 / 72  # millimetres per point


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def draw(
    pdf: Any,
    drawing: Drawing,
    x0: float,
    y0: float,
    *,
    scale: float,
    text: Callable[[str], str],
) -> None:
    """Draw ``drawing`` with its top left at (x0, y0) mm, ``scale`` × its point size.

    ``text`` makes a string printable with the document's fonts (identity when they cover it).
    """
    k = PT * scale

    def at(p: tuple[float, float]) -> tuple[float, float]:
        return x0 + p[0] * k, y0 + p[1] * k

    for x in sorted(drawing.links, key=lambda x: x.link.tainted):
        colour = _rgb(TAINT if x.link.tainted else FLOW)
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        pdf.set_line_width((0.8 if x.link.tainted else 0.35) * scale)
        if x.link.type != "material":
            pdf.set_dash_pattern(dash=1.6 * scale, gap=1.2 * scale)
        for seg in x.segments:
            for i in range(0, len(seg) - 3, 3):  # one cubic piece at a time
                pdf.bezier([at(p) for p in seg[i : i + 4]], style="D")
        pdf.set_dash_pattern()
        pdf.polygon([at(p) for p in arrow(x.base, x.tip)], style="F")
        if x.label is not None:
            r = x.label
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(*at((r.x, r.y)), r.w * k, r.h * k, style="F")
        pdf.set_text_color(*((138, 28, 22) if x.link.tainted else (51, 51, 51)))
        for t in x.lines:
            pdf.set_font(style="", size=t.size * scale)
            pdf.text(*at((t.x, t.y)), text(t.text))
    for b in drawing.boxes:
        fill, stroke = colours(b)
        pdf.set_fill_color(*_rgb(fill))
        pdf.set_draw_color(*_rgb(stroke))
        pdf.set_line_width((0.9 if b.box.tainted else 0.35) * scale)
        if b.box.collapsed:
            pdf.set_dash_pattern(dash=1.2 * scale, gap=1 * scale)
        r = b.rect
        pdf.rect(*at((r.x, r.y)), r.w * k, r.h * k, style="DF", round_corners=True,
                 corner_radius=1.5 * scale)  # fmt: skip
        pdf.set_dash_pattern()
        pdf.set_text_color(20, 20, 20)
        for t in b.lines:
            pdf.set_font(style="B" if t.bold else "", size=t.size * scale)
            pdf.text(*at((t.x, t.y)), text(t.text))
    _legend(pdf, drawing, at, k, scale=scale, text=text)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)


def _legend(
    pdf: Any,
    drawing: Drawing,
    at: Callable[[tuple[float, float]], tuple[float, float]],
    k: float,
    *,
    scale: float,
    text: Callable[[str], str],
) -> None:
    for item in drawing.legend:
        s = item.swatch
        kind = item.kind
        if kind.startswith("risk:") or kind == "collapsed":
            risk = kind[5:]
            fill, stroke = (FILL[risk], STROKE[risk]) if risk in FILL else NEUTRAL
            if kind == "collapsed":
                fill, stroke = COLLAPSED
            pdf.set_fill_color(*_rgb(fill))
            pdf.set_draw_color(*_rgb(stroke))
            pdf.set_line_width(0.3 * scale)
            pdf.rect(*at((s.x, s.y)), s.w * k, s.h * k, style="DF")
        else:
            pdf.set_draw_color(*_rgb(TAINT if kind == "tainted" else FLOW))
            pdf.set_line_width((0.8 if kind == "tainted" else 0.35) * scale)
            if kind == "owned":
                pdf.set_dash_pattern(dash=1.6 * scale, gap=1.2 * scale)
            y = s.y + s.h / 2
            pdf.line(*at((s.x, y)), *at((s.x + s.w, y)))
            pdf.set_dash_pattern()
        pdf.set_text_color(40, 40, 40)
        pdf.set_font(style="", size=item.text.size * scale)
        pdf.text(*at((item.text.x, item.text.y)), text(item.text.text))
