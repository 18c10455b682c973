"""Where everything of a chain drawing goes: one geometry, drawn as SVG (HTML) and in the PDF.

Boxes are sized for their text first (full names wrapped, never cut; widths from the report
fonts' metrics), flow labels likewise. Then a layered layout places them, left to right along
the flow of goods:

- **Graphviz dot** (through the ``graphviz`` package) when the ``dot`` program is installed:
  network-simplex ranking, crossing reduction, spline routing; each flow label is a fixed-size
  label that dot keeps clear of every box and every other label.
- **A built-in layered layout** otherwise (:mod:`.layered`): the same idea in plain Python (each
  label gets a slot in its own column between the parties' columns, so nothing overlaps), with
  straighter routing. :attr:`Drawing.engine` says which one drew.

All coordinates are points (1/72 inch), origin top left, y downwards.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from laborlens.adapters.io.chain_views.view import RISKS, Box, Link, View
from laborlens.adapters.io.fonts import text_width, wrap
from laborlens.core.chain import MATERIAL

TITLE_SIZE, LINE_SIZE, LABEL_SIZE, LEGEND_SIZE = 10.0, 8.5, 7.5, 8.0
PAD = 6.0
MAX_TEXT = 168.0  # widest line of a box, points
MAX_LABEL = 120.0
MIN_BOX = 96.0
MARGIN = 18.0
ARROW = 7.0
ENV_ENGINE = "LABORLENS_LAYOUT"  # "dot" or "layered": force one layout

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Rect, eps: float = 0.5) -> bool:
        return (
            self.x + eps < other.x + other.w
            and other.x + eps < self.x + self.w
            and self.y + eps < other.y + other.h
            and other.y + eps < self.y + self.h
        )


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    x: float  # left
    y: float  # baseline
    size: float
    bold: bool = False


@dataclass(frozen=True, slots=True)
class PlacedBox:
    box: Box
    rect: Rect
    lines: tuple[TextLine, ...]


@dataclass(frozen=True, slots=True)
class PlacedLink:
    """A link: cubic Bézier segments (each ``p0, c1, c2, p1, c1, c2, p2 …``) ending at the
    arrow's base, the arrow's tip, and the label's box and lines (if any)."""

    link: Link
    segments: tuple[tuple[Point, ...], ...]
    tip: Point
    base: Point
    label: Rect | None
    lines: tuple[TextLine, ...]


@dataclass(frozen=True, slots=True)
class LegendItem:
    kind: str  # "risk:<risk>", "risk:unscreened", "tainted", "owned", "flow", "collapsed"
    swatch: Rect
    text: TextLine


@dataclass(frozen=True, slots=True)
class Drawing:
    width: float
    height: float
    boxes: tuple[PlacedBox, ...]
    links: tuple[PlacedLink, ...]
    legend: tuple[LegendItem, ...]
    title: str
    engine: str  # "dot" or "layered"

    def text_rects(self) -> list[tuple[str, Rect]]:
        """(owner, rectangle) of every box, label and legend entry: they must not overlap."""
        out = [(b.box.id, b.rect) for b in self.boxes]
        out += [(f"{x.link.src}->{x.link.dst}", x.label) for x in self.links if x.label]
        for i, item in enumerate(self.legend):
            t = item.text
            width = text_width(t.text, t.size)
            out.append((f"legend{i}", Rect(t.x, t.y - t.size, width, t.size * 1.3)))
        return out


def _line_h(size: float) -> float:
    return size * 1.3


def box_text(box: Box) -> list[tuple[str, float, bool]]:
    """The wrapped lines of a box: (text, size, bold)."""
    out: list[tuple[str, float, bool]] = []
    for i, line in enumerate(box.lines):
        if not line:
            continue
        size, bold = (TITLE_SIZE, True) if i == 0 else (LINE_SIZE, False)
        out += [(part, size, bold) for part in wrap(line, MAX_TEXT, size, bold)]
    return out


def _size(lines: list[tuple[str, float, bool]], minimum: float, pad: float) -> tuple[float, float]:
    w = max((text_width(t, s, b) for t, s, b in lines), default=0.0) + 2 * pad
    h = sum(_line_h(s) for _, s, _ in lines) + 2 * pad
    return max(w, minimum), h


def label_text(link: Link) -> list[tuple[str, float, bool]]:
    return [
        (p, LABEL_SIZE, False) for line in link.label for p in wrap(line, MAX_LABEL, LABEL_SIZE)
    ]


def _place_text(lines: list[tuple[str, float, bool]], rect: Rect, pad: float) -> list[TextLine]:
    out, y = [], rect.y + pad
    for text, size, bold in lines:
        y += _line_h(size)
        out.append(TextLine(text, rect.x + pad, y - size * 0.3, size, bold))
    return out


@cache
def dot_available() -> bool:
    """Whether Graphviz's ``dot`` program runs here."""
    import shutil

    return shutil.which("dot") is not None


def layout(view: View, engine: str | None = None, direction: str = "LR") -> Drawing:
    """The geometry of ``view``. ``engine``: ``"dot"``, ``"layered"`` or ``None`` (the
    ``LABORLENS_LAYOUT`` environment variable, else dot when installed, else layered).
    ``direction``: ``"LR"`` (goods flow left to right) or ``"TB"`` (top to bottom)."""
    from laborlens.adapters.io.chain_views import dot, layered

    texts = {b.id: box_text(b) for b in view.boxes}
    sizes = {b.id: _size(texts[b.id], MIN_BOX, PAD) for b in view.boxes}
    labels = [label_text(x) for x in view.links]
    lsizes = [_size(t, 0, 2) if t else None for t in labels]
    engine = engine or os.environ.get(ENV_ENGINE) or None
    use_dot = engine == "dot" or (engine is None and dot_available())
    placed = None
    if use_dot:
        placed = dot.place(view, sizes, lsizes, direction)
    name = "dot"
    if placed is None:
        placed = layered.place(view, sizes, lsizes, direction)
        name = "layered"
    centers, routes, label_centers, (gw, gh) = placed
    boxes = []
    for b in view.boxes:
        (cx, cy), (w, h) = centers[b.id], sizes[b.id]
        rect = Rect(cx - w / 2 + MARGIN, cy - h / 2 + MARGIN, w, h)
        boxes.append(PlacedBox(b, rect, tuple(_place_text(texts[b.id], rect, PAD))))
    links = []
    for k, x in enumerate(view.links):
        segs, base, tip = routes[k]
        shift = [tuple((px + MARGIN, py + MARGIN) for px, py in s) for s in segs]
        lrect: Rect | None = None
        llines: tuple[TextLine, ...] = ()
        spot, lsize = label_centers[k], lsizes[k]
        if lsize is not None and spot is not None:
            (lx, ly), (lw, lh) = spot, lsize
            lrect = Rect(lx - lw / 2 + MARGIN, ly - lh / 2 + MARGIN, lw, lh)
            llines = tuple(_place_text(labels[k], lrect, 2))
        links.append(
            PlacedLink(
                x,
                tuple(shift),
                (tip[0] + MARGIN, tip[1] + MARGIN),
                (base[0] + MARGIN, base[1] + MARGIN),
                lrect,
                llines,
            )
        )
    width = gw + 2 * MARGIN
    legend, lh = _legend(view, width, gh + 2 * MARGIN)
    return Drawing(
        width=max(width, max((i.text.x + 200 for i in legend), default=0)),
        height=gh + 2 * MARGIN + lh,
        boxes=tuple(boxes),
        links=tuple(links),
        legend=tuple(legend),
        title=view.title,
        engine=name,
    )


def _legend(view: View, width: float, top: float) -> tuple[list[LegendItem], float]:
    entries = [(f"risk:{r}", f"risk {r}") for r in RISKS]
    if any(b.risk is None and not b.collapsed for b in view.boxes):
        entries.append(("risk:unscreened", "not screened"))
    entries.append(("flow", "flow of goods (product, quantity, date)"))
    if any(x.tainted for x in view.links):
        entries.append(("tainted", "carries taint (Xinjiang or a listed entity upstream)"))
    if any(x.type != MATERIAL for x in view.links):
        entries.append(("owned", "ownership or control"))
    if any(b.collapsed for b in view.boxes):
        entries.append(("collapsed", "untainted parties, collapsed by tier"))
    items, x, y = [], MARGIN, top
    row_h = _line_h(LEGEND_SIZE) + 4
    avail = max(width, 480.0) - MARGIN
    for kind, text in entries:
        need = 28 + text_width(text, LEGEND_SIZE) + 14
        if x > MARGIN and x + need > avail:
            x, y = MARGIN, y + row_h
        swatch = Rect(x, y + 2, 22, LEGEND_SIZE)
        items.append(
            LegendItem(kind, swatch, TextLine(text, x + 28, y + LEGEND_SIZE + 1, LEGEND_SIZE))
        )
        x += need
    return items, (y - top) + row_h + MARGIN / 2


def fit_layout(view: View, width: float, height: float) -> Drawing:
    """The drawing that fits best into ``width`` × ``height`` points: left to right, or top to
    bottom when that shows it larger (a long chain on a portrait page)."""

    def scale(d: Drawing) -> float:
        return min(1.0, width / d.width, height / d.height)

    wide = layout(view)
    if scale(wide) >= 0.8:
        return wide
    tall = layout(view, direction="TB")
    return tall if scale(tall) > scale(wide) else wide
