"""Chain views: one layered drawing of a supply chain (pure Python, no Graphviz binary), used by
``laborlens trace`` (SVG, HTML) and by the dossier (HTML and PDF).

A :class:`View` is what is drawn: boxes and links. :func:`trace_view` makes it from a trace (each
node shows its id, name, country, role, risk and UFLPA outcome; tainted edges red and thick,
ownership/control edges dashed), :func:`chain_view` from a chain alone (the dossier's map).

Layout (:func:`layout`): material flows left to right. Each box's layer is its longest distance
from a box with no inputs (Kahn's order; boxes on cycles are placed after their already-placed
inputs). Within a layer boxes are ordered by the mean position of their inputs (two barycentre
sweeps), which keeps most edges short.

Large traces are summarised: beyond ``max_nodes`` only nodes that are tainted, carry a finding or
an inherited finding, or end the chain are drawn; the other nodes of each layer are collapsed into
one grey "N untainted nodes" box.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from laborlens.core.chain import MATERIAL, Chain, NodeTrace, TraceResult

_W, _H, _GX, _GY, _PAD = 210, 74, 90, 22, 30
_FILL = {"high": "#f9d5d3", "medium": "#fde7c4", "low": "#fff7c2", "none": "#e3f1e3"}
_STROKE = {"high": "#b3261e", "medium": "#c46a00", "low": "#a08900", "none": "#3b7d3b"}
_NEUTRAL = ("#f5f7fb", "#335")
_COLLAPSED = "__collapsed__"


@dataclass(frozen=True, slots=True)
class Box:
    """One box: a node (``lines``, the first in bold) or ``collapsed`` nodes of one layer."""

    id: str
    lines: tuple[str, ...]
    risk: str | None = None
    tainted: bool = False
    tip: str = ""
    collapsed: int = 0
    layer: int | None = None


@dataclass(frozen=True, slots=True)
class Link:
    src: str
    dst: str
    type: str = MATERIAL
    tainted: bool = False


@dataclass(frozen=True, slots=True)
class View:
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    title: str = ""
    legend: str = ""


def _layers(ids: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    preds: dict[str, list[str]] = defaultdict(list)
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(ids, 0)
    for a, b in edges:
        succ[a].append(b)
        preds[b].append(a)
        indeg[b] += 1
    layer = dict.fromkeys(ids, 0)
    queue = deque(i for i in ids if indeg[i] == 0)
    done: set[str] = set()
    while len(done) < len(ids):
        if not queue:  # a cycle: release the first unplaced node
            nxt = next(i for i in ids if i not in done)
            layer[nxt] = max((layer[p] + 1 for p in preds[nxt] if p in done), default=0)
            queue.append(nxt)
            indeg[nxt] = 0
        v = queue.popleft()
        if v in done:
            continue
        done.add(v)
        for w in succ[v]:
            if w in done:
                continue
            layer[w] = max(layer[w], layer[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    return layer


def layout(view: View) -> dict[str, tuple[int, int]]:
    """Column (layer) and row of every box: deterministic for the same view."""
    ids = [b.id for b in view.boxes]
    material = [(x.src, x.dst) for x in view.links if x.type == MATERIAL]
    computed = _layers(ids, material)
    layer = {b.id: b.layer if b.layer is not None else computed[b.id] for b in view.boxes}
    columns: dict[int, list[str]] = defaultdict(list)
    for b in ids:
        columns[layer[b]].append(b)
    pos: dict[str, float] = {}
    for col in columns.values():
        for i, b in enumerate(col):
            pos[b] = float(i)
    preds: dict[str, list[str]] = defaultdict(list)
    for a, b in material:
        preds[b].append(a)
    for _ in range(2):
        for c in sorted(columns):
            col = columns[c]
            col.sort(
                key=lambda b: sum(pos[p] for p in preds[b]) / len(preds[b]) if preds[b] else pos[b]
            )
            for i, b in enumerate(col):
                pos[b] = float(i)
    return {b: (c, i) for c, col in columns.items() for i, b in enumerate(col)}


def _edge_path(a: tuple[float, float], b: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = a, b
    sx, sy, ex, ey = x1 + _W, y1 + _H / 2, x2, y2 + _H / 2
    if x2 <= x1:  # a back edge (cycle): loop under the boxes
        sx, ex, sy, ey = x1 + _W / 2, x2 + _W / 2, y1 + _H, y2 + _H
        return f"M{sx},{sy} C{sx},{sy + 60} {ex},{ey + 60} {ex},{ey}"
    mid = (sx + ex) / 2
    return f"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}"


def _box_svg(box: Box, x: float, y: float) -> list[str]:
    if box.collapsed:
        return [
            f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="6" fill="#eee" '
            'stroke="#999" stroke-dasharray="4,3"/>'
            f'<text x="{x + 10}" y="{y + 40}" fill="#555">{box.collapsed} untainted '
            "nodes (collapsed)</text>"
        ]
    fill, stroke = (_FILL[box.risk], _STROKE[box.risk]) if box.risk in _FILL else _NEUTRAL
    out = [
        f"<g><title>{escape(box.tip)}</title>"
        f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{2.5 if box.tainted else 1.2}"/>'
    ]
    for i, text in enumerate(box.lines):
        weight = "bold" if i == 0 else "normal"
        out.append(
            f'<text x="{x + 8}" y="{y + 16 + i * 15}" font-weight="{weight}">{escape(text)}</text>'
        )
    out.append("</g>")
    return out


def draw_svg(view: View) -> str:
    """The view as an SVG document."""
    cells = layout(view)
    xy = {b: (_PAD + c * (_W + _GX), _PAD + r * (_H + _GY)) for b, (c, r) in cells.items()}
    ncols = max((c for c, _ in cells.values()), default=0) + 1
    nrows = max((r for _, r in cells.values()), default=0) + 1
    width = _PAD * 2 + ncols * (_W + _GX) - _GX
    height = _PAD * 2 + nrows * (_H + _GY) + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="11">',
        "<defs>"
        '<marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker>'
        '<marker id="arr-t" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#b3261e"/></marker>'
        "</defs>",
        f"<title>{escape(view.title)}</title>",
    ]
    for link in sorted(view.links, key=lambda x: x.tainted):
        color, w, marker = ("#b3261e", 2.6, "arr-t") if link.tainted else ("#888", 1.2, "arr")
        dash = ' stroke-dasharray="5,4"' if link.type != MATERIAL else ""
        out.append(
            f'<path d="{_edge_path(xy[link.src], xy[link.dst])}" fill="none" stroke="{color}" '
            f'stroke-width="{w}"{dash} marker-end="url(#{marker})">'
            f"<title>{escape(link.type)}</title></path>"
        )
    for box in view.boxes:
        out.extend(_box_svg(box, *xy[box.id]))
    out.append(f'<text x="{_PAD}" y="{height - 12}" fill="#555">{escape(view.legend)}</text>')
    out.append("</svg>")
    return "\n".join(out)


# --- a trace -----------------------------------------------------------------------------------


def _keep(result: TraceResult, max_nodes: int) -> set[str]:
    ids = [n.id for n in result.nodes]
    if len(ids) <= max_nodes:
        return set(ids)
    has_out = {e.src for e in result.edges if e.type == MATERIAL}
    keep = {
        n.id for n in result.nodes if n.tainted or n.findings or n.inherited or n.id not in has_out
    }
    for n in result.nodes:
        for inh in n.inherited:
            keep.update(inh.path)
    if len(keep) > max_nodes:  # still too many: the worst first
        order = sorted(result.nodes, key=lambda n: (-_rank(n), n.row))
        keep = {n.id for n in order[:max_nodes]}
    return keep


def _rank(n: NodeTrace) -> int:
    return {"high": 3, "medium": 2, "low": 1, "none": 0}[n.risk] + (2 if n.tainted else 0)


def _trace_box(n: NodeTrace, layer: int) -> Box:
    uflpa = next((r.outcome for r in n.regimes if r.regime == "us_uflpa"), "?")
    tip = "; ".join(f"{i.kind} from {i.source}" for i in n.inherited[:8])
    return Box(
        id=n.id,
        lines=(
            n.id,
            (n.name or "")[:34],
            " · ".join(x for x in (n.country or "", n.role or "") if x)[:36],
            f"risk {n.risk} · UFLPA {uflpa}"[:38],
        ),
        risk=n.risk,
        tainted=n.tainted,
        tip=tip or "no inherited findings",
        layer=layer,
    )


def trace_view(result: TraceResult, max_nodes: int = 150) -> View:
    """The drawing of a trace (nodes beyond ``max_nodes`` collapsed per layer)."""
    keep = _keep(result, max_nodes)
    raw_edges = [e for e in result.edges if e.active]
    layer_all = _layers(
        [n.id for n in result.nodes], [(e.src, e.dst) for e in raw_edges if e.type == MATERIAL]
    )
    collapsed: dict[int, int] = defaultdict(int)
    for n in result.nodes:
        if n.id not in keep:
            collapsed[layer_all[n.id]] += 1
    boxes = [_trace_box(n, layer_all[n.id]) for n in result.nodes if n.id in keep]
    boxes += [
        Box(f"{_COLLAPSED}{k}", (), collapsed=collapsed[k], layer=k) for k in sorted(collapsed)
    ]

    def box_of(node_id: str) -> str:
        return node_id if node_id in keep else f"{_COLLAPSED}{layer_all[node_id]}"

    drawn: dict[tuple[str, str, str], bool] = {}
    for e in raw_edges:
        key = (box_of(e.src), box_of(e.dst), e.type)
        if key[0] != key[1]:
            drawn[key] = drawn.get(key, False) or e.tainted
    return View(
        boxes=tuple(boxes),
        links=tuple(Link(a, b, t, tainted) for (a, b, t), tainted in drawn.items()),
        title=f"laborlens trace as of {result.as_of.isoformat()}",
        legend="red edges carry taint; dashed edges are ownership/control; "
        f"as of {result.as_of.isoformat()}",
    )


def render_svg(result: TraceResult, *, max_nodes: int = 150) -> str:
    """The trace as an SVG document (see the module docstring)."""
    return draw_svg(trace_view(result, max_nodes))


# --- a chain -----------------------------------------------------------------------------------


def chain_view(
    chain: Chain,
    tiers: Mapping[str, int],
    *,
    risks: Mapping[str, str] | None = None,
    title: str = "supply chain",
) -> View:
    """The drawing of a chain on its own (a case's map): each party with its name, id, role,
    country and tier, coloured by risk when screening gave one."""
    risks = risks or {}
    boxes = tuple(
        Box(
            id=n.id,
            lines=(
                (n.name or n.id)[:34],
                " · ".join(x for x in (n.id, n.role or "", n.country or "") if x)[:36],
                f"tier {tiers[n.id]}" if n.id in tiers else "no flow of goods",
                f"risk {risks[n.id]}" if n.id in risks else "",
            ),
            risk=risks.get(n.id),
            tip=n.label(),
        )
        for n in chain.nodes
    )
    links = tuple(Link(chain.nodes[e.src].id, chain.nodes[e.dst].id, e.type) for e in chain.edges)
    return View(boxes, links, title, "raw material on the left; dashed edges: ownership/control")


# --- the HTML page of a trace (templates/trace.html.j2) ----------------------------------------


def render_html(result: TraceResult, *, max_nodes: int = 150) -> str:
    """A self-contained HTML page: the drawing plus a table of every node."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("laborlens.adapters.io", "templates"), autoescape=True
    )
    svg = render_svg(result, max_nodes=max_nodes)
    return env.get_template("trace.html.j2").render(r=result, svg=svg) + "\n"
