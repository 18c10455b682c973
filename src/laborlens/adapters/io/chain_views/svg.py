"""A :class:`~.layout.Drawing` as SVG (the trace's ``--format svg`` and the HTML reports)."""

from __future__ import annotations

import math
from html import escape

from laborlens.adapters.io.chain_views.geometry import (
    Drawing,
    LegendItem,
    PlacedBox,
    PlacedLink,
    Point,
    TextLine,
)
from laborlens.core.chain import MATERIAL

FILL = {"high": "#f9d5d3", "medium": "#fde7c4", "low": "#fff7c2", "none": "#e3f1e3"}
STROKE = {"high": "#b3261e", "medium": "#c46a00", "low": "#a08900", "none": "#3b7d3b"}
NEUTRAL = ("#f5f7fb", "#556")
COLLAPSED = ("#eeeeee", "#888888")
FLOW, TAINT = "#777777", "#b3261e"
FONTS = (
    "DejaVu Sans, Verdana, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"
)


def colours(p: PlacedBox) -> tuple[str, str]:
    """Fill and stroke of a box."""
    if p.box.collapsed:
        return COLLAPSED
    return (FILL[p.box.risk], STROKE[p.box.risk]) if p.box.risk in FILL else NEUTRAL


def arrow(base: Point, tip: Point, half: float = 3.5) -> tuple[Point, Point, Point]:
    """The arrowhead triangle from ``base`` to ``tip``."""
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    n = math.hypot(dx, dy) or 1.0
    px, py = -dy / n * half, dx / n * half
    return tip, (base[0] + px, base[1] + py), (base[0] - px, base[1] - py)


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(t: TextLine, extra: str = "") -> str:
    weight = ' font-weight="bold"' if t.bold else ""
    return (
        f'<text x="{_f(t.x)}" y="{_f(t.y)}" font-size="{_f(t.size)}"{weight}{extra}>'
        f"{escape(t.text)}</text>"
    )


def _box(p: PlacedBox) -> str:
    fill, stroke = colours(p)
    r = p.rect
    width = 2.6 if p.box.tainted else 1.1
    dash = ' stroke-dasharray="4,3"' if p.box.collapsed else ""
    tip = escape(p.box.tip or " · ".join(p.box.lines))
    body = "".join(_text(t) for t in p.lines)
    return (
        f'<g class="party" data-id="{escape(p.box.id)}"><title>{tip}</title>'
        f'<rect x="{_f(r.x)}" y="{_f(r.y)}" width="{_f(r.w)}" height="{_f(r.h)}" rx="5" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}/>{body}</g>'
    )


def path_d(segments: tuple[tuple[Point, ...], ...], tail: Point | None = None) -> str:
    parts = []
    for seg in segments:
        parts.append(f"M{_f(seg[0][0])},{_f(seg[0][1])}")
        for i in range(1, len(seg) - 2, 3):
            (a, b), (c, d), (e, f) = seg[i], seg[i + 1], seg[i + 2]
            parts.append(f"C{_f(a)},{_f(b)} {_f(c)},{_f(d)} {_f(e)},{_f(f)}")
    if tail is not None:
        parts.append(f"L{_f(tail[0])},{_f(tail[1])}")
    return " ".join(parts)


def _link(x: PlacedLink) -> str:
    color = TAINT if x.link.tainted else FLOW
    width = 2.4 if x.link.tainted else 1.1
    dash = ' stroke-dasharray="5,4"' if x.link.type != MATERIAL else ""
    a, b, c = arrow(x.base, x.tip)
    out = [
        f'<g class="flow"><title>{escape(x.link.src)} → {escape(x.link.dst)}</title>'
        f'<path d="{path_d(x.segments)}" fill="none" stroke="{color}" stroke-width="{width}"'
        f"{dash}/>"
        f'<polygon points="{_f(a[0])},{_f(a[1])} {_f(b[0])},{_f(b[1])} {_f(c[0])},{_f(c[1])}" '
        f'fill="{color}"/>'
    ]
    if x.label:
        r = x.label
        out.append(
            f'<rect x="{_f(r.x)}" y="{_f(r.y)}" width="{_f(r.w)}" height="{_f(r.h)}" '
            'fill="#ffffff" fill-opacity="0.85"/>'
        )
        fill = ' fill="#8a1c16"' if x.link.tainted else ' fill="#333"'
        out += [_text(t, fill) for t in x.lines]
    out.append("</g>")
    return "".join(out)


def _legend(item: LegendItem) -> str:
    s = item.swatch
    kind = item.kind
    if kind.startswith("risk:"):
        risk = kind[5:]
        fill, stroke = (FILL[risk], STROKE[risk]) if risk in FILL else NEUTRAL
        mark = (
            f'<rect x="{_f(s.x)}" y="{_f(s.y)}" width="{_f(s.w)}" height="{_f(s.h)}" rx="2" '
            f'fill="{fill}" stroke="{stroke}"/>'
        )
    elif kind == "collapsed":
        mark = (
            f'<rect x="{_f(s.x)}" y="{_f(s.y)}" width="{_f(s.w)}" height="{_f(s.h)}" rx="2" '
            f'fill="{COLLAPSED[0]}" stroke="{COLLAPSED[1]}" stroke-dasharray="3,2"/>'
        )
    else:
        color = TAINT if kind == "tainted" else FLOW
        dash = ' stroke-dasharray="5,4"' if kind == "owned" else ""
        y = s.y + s.h / 2
        width = 2.4 if kind == "tainted" else 1.1
        mark = (
            f'<line x1="{_f(s.x)}" y1="{_f(y)}" x2="{_f(s.x + s.w)}" y2="{_f(y)}" '
            f'stroke="{color}" stroke-width="{width}"{dash}/>'
        )
    return f'<g class="legend">{mark}{_text(item.text)}</g>'


def draw_svg(drawing: Drawing) -> str:
    """The drawing as a standalone SVG document."""
    w, h = _f(drawing.width), _f(drawing.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        f'font-family="{FONTS}" data-engine="{drawing.engine}">',
        f"<title>{escape(drawing.title)}</title>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
    ]
    out += [_link(x) for x in sorted(drawing.links, key=lambda x: x.link.tainted)]
    out += [_box(b) for b in drawing.boxes]
    out += [_legend(i) for i in drawing.legend]
    out.append("</svg>")
    return "\n".join(out)
