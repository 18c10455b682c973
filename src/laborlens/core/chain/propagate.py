"""Taint propagation: own findings become channels that travel downstream along material flows.

Steps (all linear in nodes + edges per channel):

1. ``related_party`` findings from ownership / control edges (a listed or Xinjiang parent or
   subsidiary; never material taint);
2. taint channels: each propagating finding kind with its key (``listed_entity:<list>``,
   ``region:<code>``, ``sector:<sector>``, ``goods_list:<list>:<good>:<country>``);
3. per channel, breadth-first reach along active material edges. When the graph is small enough
   (sources x nodes within ``path_budget``) every source gets its own shortest path to every node
   it reaches; otherwise only the nearest source per node and channel is kept
   (``nearest_source_only``): bounded storage either way;
4. third-country routing (``routing`` findings, then propagated like any channel).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.chain.flows import ALGORITHM, MAX_SOURCES, Flows
from laborlens.core.chain.model import MATERIAL, Chain
from laborlens.core.chain.result import Inherited
from laborlens.core.chain.tables import Tables, load_tables
from laborlens.core.model import Finding


def channel_of(
    f: Finding, taint_regions: Collection[str], tables: Tables | None = None
) -> str | None:
    """The taint channel a finding propagates in, or ``None`` when it does not propagate.

    Propagating kinds come from ``resources/chain/taint.yaml``; a region finding propagates only
    for a taint region of the regimes (``CN-XJ``); elsewhere it is a location fact.
    """
    tables = tables or load_tables()
    if f.kind not in tables.propagating_kinds:
        return None
    if f.kind == "listed_entity":
        # a possible (unconfirmed) name match travels in its own channel and never counts as
        # material taint for mass balance / exposure until an analyst confirms it
        band = ":possible" if f.match == "possible" else ""
        return f"listed_entity:{f.list or '?'}{band}"
    if f.kind == "region":
        code = (f.region or "").upper()
        return f"region:{code}" if code in taint_regions else None
    if f.kind == "goods_list":
        return f"goods_list:{f.list or '?'}:{f.good or '?'}:{f.country or '?'}"
    if f.kind == "sector":
        return f"sector:{f.sector or '?'}"
    return f.kind


def is_taint(f: Finding, taint_regions: Collection[str]) -> bool:
    """Whether a finding makes the node's own output tainted (confirmed listing, taint region)."""
    if f.kind == "listed_entity":
        return f.match != "possible"
    if f.kind == "region":
        return (f.region or "").upper() in taint_regions
    return False


def related_party(
    chain: Chain, own: Sequence[Sequence[Finding]], taint_regions: Collection[str]
) -> list[list[Finding]]:
    """Related-party findings from ownership/control edges (direct links, both directions)."""
    out: list[list[Finding]] = [[] for _ in chain.nodes]
    for e in chain.edges:
        if e.type == MATERIAL:
            continue
        parent, child = chain.nodes[e.src], chain.nodes[e.dst]
        for here, there, rel in ((e.dst, parent, "parent"), (e.src, child, "subsidiary")):
            if e.type != "ownership":
                rel = "controller" if rel == "parent" else "controlled entity"
            for f in own[there.index]:
                if not is_taint(f, taint_regions):
                    continue
                what = (
                    f"listed on {f.list} as {f.entry_name!r}"
                    if f.kind == "listed_entity"
                    else f"located in {f.label or f.region}"
                )
                out[here].append(
                    Finding(
                        kind="related_party",
                        why=(
                            f"{e.type} link (edge row {e.row}): its {rel} {there.id!r}"
                            f" ({there.record.name or there.id}) is {what}"
                        ),
                        score=round(f.score * 0.8, 4),
                        list=f.list,
                        list_version=f.list_version,
                        entry_id=f.entry_id,
                        entry_name=f.entry_name,
                        match="possible",
                        region=f.region,
                        label=f.label,
                        effective_date=f.effective_date,
                        algorithm=ALGORITHM,
                        details=(
                            ("relation", e.type),
                            ("counterpart", there.id),
                            ("counterpart_role", rel),
                            ("counterpart_finding", f.kind),
                            ("edge_row", e.row),
                        ),
                    )
                )
    return out


def _inherit(
    ctx: Flows,
    r: g.Reach,
    v: int,
    *,
    by_node: dict[int, list[Finding]],
    channel: str,
    tainted_inputs: int,
    all_listed: bool,
    sources_total: int | None,
) -> Inherited:
    eids = g.path_edges(r, ctx.graph, v)
    s = int(r.origin[v])
    best = max(by_node[s], key=lambda f: f.score)
    path = (ctx.ids[s], *(ctx.ids[ctx.edges[i].dst] for i in eids))
    hops = ctx.hops(eids)
    products = " → ".join(h.product or "?" for h in hops)
    why = (
        f"inherits {best.kind} from {ctx.ids[s]!r} via {' → '.join(path)} ({products}): {best.why}"
    )
    fin = replace(
        best,
        why=why,
        details=(
            *best.details,
            ("inherited_from", ctx.ids[s]),
            ("path", path),
            ("products", tuple(h.product or "" for h in hops)),
            ("channel", channel),
            ("propagation", ALGORITHM),
        ),
    )
    return Inherited(
        source=ctx.ids[s],
        kind=best.kind,
        channel=channel,
        path=path,
        hops=hops,
        why=why,
        finding=fin,
        tainted_inputs=tainted_inputs,
        all_sources_listed=all_listed,
        sources_total=sources_total,
    )


def propagate(
    ctx: Flows,
    sources: dict[str, dict[int, list[Finding]]],
    path_budget: int,
    max_sources: int = MAX_SOURCES,
) -> tuple[list[list[Inherited]], dict[str, g.BoolArray]]:
    """Inherited findings per node, and per channel the nodes that carry it (own or inherited)."""
    n, graph = ctx.n, ctx.graph
    inherited: list[list[Inherited]] = [[] for _ in range(n)]
    carries: dict[str, g.BoolArray] = {}
    for channel, by_node in sorted(sources.items()):
        mask = np.zeros(n, dtype=bool)
        mask[list(by_node)] = True
        union = g.reach(graph, mask)
        carrying = union.reached
        carries[channel] = carrying
        if graph.m:
            tin = np.bincount(
                graph.dst, weights=carrying[graph.src].astype(np.float64), minlength=n
            ).astype(np.int64)
        else:
            tin = np.zeros(n, dtype=np.int64)
        per_source = len(by_node) * n <= path_budget
        runs: list[tuple[g.Reach, list[int]]]
        if per_source:
            runs = []
            for s in sorted(by_node):
                one = np.zeros(n, dtype=bool)
                one[s] = True
                r = g.reach(graph, one)
                runs.append((r, np.flatnonzero(r.dist > 0).tolist()))
        else:
            runs = [(union, np.flatnonzero(union.dist > 0).tolist())]
        # per (node, channel): keep the ``max_sources`` nearest sources (shortest paths first)
        best_runs: dict[int, list[tuple[int, int, g.Reach]]] = {}
        counts: dict[int, int] = {}
        for order, (r, targets) in enumerate(runs):
            for v in targets:
                counts[v] = counts.get(v, 0) + 1
                best_runs.setdefault(v, []).append((int(r.dist[v]), order, r))
        for v, cands in best_runs.items():
            cands.sort(key=lambda c: (c[0], c[1]))
            for _, _, r in cands[:max_sources]:
                total = counts[v] if per_source else None
                inherited[v].append(
                    _inherit(
                        ctx,
                        r,
                        v,
                        by_node=by_node,
                        channel=channel,
                        tainted_inputs=int(tin[v]),
                        all_listed=per_source and counts[v] <= max_sources,
                        sources_total=total,
                    )
                )
    return inherited, carries


def routing(
    ctx: Flows, countries: Sequence[str | None], priority: Collection[str]
) -> list[list[Finding]]:
    """``routing`` findings: a producer outside China fed (any tier up) by a Chinese shipment
    of a UFLPA high-priority-sector material."""
    n, graph, tables = ctx.n, ctx.graph, ctx.tables
    out: list[list[Finding]] = [[] for _ in range(n)]
    if not graph.m:
        return out
    cn = np.array([c == "CN" for c in countries], dtype=bool)
    hp = np.array([m is not None and m.sector in priority for m in ctx.mats], dtype=bool)
    if not (cn & (np.bincount(graph.src, weights=hp.astype(np.float64), minlength=n) > 0)).any():
        return out
    r = g.reach(graph, cn, seed_edge_ok=hp)
    for v in np.flatnonzero(r.dist > 0).tolist():
        c = countries[v]
        node = ctx.chain.nodes[v]
        if c is None or c == "CN" or not tables.is_producer(node.role):
            continue
        eids = g.path_edges(r, graph, v)
        first = ctx.mats[eids[0]]
        sector = first.sector if first is not None else None
        path = (ctx.ids[int(r.origin[v])], *(ctx.ids[ctx.edges[i].dst] for i in eids))
        hops = ctx.hops(eids)
        products = " → ".join(h.product or "?" for h in hops)
        out[v].append(
            Finding(
                kind="routing",
                why=(
                    f"last producer outside China ({c}) with Chinese {sector} input:"
                    f" {' → '.join(path)} ({products}); third-country processing of a UFLPA"
                    " high-priority-sector input calls for tracing to raw material"
                ),
                score=0.8,
                sector=sector,
                regime="us_uflpa",
                country=c,
                algorithm=ALGORITHM,
                details=(
                    ("path", path),
                    ("products", tuple(h.product or "" for h in hops)),
                    ("origin", ctx.ids[int(r.origin[v])]),
                    ("origin_country", "CN"),
                    ("outcome_hint", "elevated_risk"),
                ),
            )
        )
    return out
