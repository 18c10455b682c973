"""Layout by Graphviz ``dot`` (through the ``graphviz`` package): positions only, no drawing.

Boxes are fixed-size nodes; flow labels are fixed-size HTML-table labels, so dot reserves exactly
the room our own text needs (its font metrics never matter). Ownership and control links do not
constrain the ranks. ``dot -Tjson0`` gives the positions (points, y upwards), turned here into
the top-left, y-downwards frame of :mod:`.layout`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from laborlens.adapters.io.chain_views.view import View
from laborlens.core.chain import MATERIAL

Point = tuple[float, float]
Placement = tuple[
    dict[str, Point],
    list[tuple[tuple[tuple[Point, ...], ...], Point, Point]],
    list[Point | None],
    tuple[float, float],
]
TIMEOUT_S = 60


def _source(
    view: View,
    sizes: Mapping[str, tuple[float, float]],
    lsizes: Sequence[tuple[float, float] | None],
    direction: str = "LR",
) -> str:
    ids = {b.id: f"n{i}" for i, b in enumerate(view.boxes)}
    out = [
        "digraph G {",
        f"graph [rankdir={direction}, nodesep=0.22, ranksep=0.45, splines=true];",
        'node [shape=box, fixedsize=true, label=""];',
        "edge [arrowsize=0.7];",
    ]
    for b in view.boxes:
        w, h = sizes[b.id]
        out.append(f'{ids[b.id]} [width="{w / 72:.4f}", height="{h / 72:.4f}"];')
    for k, x in enumerate(view.links):
        attrs = [f'id="e{k}"']
        if lsizes[k] is not None:
            w, h = lsizes[k]  # type: ignore[misc]
            attrs.append(
                'label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
                f'<TD FIXEDSIZE="TRUE" WIDTH="{int(w) + 1}" HEIGHT="{int(h) + 1}"></TD>'
                "</TR></TABLE>>"
            )
        if x.type != MATERIAL:
            attrs.append("weight=0")  # ranked after the owner, but pulled less than goods
        out.append(f"{ids[x.src]} -> {ids[x.dst]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out)


def _pt(text: str, height: float) -> Point:
    x, y = text.split(",")[:2]
    return float(x), height - float(y)


def _route(pos: str, height: float) -> tuple[tuple[tuple[Point, ...], ...], Point, Point]:
    """A dot ``pos`` (``e,x,y p0 c1 c2 p1 …``) as (segments, arrow base, arrow tip)."""
    tip = None
    pts: list[Point] = []
    for part in pos.split():
        if part.startswith("e,"):
            tip = _pt(part[2:], height)
        elif part.startswith("s,"):
            continue
        else:
            pts.append(_pt(part, height))
    base = pts[-1]
    return (tuple(pts),), base, tip or base


def place(
    view: View,
    sizes: Mapping[str, tuple[float, float]],
    lsizes: Sequence[tuple[float, float] | None],
    direction: str = "LR",
) -> Placement | None:
    """Positions from dot, or None when dot is missing or fails (the caller falls back)."""
    try:
        import graphviz

        raw = graphviz.Source(_source(view, sizes, lsizes, direction)).pipe(
            format="json0", engine="dot", quiet=True
        )
        data: dict[str, Any] = json.loads(raw)
    except Exception:
        return None
    _, _, gw, gh = (float(v) for v in data["bb"].split(","))
    by_gvid = {o["_gvid"]: o for o in data.get("objects", [])}
    names = {f"n{i}": b.id for i, b in enumerate(view.boxes)}
    centers = {names[o["name"]]: _pt(o["pos"], gh) for o in by_gvid.values() if "pos" in o}
    routes: list[Any] = [None] * len(view.links)
    labels: list[Point | None] = [None] * len(view.links)
    for e in data.get("edges", []):
        k = int(e["id"][1:])
        routes[k] = _route(e["pos"], gh)
        if "lp" in e:
            labels[k] = _pt(e["lp"], gh)
    if len(centers) != len(view.boxes) or any(r is None for r in routes):
        return None
    return centers, routes, labels, (gw, gh)
