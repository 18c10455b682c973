"""Supply chains: graph model, validation, taint propagation, mass balance, routing, exposure.

Public entry points:
    build_chain(node_rows, edge_rows, ...) -> Chain            (validation, per-row errors)
    trace_chain(chain, screened, regimes, as_of, ...) -> TraceResult
    trace_with_index(chain, index, as_of) -> TraceResult       (screens the nodes itself)
    graph.reach / graph.exposure / graph.mass_balance           (array API for large graphs)
"""

from __future__ import annotations

from datetime import date

from laborlens.core.chain.model import (
    CONTROL,
    EDGE_TYPES,
    MATERIAL,
    OWNERSHIP,
    Chain,
    ChainEdge,
    ChainNode,
)
from laborlens.core.chain.result import (
    BalanceRow,
    EdgeTrace,
    Hop,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
)
from laborlens.core.chain.trace import ALGORITHM, PATH_BUDGET, channel_of, trace_chain
from laborlens.core.chain.validate import build_chain
from laborlens.core.screen import ScreeningIndex, screen_batch


def trace_with_index(
    chain: Chain, index: ScreeningIndex, as_of: date, *, path_budget: int = PATH_BUDGET
) -> TraceResult:
    """Screen every node with the ``screen`` pipeline, then trace the chain (pure, in-process)."""
    screened = screen_batch([nd.record for nd in chain.nodes], index, as_of)
    return trace_chain(
        chain,
        screened,
        index.regimes,
        as_of,
        list_versions=tuple(index.lists.versions().items()),
        algorithms=index.algorithms(),
        path_budget=path_budget,
    )


__all__ = [
    "ALGORITHM",
    "CONTROL",
    "EDGE_TYPES",
    "MATERIAL",
    "OWNERSHIP",
    "PATH_BUDGET",
    "BalanceRow",
    "Chain",
    "ChainEdge",
    "ChainNode",
    "EdgeTrace",
    "Hop",
    "Inherited",
    "NodeExposure",
    "NodeTrace",
    "TraceResult",
    "build_chain",
    "channel_of",
    "trace_chain",
    "trace_with_index",
]
