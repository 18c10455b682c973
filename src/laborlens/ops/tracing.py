"""Python API for supply-chain tracing, shared by the CLI and the REST API.

- :func:`trace_graph` traces a chain of any size into a :class:`GraphTrace` (arrays and
  references: a million nodes fit in a few GB);
- :func:`explain` spells one node out (:class:`NodeTrace`: own and inherited findings with
  paths and texts, regimes with reasons, mass balance rows);
- :func:`trace` gives the whole :class:`TraceResult` with every node spelt out (small chains;
  the evidence layer consumes it);
- :func:`write` writes a trace as compact JSON Lines or Parquet, the full record, HTML or SVG;
  :func:`store` keeps its tables in DuckDB for queries.

The result types (``TraceResult``, ``NodeTrace``, ``Inherited``, ``BalanceRow``,
``NodeExposure``, ``EdgeTrace``, ``Hop``) are frozen dataclasses with ``to_dict``; they are
re-exported here and are a stable contract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.io.atomic import sweep_leftovers
from laborlens.adapters.io.chain import ChainInputError, read_chain
from laborlens.adapters.io.chain_csv import read_table_folder
from laborlens.adapters.io.chain_out import OUTPUT_FORMATS, OutputError, write_errors, write_output
from laborlens.adapters.io.chain_store import store_trace
from laborlens.core.chain import (
    MAX_SOURCES,
    PATH_BUDGET,
    BalanceRow,
    Chain,
    ChainTable,
    EdgeTrace,
    GraphTrace,
    Hop,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
    build_chain,
    full_result,
    node_trace,
    trace_table,
)
from laborlens.core.lists import ListError, ListSet, load_bundled
from laborlens.core.model import RowError
from laborlens.core.resources import ResourceError
from laborlens.core.screen import ScreeningIndex
from laborlens.ops.screening import InputError, index_for, load_lists_checked
from laborlens.ops.tracing_screen import screen_nodes

ChainArg = Chain | ChainTable | str | Path | Mapping[str, Any]
#: Output formats of :func:`write` (``jsonl`` compact, ``full`` every node spelt out).
FORMATS: tuple[str, ...] = OUTPUT_FORMATS


def load_chain(chain: ChainArg, *, require_ids: bool = False) -> Chain:
    """A :class:`Chain` from a path (JSON, folder, FtM JSON Lines), a ``{"nodes", "edges"}``
    mapping, or a chain already built: the one way a chain comes in as objects.

    ``require_ids``: a node without an ``id`` is a row error (cases need named nodes).

    Raises:
        ChainInputError: the input cannot be used at all.
    """
    if isinstance(chain, Chain):
        return chain
    if isinstance(chain, ChainTable):
        return chain.to_chain()
    if isinstance(chain, Mapping):
        nodes, edges = chain.get("nodes"), chain.get("edges") or []
        if not isinstance(nodes, list) or not isinstance(edges, list):
            raise ChainInputError('a chain mapping needs "nodes" and "edges" lists')
        return build_chain(
            nodes, edges, nodes_source="nodes", edges_source="edges", require_ids=require_ids
        )
    return read_chain(chain, require_ids=require_ids)


def load_table(chain: ChainArg, *, require_ids: bool = False) -> ChainTable:
    """The chain as columns: a folder is streamed (any size); other inputs go through
    :func:`load_chain`.

    Raises:
        ChainInputError: the input cannot be used at all.
    """
    if isinstance(chain, ChainTable):
        return chain
    if isinstance(chain, str | Path) and Path(chain).is_dir():
        return read_table_folder(Path(chain), require_ids=require_ids)
    return ChainTable.from_chain(load_chain(chain, require_ids=require_ids))


def _index(
    lists: ListSet | None, list_files: Sequence[str | Path]
) -> tuple[ScreeningIndex, list[RowError]]:
    base = lists or load_bundled()
    errors: list[RowError] = []
    if list_files:
        loaded = load_lists_checked(list_files, base=base)
        base, errors = loaded.lists, list(loaded.errors)
    return index_for(base), errors


def trace_graph(
    chain: ChainArg,
    *,
    as_of: date | None = None,
    lists: ListSet | None = None,
    list_files: Sequence[str | Path] = (),
    index: ScreeningIndex | None = None,
    workers: int = 1,
    engine: str = "local",
    path_budget: int = PATH_BUDGET,
    max_sources: int = MAX_SOURCES,
) -> GraphTrace:
    """Screen every node of a chain (each distinct screening input once) and trace taint,
    routing, mass balance, exposure and regimes, on arrays.

    Args:
        chain: a path, a ``{"nodes", "edges"}`` mapping, a :class:`Chain` or a
            :class:`ChainTable`.
        as_of: evaluation date (default: today).
        lists: reference lists (default: the bundled lists).
        list_files: user list files added to ``lists`` (as ``laborlens screen --list-file``).
        index: a compiled screening index (overrides ``lists``/``list_files``).
        workers: screening processes (1 = in-process).
        engine: where the nodes are screened (``local`` or ``spark``); the graph searches run
            on this machine's arrays.
        path_budget: exact source counts while (sources of a channel) x (nodes) is within this.
        max_sources: sources listed per node and channel (the nearest).

    Raises:
        ChainInputError: the chain cannot be used, or the chain has no node.
        InputError: a list file cannot be read.
    """
    day = as_of or date.today()
    table = load_table(chain)
    if not table.n:
        problems = "; ".join(str(e) for e in table.errors[:3])
        raise ChainInputError(f"no usable node ({problems or 'the chain is empty'})")
    extra: list[RowError] = []
    if index is None:
        index, extra = _index(lists, list_files)
    screened = screen_nodes(table, index, day, engine=engine, workers=workers)
    result = trace_table(
        table,
        screened,
        index.regimes,
        day,
        list_versions=tuple(index.lists.versions().items()),
        algorithms=index.algorithms(),
        path_budget=path_budget,
        max_sources=max_sources,
    )
    return replace(result, errors=(*result.errors, *extra)) if extra else result


def trace(
    chain: ChainArg,
    *,
    as_of: date | None = None,
    lists: ListSet | None = None,
    list_files: Sequence[str | Path] = (),
    index: ScreeningIndex | None = None,
    workers: int = 1,
    path_budget: int = PATH_BUDGET,
    engine: str = "local",
) -> TraceResult:
    """Like :func:`trace_graph`, with every node spelt out (for small chains).

    Returns:
        The :class:`TraceResult`; list-file row problems are appended to its ``errors``.
    """
    graph = trace_graph(
        chain,
        as_of=as_of,
        lists=lists,
        list_files=list_files,
        index=index,
        workers=workers,
        engine=engine,
        path_budget=path_budget,
    )
    return full_result(graph)


def explain(result: GraphTrace, node_id: str) -> NodeTrace:
    """One node of a trace spelt out: own and inherited findings (paths, products, texts),
    regimes with reasons and citations, mass balance per period, exposure, row problems.

    Raises:
        KeyError: no node has this id.
    """
    v = result.table.index_of(node_id)
    if v is None:
        raise KeyError(node_id)
    return node_trace(result, v)


def write(result: GraphTrace, fmt: str, output: Path | None) -> int:
    """Write a trace in one of :data:`FORMATS` to ``output`` (standard output when ``None``;
    Parquet needs a file). Returns the bytes written to a file (0 for standard output)."""
    return write_output(result, fmt, output)


def store(result: GraphTrace, path: Path) -> None:
    """Keep the trace's tables (nodes, edges, inherited paths, findings, balance, errors) in
    a DuckDB database at ``path`` for queries (see docs/trace.md)."""
    store_trace(result, path)


def write_problems(result: GraphTrace, path: Path) -> int:
    """Every input problem of the trace as CSV (source, row, column, message); their number."""
    return write_errors(result.errors, path)


__all__ = [
    "FORMATS",
    "BalanceRow",
    "ChainInputError",
    "EdgeTrace",
    "GraphTrace",
    "Hop",
    "Inherited",
    "InputError",
    "ListError",
    "NodeExposure",
    "NodeTrace",
    "OutputError",
    "ResourceError",
    "RowError",
    "TraceResult",
    "explain",
    "load_chain",
    "load_table",
    "store",
    "sweep_leftovers",
    "trace",
    "trace_graph",
    "write",
    "write_problems",
]
