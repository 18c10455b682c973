"""Small builders for chain tests: chains from compact specs and hand-made screening results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from laborlens.core import rules
from laborlens.core.chain import Chain, TraceResult, build_chain, trace_chain
from laborlens.core.model import Finding, ScreenResult

AS_OF = date(2025, 6, 1)


def xj(why: str = "address names Xinjiang") -> Finding:
    return Finding(kind="region", region="CN-XJ", label="Xinjiang", why=why, score=0.95)


def listed(name: str, lst: str = "us_uflpa_entity_list", match: str = "strong") -> Finding:
    return Finding(
        kind="listed_entity",
        list=lst,
        entry_id=f"{lst}-{name}",
        entry_name=name,
        match=match,  # type: ignore[arg-type]
        score=0.97 if match == "strong" else 0.75,
        why=f"name matches {name}",
    )


def chain(
    nodes: Sequence[Mapping[str, Any] | str], edges: Sequence[Mapping[str, Any] | tuple[str, str]]
) -> Chain:
    node_rows = [{"id": n, "name": n} if isinstance(n, str) else dict(n) for n in nodes]
    edge_rows = [
        {"from": e[0], "to": e[1], "product": "goods"} if isinstance(e, tuple) else dict(e)
        for e in edges
    ]
    return build_chain(node_rows, edge_rows, nodes_source="nodes", edges_source="edges")


def run(
    ch: Chain,
    findings: Mapping[str, Sequence[Finding]] | None = None,
    countries: Mapping[str, str] | None = None,
    as_of: date = AS_OF,
    path_budget: int = 2_000_000,
) -> TraceResult:
    findings = findings or {}
    countries = countries or {}
    screened = [
        ScreenResult(
            row=nd.record.row,
            id=nd.id,
            risk="none",
            findings=tuple(findings.get(nd.id, ())),
            country=countries.get(nd.id, nd.record.country),
        )
        for nd in ch.nodes
    ]
    return trace_chain(ch, screened, rules.load_regimes(), as_of, path_budget=path_budget)
