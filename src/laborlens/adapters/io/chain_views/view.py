"""What a chain drawing shows: boxes (parties, or collapsed groups of parties) and links.

:func:`trace_view` makes a view from a trace (each party with its name, id, role, country, risk
and UFLPA outcome; links red when they carry taint), :func:`chain_view` from a chain alone (a
case's map, coloured by the screening when there is one). Both label each flow with its product,
quantity and date or period. Past ``max_nodes`` parties, the untainted parties that carry no
finding and do not end the chain are collapsed into one box per tier; the box lists its members
(the HTML page expands them).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from laborlens.adapters.io.humanize import quantity
from laborlens.core.chain import MATERIAL, Chain, NodeTrace, TraceResult

COLLAPSED = "__collapsed__"
RISKS = ("high", "medium", "low", "none")


@dataclass(frozen=True, slots=True)
class Box:
    """One box: a party (``lines[0]`` its full name, in bold) or a collapsed group."""

    id: str
    lines: tuple[str, ...]
    risk: str | None = None
    tainted: bool = False
    tip: str = ""
    collapsed: int = 0
    tier: int | None = None
    members: tuple[tuple[str, str], ...] = ()  # collapsed: (id, "name · role · country")


@dataclass(frozen=True, slots=True)
class Link:
    src: str
    dst: str
    type: str = MATERIAL
    tainted: bool = False
    label: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class View:
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    title: str = ""
    note: str = ""
    extras: tuple[str, ...] = field(default=())  # legend entries beyond the standard ones


def flow_label(
    product: str | None,
    qty: float | None,
    unit: str | None,
    when: str | None,
    kind: str = MATERIAL,
) -> tuple[str, ...]:
    """The words on a link: product, then quantity and date (or period)."""
    if kind != MATERIAL:
        return ("owns" if kind == "ownership" else kind,)
    second = " · ".join(x for x in (quantity(qty, unit), when or "") if x)
    return tuple(x for x in (product or "", second) if x)


def sink_tiers(ids: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Tier of each node: 0 for nodes shipping nothing onward, +1 per flow upstream (shortest);
    nodes on no path to such a node get the largest tier + 1."""
    preds: dict[str, list[str]] = defaultdict(list)
    senders: set[str] = set()
    for a, b in edges:
        preds[b].append(a)
        senders.add(a)
    tier = {i: 0 for i in ids if i not in senders}
    queue = deque(tier)
    while queue:
        v = queue.popleft()
        for p in preds[v]:
            if p not in tier:
                tier[p] = tier[v] + 1
                queue.append(p)
    top = max(tier.values(), default=0) + 1
    return {i: tier.get(i, top) for i in ids}


def _collapse(
    boxes: list[Box], links: list[Link], keep: Collection[str], tiers: Mapping[str, int]
) -> tuple[list[Box], list[Link]]:
    """Boxes not in ``keep`` merged into one box per tier; links between merged boxes summed."""
    members: dict[int, list[Box]] = defaultdict(list)
    for b in boxes:
        if b.id not in keep:
            members[tiers.get(b.id, -1)].append(b)
    out = [b for b in boxes if b.id in keep]
    for t in sorted(members):
        group = members[t]
        out.append(
            Box(
                id=f"{COLLAPSED}{t}",
                lines=(f"{len(group)} untainted parties", f"tier {t} (collapsed)"),
                collapsed=len(group),
                tier=t,
                members=tuple((b.id, " · ".join(x for x in b.lines[:2] if x)) for b in group),
            )
        )

    def box_of(node_id: str) -> str:
        return node_id if node_id in keep else f"{COLLAPSED}{tiers.get(node_id, -1)}"

    merged: dict[tuple[str, str, str], list[Link]] = defaultdict(list)
    for x in links:
        key = (box_of(x.src), box_of(x.dst), x.type)
        if key[0] != key[1]:
            merged[key].append(x)
    new_links = [
        replace(group[0], src=a, dst=b)  # one flow keeps its label, drawn to its group's box
        if len(group) == 1
        else Link(a, b, t, any(g.tainted for g in group), (f"{len(group)} flows",))
        for (a, b, t), group in merged.items()
    ]
    return out, new_links


def _worth_keeping(
    boxes: Sequence[Box], links: Sequence[Link], max_nodes: int, also: Collection[str] = ()
) -> set[str]:
    """Parties drawn one by one: risky or tainted ones, chain ends, ``also``; the worst first
    when that is still more than ``max_nodes``."""
    senders = {x.src for x in links if x.type == MATERIAL}
    keep = {
        b.id
        for b in boxes
        if b.tainted or b.risk not in (None, "none") or b.id not in senders or b.id in also
    }
    if len(keep) > max_nodes:
        rank = {r: i for i, r in enumerate(("high", "medium", "low", "none", None))}
        order = sorted(boxes, key=lambda b: (not b.tainted, rank.get(b.risk, 5)))
        keep = {b.id for b in order[:max_nodes]}
    return keep


# --- a trace -----------------------------------------------------------------------------------


def _trace_box(n: NodeTrace, tier: int) -> Box:
    uflpa = next((r.outcome for r in n.regimes if r.regime == "us_uflpa"), "?")
    sources = dict.fromkeys(f"{i.kind} from {i.source}" for i in n.inherited)
    return Box(
        id=n.id,
        lines=(
            n.name or n.id,
            " · ".join(x for x in (n.id, n.role or "", n.country or "") if x),
            f"risk {n.risk} · UFLPA {uflpa}",
        ),
        risk=n.risk,
        tainted=n.tainted,
        tip="; ".join(sources) or "no inherited findings",
        tier=tier,
    )


def trace_view(result: TraceResult, max_nodes: int = 150) -> View:
    """The drawing of a trace (past ``max_nodes`` parties, the quiet ones collapse per tier)."""
    edges = [e for e in result.edges if e.active]
    tiers = sink_tiers(
        [n.id for n in result.nodes], [(e.src, e.dst) for e in edges if e.type == MATERIAL]
    )
    boxes = [_trace_box(n, tiers[n.id]) for n in result.nodes]
    links = [
        Link(
            e.src,
            e.dst,
            e.type,
            e.tainted,
            flow_label(e.product, e.quantity, e.unit, e.period, e.type),
        )
        for e in edges
    ]
    if len(boxes) > max_nodes:
        on_paths = {p for n in result.nodes for i in n.inherited for p in i.path}
        keep = _worth_keeping(boxes, links, max_nodes, on_paths)
        boxes, links = _collapse(boxes, links, keep, tiers)
    return View(
        boxes=tuple(boxes),
        links=tuple(links),
        title=f"laborlens trace as of {result.as_of.isoformat()}",
        note=f"as of {result.as_of.isoformat()}; raw material on the left, the importer on the "
        "right",
    )


# --- a chain -----------------------------------------------------------------------------------


def chain_view(
    chain: Chain,
    tiers: Mapping[str, int],
    *,
    risks: Mapping[str, str] | None = None,
    title: str = "supply chain",
    max_nodes: int = 60,
) -> View:
    """The drawing of a chain on its own (a case's map): each party with its full name, id, role,
    country and tier, coloured by risk when screening gave one."""
    risks = risks or {}
    boxes = [
        Box(
            id=n.id,
            lines=(
                n.name or n.id,
                " · ".join(x for x in (n.id, n.role or "", n.country or "") if x),
                (f"tier {tiers[n.id]}" if n.id in tiers else "no flow of goods")
                + (f" · risk {risks[n.id]}" if n.id in risks else ""),
            ),
            risk=risks.get(n.id),
            tip=n.label(),
            tier=tiers.get(n.id),
        )
        for n in chain.nodes
    ]
    links = [
        Link(
            chain.nodes[e.src].id,
            chain.nodes[e.dst].id,
            e.type,
            False,
            flow_label(
                e.product,
                e.quantity,
                e.unit,
                e.ship_date.isoformat() if e.ship_date else e.period,
                e.type,
            ),
        )
        for e in chain.edges
    ]
    if len(boxes) > max_nodes:
        keep = _worth_keeping(boxes, links, max_nodes)
        boxes, links = _collapse(boxes, links, keep, {k: v for k, v in tiers.items()})
    return View(
        tuple(boxes), tuple(links), title, "raw material on the left, the importer on the right"
    )
