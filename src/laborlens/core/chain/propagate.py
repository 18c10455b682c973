"""Taint propagation: own findings become channels that travel downstream along material flows.

Steps (each linear in nodes + edges per channel):

1. ``related_party`` findings from ownership / control edges (a listed or Xinjiang parent or
   subsidiary; never material taint);
2. taint channels: each propagating finding kind with its key (``listed_entity:<list>``,
   ``region:<code>``, ``goods_list:<list>:<good>:<country>``, ``routing``);
3. per channel, one breadth-first search that keeps, for every node, the nearest sources (at
   most ``MAX_SOURCES`` + 1) each with one shortest path (:mod:`laborlens.core.chain.nearest`);
   exact source counts while (sources x nodes) is within the path budget;
4. third-country routing (``routing`` findings, then propagated like any channel).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.chain.flows import ALGORITHM, Flows
from laborlens.core.chain.model import EDGE_TYPES, MATERIAL
from laborlens.core.chain.nearest import LocalSearch, Nearest, Search, source_counts
from laborlens.core.chain.table import ChainTable
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
    table: ChainTable,
    own: Callable[[int], Sequence[Finding]],
    taint_regions: Collection[str],
) -> dict[int, list[Finding]]:
    """Related-party findings from ownership/control edges (direct links, both directions),
    per node that gets any."""
    out: dict[int, list[Finding]] = {}
    links = np.flatnonzero(table.type != EDGE_TYPES.index(MATERIAL)).tolist()
    if not links:
        return out
    ends = sorted({int(v) for e in links for v in (table.src[e], table.dst[e])})
    names = dict(zip(ends, (r.name for r in table.records.records(ends)), strict=True))
    for e in links:
        etype, row = EDGE_TYPES[int(table.type[e])], int(table.row[e])
        src, dst = int(table.src[e]), int(table.dst[e])
        for here, there, rel in ((dst, src, "parent"), (src, dst, "subsidiary")):
            if etype != "ownership":
                rel = "controller" if rel == "parent" else "controlled entity"
            there_id = table.ids[there]
            for f in own(there):
                if not is_taint(f, taint_regions):
                    continue
                what = (
                    f"listed on {f.list} as {f.entry_name!r}"
                    if f.kind == "listed_entity"
                    else f"located in {f.label or f.region}"
                )
                out.setdefault(here, []).append(
                    Finding(
                        kind="related_party",
                        why=(
                            f"{etype} link (edge row {row}): its {rel} {there_id!r}"
                            f" ({names[there] or there_id}) is {what}"
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
                            ("relation", etype),
                            ("counterpart", there_id),
                            ("counterpart_role", rel),
                            ("counterpart_finding", f.kind),
                            ("edge_row", row),
                        ),
                    )
                )
    return out


@dataclass(frozen=True, slots=True)
class Channel:
    """One taint channel traced: its sources, and per node the nearest of them.

    Attributes:
        name: ``region:CN-XJ``, ``listed_entity:<list>`` …
        best: per source node, the id of its finding that travels (the highest score).
        nearest: up to ``max_sources + 1`` nearest sources per node, with their paths.
        carries: nodes carrying the channel (sources and everything downstream).
        counts: exact number of sources reaching each node, when computed (within the budget).
        max_sources: sources listed per node.
    """

    name: str
    best: dict[int, int]
    nearest: Nearest
    carries: g.BoolArray
    counts: g.IntArray | None
    max_sources: int

    def listed(self, v: int) -> tuple[int, int]:
        """The kept pairs of ``v`` that are listed (at most ``max_sources``)."""
        a = int(self.nearest.ptr[v])
        return a, min(int(self.nearest.ptr[v + 1]), a + self.max_sources)

    def total(self, v: int) -> int | None:
        """How many sources reach ``v`` (``None`` when more than listed and not counted)."""
        if self.counts is not None:
            return int(self.counts[v])
        kept = int(self.nearest.ptr[v + 1] - self.nearest.ptr[v])
        return kept if kept <= self.max_sources else None


def trace_channel(
    ctx: Flows,
    name: str,
    best: dict[int, int],
    *,
    path_budget: int,
    max_sources: int,
    search: Search | None = None,
) -> Channel:
    """Follow one channel from its sources (``best``: source node -> finding id)."""
    sources = np.fromiter(best, dtype=np.int64, count=len(best))
    near = (search or LocalSearch()).nearest(ctx.graph, sources, max_sources + 1)
    # every node a source reaches keeps at least one source: the carriers are the sources and
    # the nodes that keep any
    carries = np.diff(near.ptr) > 0
    carries[sources] = True
    counts = source_counts(ctx.graph, sources) if len(best) * ctx.n <= path_budget else None
    return Channel(name, best, near, carries, counts, max_sources)


def channel_sources(
    ptr: g.IntArray,
    fid: g.IntArray,
    channels: Sequence[str | None],
    scores: Sequence[float],
) -> dict[str, dict[int, int]]:
    """Per channel, each source node and the id of its best finding in that channel (the
    highest score; the first of equals)."""
    out: dict[str, dict[int, int]] = {}
    has = np.array([c is not None for c in channels], dtype=bool)
    if not fid.size or not has.any():
        return out
    items = np.flatnonzero(has[fid])
    nodes = np.searchsorted(ptr, items, side="right") - 1
    for v, f in zip(nodes.tolist(), fid[items].tolist(), strict=True):
        c = channels[f]
        assert c is not None
        by_node = out.setdefault(c, {})
        held = by_node.get(v)
        if held is None or scores[f] > scores[held]:
            by_node[v] = f
    return out
