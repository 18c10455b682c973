"""Third-country routing: a producer outside China fed, any number of tiers up, by a shipment
from China of a material in a UFLPA high-priority sector (designated by the as-of date).

One breadth-first search from every Chinese node, whose first hop must carry a high-priority
material, marks the producers concerned; each one's ``routing`` finding (with its path) is built
only when asked for.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from laborlens.core.chain import graph as g
from laborlens.core.chain.flows import ALGORITHM, Flows
from laborlens.core.chain.nearest import LocalSearch, Search
from laborlens.core.model import Finding


@dataclass(slots=True)
class Routing:
    """The routed producers of a chain and their findings (built on demand, then kept)."""

    ctx: Flows
    countries: Sequence[str | None]
    reach: g.Reach | None
    nodes: g.IntArray  # routed producers, sorted
    first_edge: g.IntArray  # per node: the first (Chinese, high-priority) edge of its path
    _cache: dict[int, Finding] = field(default_factory=dict)

    def sector(self, v: int) -> str | None:
        m = self.ctx.mat(int(self.first_edge[v]))
        return None if m is None else m.sector

    def template(self, v: int) -> Finding:
        """The routing finding of ``v`` without its path (what the regime rules read)."""
        return self._finding(v, sector=self.sector(v), path=(), hops_text="")

    def finding(self, v: int) -> Finding:
        """The routing finding of routed producer ``v``, with its path."""
        hit = self._cache.get(v)
        if hit is None:
            assert self.reach is not None
            eids = g.path_edges(self.reach, self.ctx.graph, v)
            ids = self.ctx.ids
            path = (
                ids[int(self.reach.origin[v])],
                *(ids[int(self.ctx.graph.dst[i])] for i in eids),
            )
            hops = self.ctx.hops(eids)
            products = " → ".join(h.product or "?" for h in hops)
            hit = self._finding(
                v,
                sector=self.sector(v),
                path=path,
                hops_text=products,
                products=tuple(h.product or "" for h in hops),
            )
            self._cache[v] = hit
        return hit

    def _finding(
        self,
        v: int,
        *,
        sector: str | None,
        path: tuple[str, ...],
        hops_text: str,
        products: tuple[str, ...] = (),
    ) -> Finding:
        c = self.countries[v]
        origin = self.ctx.ids[int(self.reach.origin[v])] if self.reach is not None else ""
        return Finding(
            kind="routing",
            why=(
                f"last producer outside China ({c}) with Chinese {sector} input:"
                f" {' → '.join(path)} ({hops_text}); third-country processing of a UFLPA"
                " high-priority-sector input calls for tracing to raw material"
            ),
            score=0.8,
            sector=sector,
            regime="us_uflpa",
            country=c,
            algorithm=ALGORITHM,
            details=(
                ("path", path),
                ("products", products),
                ("origin", origin),
                ("origin_country", "CN"),
                ("outcome_hint", "elevated_risk"),
            ),
        )


def routing(
    ctx: Flows,
    countries: Sequence[str | None],
    priority: Collection[str],
    search: Search | None = None,
) -> Routing:
    """The routed producers: reached (one hop or more) from a Chinese node whose shipment on the
    first hop is a high-priority-sector material; outside China; not a pass-through role."""
    n, graph, tables, t = ctx.n, ctx.graph, ctx.tables, ctx.table
    none = np.zeros(0, dtype=np.int64)
    first = np.full(n, -1, dtype=np.int64)
    if not graph.m:
        return Routing(ctx, countries, None, none, first)
    cn = np.array([c == "CN" for c in countries], dtype=bool)
    sectors = np.array(
        [m.sector in priority if m.sector else False for m in tables.materials] + [False]
    )
    hp = sectors[ctx.material]  # -1 (no material) reads the trailing False
    if not (cn & (np.bincount(graph.src, weights=hp.astype(np.float64), minlength=n) > 0)).any():
        return Routing(ctx, countries, None, none, first)
    r = (search or LocalSearch()).reach(graph, cn, seed_edge_ok=hp)
    producer_role = np.array(
        [tables.is_producer(role) for role in t.role.values] + [tables.is_producer(None)]
    )
    producer = producer_role[t.role.codes.astype(np.int64)]
    abroad = np.array([c is not None and c != "CN" for c in countries], dtype=bool)
    routed = np.flatnonzero((r.dist > 0) & abroad & producer)
    # the first edge of each node's kept path, level by level
    for d in range(1, int(r.dist.max(initial=0)) + 1):
        at = np.flatnonzero(r.dist == d)
        first[at] = r.pred[at] if d == 1 else first[graph.src[r.pred[at]]]
    return Routing(ctx, countries, r, routed, first)
