"""Chain views: a layered SVG drawing (pure Python, no Graphviz binary) and an HTML report.

Layout: material flows left to right. Each node's layer is its longest distance from a node with
no inputs (Kahn's order; nodes on cycles are placed after their already-placed inputs). Within a
layer nodes are ordered by the mean position of their inputs (two barycentre sweeps), which keeps
most edges short. Tainted edges are drawn red and thick, ownership/control edges dashed; each node
shows its id, name, country, role, risk and UFLPA outcome.

Large chains are summarised: beyond ``max_nodes`` only nodes that are tainted, carry a finding or
an inherited finding, or end the chain are drawn; the other nodes of each layer are collapsed into
one grey "N untainted nodes" box.
"""

from __future__ import annotations

from collections import defaultdict, deque
from html import escape

from laborlens.core.chain import NodeTrace, TraceResult

_W, _H, _GX, _GY, _PAD = 210, 74, 90, 22, 30
_FILL = {"high": "#f9d5d3", "medium": "#fde7c4", "low": "#fff7c2", "none": "#e3f1e3"}
_STROKE = {"high": "#b3261e", "medium": "#c46a00", "low": "#a08900", "none": "#3b7d3b"}
_COLLAPSED = "__collapsed__"


def _keep(result: TraceResult, max_nodes: int) -> set[str]:
    ids = [n.id for n in result.nodes]
    if len(ids) <= max_nodes:
        return set(ids)
    has_out = {e.src for e in result.edges if e.type == "material"}
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
    pending = list(ids)
    while len(done) < len(ids):
        if not queue:  # a cycle: release the first unplaced node
            nxt = next(i for i in pending if i not in done)
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


def render_svg(result: TraceResult, *, max_nodes: int = 150) -> str:
    """The chain as an SVG document (see the module docstring)."""
    keep = _keep(result, max_nodes)
    by_id = {n.id: n for n in result.nodes}
    ids = [n.id for n in result.nodes if n.id in keep]
    collapsed_count: dict[int, int] = defaultdict(int)
    raw_edges = [(e.src, e.dst, e) for e in result.edges if e.active]
    layer_all = _layers(
        [n.id for n in result.nodes], [(a, b) for a, b, e in raw_edges if e.type == "material"]
    )
    for n in result.nodes:
        if n.id not in keep:
            collapsed_count[layer_all[n.id]] += 1
    boxes = ids + [f"{_COLLAPSED}{k}" for k in sorted(collapsed_count)]

    def box_of(node_id: str) -> str:
        return node_id if node_id in keep else f"{_COLLAPSED}{layer_all[node_id]}"

    drawn: dict[tuple[str, str, str], bool] = {}
    for a, b, e in raw_edges:
        key = (box_of(a), box_of(b), e.type)
        if key[0] == key[1]:
            continue
        drawn[key] = drawn.get(key, False) or e.tainted
    layer = {i: layer_all[i] for i in ids}
    for k in collapsed_count:
        layer[f"{_COLLAPSED}{k}"] = k
    columns: dict[int, list[str]] = defaultdict(list)
    for b in boxes:
        columns[layer[b]].append(b)
    pos: dict[str, float] = {}
    for col in columns.values():
        for i, b in enumerate(col):
            pos[b] = float(i)
    preds: dict[str, list[str]] = defaultdict(list)
    for a, b, t in drawn:
        if t == "material":
            preds[b].append(a)
    for _ in range(2):
        for c in sorted(columns):
            col = columns[c]
            col.sort(
                key=lambda b: sum(pos[p] for p in preds[b]) / len(preds[b]) if preds[b] else pos[b]
            )
            for i, b in enumerate(col):
                pos[b] = float(i)
    xy: dict[str, tuple[float, float]] = {}
    for c, col in columns.items():
        for i, b in enumerate(col):
            xy[b] = (_PAD + c * (_W + _GX), _PAD + i * (_H + _GY))
    width = _PAD * 2 + (max(columns, default=0) + 1) * (_W + _GX) - _GX
    height = _PAD * 2 + max((len(c) for c in columns.values()), default=1) * (_H + _GY) + 20
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
        f"<title>laborlens trace as of {result.as_of.isoformat()}</title>",
    ]
    for (a, b, t), tainted in sorted(drawn.items(), key=lambda kv: kv[1]):
        (x1, y1), (x2, y2) = xy[a], xy[b]
        sx, sy = x1 + _W, y1 + _H / 2
        ex, ey = x2, y2 + _H / 2
        if x2 <= x1:  # a back edge (cycle): loop under the boxes
            sx, ex = x1 + _W / 2, x2 + _W / 2
            sy, ey = y1 + _H, y2 + _H
            d = f"M{sx},{sy} C{sx},{sy + 60} {ex},{ey + 60} {ex},{ey}"
        else:
            mid = (sx + ex) / 2
            d = f"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}"
        color, w, marker = ("#b3261e", 2.6, "arr-t") if tainted else ("#888", 1.2, "arr")
        dash = ' stroke-dasharray="5,4"' if t != "material" else ""
        out.append(
            f'<path d="{d}" fill="none" stroke="{color}" stroke-width="{w}"{dash} '
            f'marker-end="url(#{marker})"><title>{escape(t)}</title></path>'
        )
    for b in boxes:
        x, y = xy[b]
        if b.startswith(_COLLAPSED):
            k = int(b[len(_COLLAPSED) :])
            out.append(
                f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="6" fill="#eee" '
                'stroke="#999" stroke-dasharray="4,3"/>'
                f'<text x="{x + 10}" y="{y + 40}" fill="#555">{collapsed_count[k]} untainted '
                "nodes (collapsed)</text>"
            )
            continue
        n = by_id[b]
        uflpa = next((r.outcome for r in n.regimes if r.regime == "us_uflpa"), "?")
        stroke_w = 2.5 if n.tainted else 1.2
        lines = [
            (f"{n.id}", "bold"),
            ((n.name or "")[:34], "normal"),
            (" · ".join(x for x in (n.country or "", n.role or "") if x)[:36], "normal"),
            (f"risk {n.risk} · UFLPA {uflpa}"[:38], "normal"),
        ]
        tip = "; ".join(f"{i.kind} from {i.source}" for i in n.inherited[:8])
        out.append(
            f"<g><title>{escape(tip or 'no inherited findings')}</title>"
            f'<rect x="{x}" y="{y}" width="{_W}" height="{_H}" rx="6" '
            f'fill="{_FILL[n.risk]}" stroke="{_STROKE[n.risk]}" stroke-width="{stroke_w}"/>'
        )
        for i, (text, weight) in enumerate(lines):
            out.append(
                f'<text x="{x + 8}" y="{y + 16 + i * 15}" font-weight="{weight}">'
                f"{escape(text)}</text>"
            )
        out.append("</g>")
    legend_y = height - 12
    out.append(
        f'<text x="{_PAD}" y="{legend_y}" fill="#555">red edges carry taint; dashed edges are '
        f"ownership/control; as of {result.as_of.isoformat()}</text>"
    )
    out.append("</svg>")
    return "\n".join(out)


def render_html(result: TraceResult, *, max_nodes: int = 150) -> str:
    """A self-contained HTML page: the drawing plus a table of every node."""
    rows = []
    for n in result.nodes:
        regimes = "<br>".join(f"{escape(r.regime)}: {escape(r.outcome)}" for r in n.regimes)
        inh = "<br>".join(
            f"{escape(i.kind)} from <b>{escape(i.source)}</b> via {escape(' → '.join(i.path))}"
            for i in n.inherited[:10]
        )
        if len(n.inherited) > 10:
            inh += f"<br>… {len(n.inherited) - 10} more"
        own = "<br>".join(escape(f.why[:160]) for f in n.findings[:6])
        mb = "<br>".join(
            escape(
                f"{b.period or 'undated'}: {b.status}"
                + (f" (shortfall {b.shortfall:g} {b.unit or ''})" if b.shortfall else "")
            )
            for b in n.mass_balance
        )
        ex = f"{n.exposure.by_quantity:.0%}"
        errs = "<br>".join(escape(str(e)) for e in n.errors)
        rows.append(
            f'<tr class="{n.risk}"><td>{escape(n.id)}</td><td>{escape(n.name or "")}</td>'
            f"<td>{escape(n.country or '')}</td><td>{escape(n.role or '')}</td>"
            f"<td>{n.risk}</td><td>{regimes}</td><td>{own}</td><td>{inh}</td><td>{mb}</td>"
            f"<td>{ex}</td><td>{errs}</td></tr>"
        )
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in result.list_versions)
    problems = "".join(f"<li>{escape(str(e))}</li>" for e in result.errors)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>laborlens trace</title>
<style>
body{{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}}
table{{border-collapse:collapse;font-size:12px}} td,th{{border:1px solid #ccc;padding:4px;
vertical-align:top}} tr.high td:first-child{{border-left:5px solid #b3261e}}
tr.medium td:first-child{{border-left:5px solid #c46a00}}
.svg{{overflow:auto;border:1px solid #ddd}}
</style></head><body>
<h1>Supply-chain trace</h1>
<p>As of {result.as_of.isoformat()} · algorithms {escape(", ".join(result.algorithms))}</p>
<p>Lists: {versions}</p>
<div class="svg">{render_svg(result, max_nodes=max_nodes)}</div>
<h2>Nodes</h2>
<table><tr><th>id</th><th>name</th><th>country</th><th>role</th><th>risk</th><th>regimes</th>
<th>own findings</th><th>inherited</th><th>mass balance</th><th>exposure (qty)</th>
<th>errors</th></tr>
{"".join(rows)}
</table>
<h2>Input problems</h2><ul>{problems or "<li>none</li>"}</ul>
</body></html>
"""
