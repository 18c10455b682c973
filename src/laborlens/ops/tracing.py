"""Python API for supply-chain tracing: ``trace(chain, ...) -> TraceResult``.

The result types (``TraceResult``, ``NodeTrace``, ``Inherited``, ``BalanceRow``,
``NodeExposure``, ``EdgeTrace``, ``Hop``) are frozen dataclasses with ``to_dict``; they are
re-exported here and are a stable contract (the evidence layer consumes them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.io.atomic import atomic_output, sweep_leftovers
from laborlens.adapters.io.chain import ChainInputError, read_chain
from laborlens.adapters.io.chain_views import render_html, render_svg
from laborlens.core.chain import (
    PATH_BUDGET,
    BalanceRow,
    Chain,
    EdgeTrace,
    Hop,
    Inherited,
    NodeExposure,
    NodeTrace,
    TraceResult,
    build_chain,
    trace_chain,
)
from laborlens.core.lists import ListError, ListSet, load_bundled
from laborlens.core.model import RowError
from laborlens.core.resources import ResourceError
from laborlens.core.screen import ScreeningIndex
from laborlens.ops.screening import InputError, engine_for, index_for, load_lists_checked

ChainArg = Chain | str | Path | Mapping[str, Any]
#: Output formats of :func:`render`.
FORMATS: tuple[str, ...] = ("jsonl", "html", "svg")


def load_chain(chain: ChainArg, *, require_ids: bool = False) -> Chain:
    """A :class:`Chain` from a path (JSON, folder, FtM JSON Lines), a ``{"nodes", "edges"}``
    mapping, or a chain already built: the one way a chain comes in.

    ``require_ids``: a node without an ``id`` is a row error (cases need named nodes).

    Raises:
        ChainInputError: the input cannot be used at all.
    """
    if isinstance(chain, Chain):
        return chain
    if isinstance(chain, Mapping):
        nodes, edges = chain.get("nodes"), chain.get("edges") or []
        if not isinstance(nodes, list) or not isinstance(edges, list):
            raise ChainInputError('a chain mapping needs "nodes" and "edges" lists')
        return build_chain(
            nodes, edges, nodes_source="nodes", edges_source="edges", require_ids=require_ids
        )
    return read_chain(chain, require_ids=require_ids)


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
    """Screen every node of a chain and trace taint, mass balance, exposure and routing.

    Args:
        chain: a path, a ``{"nodes", "edges"}`` mapping or a :class:`Chain`.
        as_of: evaluation date (default: today).
        lists: reference lists (default: the bundled lists).
        list_files: user list files added to ``lists`` (as ``laborlens screen --list-file``).
        index: a compiled screening index (overrides ``lists``/``list_files``).
        workers: screening processes (1 = in-process).
        engine: where the nodes are screened (``local`` or ``spark``).
        path_budget: above (sources x nodes) per channel, only the nearest source is kept.

    Returns:
        The :class:`TraceResult`; list-file row problems are appended to its ``errors``.

    Raises:
        ChainInputError: the chain or a list file cannot be used, or the chain has no node.
    """
    day = as_of or date.today()
    built = load_chain(chain)
    if not built.nodes:
        problems = "; ".join(str(e) for e in built.errors[:3])
        raise ChainInputError(f"no usable node ({problems or 'the chain is empty'})")
    extra_errors: list[RowError] = []
    if index is None:
        base = lists or load_bundled()
        if list_files:
            loaded = load_lists_checked(list_files, base=base)
            extra_errors.extend(loaded.errors)
            base = loaded.lists
        index = index_for(base)
    records = [nd.record for nd in built.nodes]
    batches = [records[i : i + 2000] for i in range(0, len(records), 2000)]
    screened = list(engine_for(engine, workers).screen(batches, index, day))
    result = trace_chain(
        built,
        screened,
        index.regimes,
        day,
        list_versions=tuple(index.lists.versions().items()),
        algorithms=index.algorithms(),
        path_budget=path_budget,
    )
    if extra_errors:
        result = replace(result, errors=(*result.errors, *extra_errors))
    return result


def write_text(output: Path, text: str) -> None:
    """Write ``text`` to ``output`` under a temporary name renamed when complete (a failed or
    killed run leaves no half file); :func:`sweep_leftovers` first reports what earlier killed
    runs left."""
    with atomic_output(output) as partial:
        partial.write_text(text, encoding="utf-8")


def render(result: TraceResult, fmt: str) -> str:
    """The trace in one of :data:`FORMATS`: JSON Lines (one node a line), HTML or SVG."""
    if fmt == "svg":
        return render_svg(result)
    if fmt == "html":
        return render_html(result)
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in result.iter_dicts())


__all__ = [
    "FORMATS",
    "BalanceRow",
    "ChainInputError",
    "EdgeTrace",
    "Hop",
    "Inherited",
    "InputError",
    "ListError",
    "NodeExposure",
    "NodeTrace",
    "ResourceError",
    "RowError",
    "TraceResult",
    "load_chain",
    "render",
    "sweep_leftovers",
    "trace",
    "write_text",
]
