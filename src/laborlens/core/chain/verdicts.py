"""Regime outcomes and risk for every node, evaluated once per distinct situation.

A node's outcomes depend only on the fields of its findings that regime rules read (kind, list,
match, region, sector, dates, the ``details`` keys rules name …) and on its country — not on the
explanation texts or the paths. Nodes are grouped by (country, the classes of their own findings,
the classes of the nearest inherited finding of each channel); the rules run once per group, on
the first node of the group with its real findings, and the outcome codes and risk apply to the
whole group. When a rule reads something that differs from node to node (a path, an explanation),
every node is evaluated on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from laborlens.core import rules
from laborlens.core.chain import graph as g
from laborlens.core.model import Finding

#: Finding fields that differ between nodes sharing a situation (paths, explanations).
PER_NODE_KEYS = frozenset(
    {"why", "path", "products", "origin", "inherited_from", "channel", "propagation"}
)
#: ``risk`` codes (index into this tuple).
RISKS: tuple[str, ...] = ("none", "low", "medium", "high")
#: ``outcome`` codes (index into this tuple).
OUTCOMES: tuple[str, ...] = tuple(rules.OUTCOMES)

Evaluate = Callable[[int], tuple[tuple[str, ...], str]]


def _hashable(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value  # type: ignore[no-any-return]


@dataclass(slots=True)
class Classes:
    """Findings grouped by what regime rules can read of them."""

    attrs: tuple[str, ...]
    details: tuple[str, ...]
    exact: bool
    index: dict[tuple[Hashable, ...], int] = field(default_factory=dict)

    @classmethod
    def of(cls, regimes: rules.RegimeSet) -> Classes:
        keys = {c.key for r in regimes.regimes for rule in r.rules for c in rule.conditions}
        special = {"record_country", "sector_designated_by"}
        attrs = {k for k in keys if not k.startswith("details.")} - special
        attrs |= {"kind", "effective_date", "region", "sector"}  # read by the evaluator itself
        details = {k[len("details.") :] for k in keys if k.startswith("details.")}
        exact = not (attrs | details) & PER_NODE_KEYS
        return cls(tuple(sorted(attrs)), tuple(sorted(details)), exact)

    def of_finding(self, f: Finding) -> int:
        d = dict(f.details) if self.details else {}
        key = tuple(_hashable(getattr(f, a, None)) for a in self.attrs)
        key += tuple(_hashable(d.get(k)) for k in self.details)
        return self.index.setdefault(key, len(self.index))


def _rows(n: int, node: g.IntArray, cls: g.IntArray) -> npt.NDArray[np.int64]:
    """One row per node: its distinct classes, sorted, padded with -1."""
    if not node.size:
        return np.full((n, 1), -1, dtype=np.int64)
    order = np.lexsort((cls, node))
    node, cls = node[order], cls[order]
    keep = np.ones(node.shape[0], dtype=bool)
    keep[1:] = (node[1:] != node[:-1]) | (cls[1:] != cls[:-1])
    node, cls = node[keep], cls[keep]
    starts = np.searchsorted(node, node, side="left")
    col = np.arange(node.shape[0]) - starts
    out = np.full((n, int(col.max()) + 1), -1, dtype=np.int64)
    out[node, col] = cls
    return out


def _groups(rows: npt.NDArray[np.int64]) -> tuple[g.IntArray, g.IntArray]:
    """Equal rows grouped: the first row of each group, and each row's group (combining the
    columns one at a time keeps every key small)."""
    key = np.zeros(rows.shape[0], dtype=np.int64)
    for j in range(rows.shape[1]):
        col = rows[:, j]
        key = np.unique(key * (int(col.max()) + 2) + (col + 1), return_inverse=True)[1]
        key = key.reshape(-1)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def decide(
    n: int,
    country: g.IntArray,
    *,
    own: tuple[g.IntArray, g.IntArray],
    inherited: tuple[g.IntArray, g.IntArray],
    evaluate: Evaluate,
    exact: bool,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], int]:
    """Outcome codes (nodes x regimes) and risk codes for every node.

    Args:
        n: nodes.
        country: per node a country code.
        own: ``(node, class)`` items of own findings.
        inherited: ``(node, class)`` items of the nearest inherited finding per channel.
        evaluate: the outcomes (one per regime, in order) and risk of one node, from its real
            findings.
        exact: group nodes by situation (else evaluate each node).

    Returns:
        ``(outcomes, risk, evaluations)``.
    """
    if exact:
        sig = np.hstack([country.reshape(-1, 1), _rows(n, *own), _rows(n, *inherited)])
        first, inverse = _groups(sig)
    else:
        first, inverse = np.arange(n), np.arange(n)
    outs: list[tuple[int, ...]] = []
    risks: list[int] = []
    for v in first.tolist():
        codes, risk = evaluate(int(v))
        outs.append(tuple(OUTCOMES.index(c) for c in codes))
        risks.append(RISKS.index(risk))
    width = len(outs[0]) if outs else 0
    table = np.array(outs, dtype=np.int8).reshape(len(outs), width)
    return table[inverse], np.array(risks, dtype=np.int8)[inverse], len(outs)
