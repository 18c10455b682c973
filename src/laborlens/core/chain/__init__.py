"""Supply chains: graph model, validation, taint propagation, mass balance, routing, exposure.

Public entry points:
    build_chain(node_rows, edge_rows, ...) -> Chain            (validation, per-row errors)
    trace_chain(chain, screened, regimes, as_of, ...) -> TraceResult   (screened by the caller)
    node_balances(chain, as_of, own_taint=...) -> per node BalanceRows (mass balance, no trace)
    graph.reach / graph.exposure / graph.mass_balance           (array API for large graphs)
"""

from __future__ import annotations

from laborlens.core.chain.balance import node_balances
from laborlens.core.chain.model import (
    CONTROL,
    EDGE_TYPES,
    MATERIAL,
    OWNERSHIP,
    Chain,
    ChainEdge,
    ChainNode,
)
from laborlens.core.chain.propagate import is_taint
from laborlens.core.chain.result import (
    BalanceRow,
    EdgeTrace,
    Hop,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
)
from laborlens.core.chain.tables import Tables, load_tables, role_in
from laborlens.core.chain.trace import ALGORITHM, PATH_BUDGET, channel_of, trace_chain
from laborlens.core.chain.validate import build_chain

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
    "Tables",
    "TraceResult",
    "build_chain",
    "channel_of",
    "is_taint",
    "load_tables",
    "node_balances",
    "role_in",
    "trace_chain",
]
