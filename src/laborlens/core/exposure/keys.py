"""What one distinct (supplier, product) says: sector group, regime outcomes, taint tier.

Order lines repeat the same supplier and product many times; each distinct combination is
screened once (with exactly the ``screen`` pipeline) and its facts are joined back to its lines.
This module turns one screening result (plus, where given, the traced chain node the supplier
is) into those facts.

* **Sector group**: from the date-free product classification (HS code and product text), one
  group per line (``resources/exposure/sectors.yaml``); ``other`` when the product is in no
  group, ``undetermined`` when the line has neither HS code nor product.
* **Outcome** per regime: the screening outcome; with a chain, the stronger of that and the
  chain node's outcome (own plus inherited findings: "wholly or in part"); ``undetermined`` when
  the line names no supplier (nothing can rule out a listed party or a Xinjiang site), unless the
  regime is not in force.
* **Taint tier**: where a listed party or a Xinjiang site enters: 1 = the supplier itself, 2 =
  its supplier, and so on (from the chain's inherited paths).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from laborlens.core import resources
from laborlens.core.chain.result import NodeTrace
from laborlens.core.model import Finding, ScreenResult
from laborlens.core.products import Classification
from laborlens.core.rules.schema import OUTCOMES

UNDETERMINED = "undetermined"
OTHER = "other"
#: Outcomes in report order (strongest first), with the exposure report's own last.
REPORT_OUTCOMES: tuple[str, ...] = (*OUTCOMES, UNDETERMINED)
_RANK = {o: i for i, o in enumerate(OUTCOMES)}

#: Tier labels that are not a number.
TIER_NONE_TRACED = "none in the traced chain"
TIER_NOT_TRACED = "none at the supplier; upstream not traced"
_TAINT_KINDS = ("listed_entity", "region")


@dataclass(frozen=True, slots=True)
class SectorGroup:
    id: str
    label: str
    sectors: tuple[str, ...]


@cache
def sector_groups() -> tuple[SectorGroup, ...]:
    """The report's sector groups, in order."""
    data = resources.read_yaml("exposure/sectors.yaml")
    try:
        return tuple(
            SectorGroup(str(g["id"]), str(g["label"]), tuple(str(s) for s in g["sectors"]))
            for g in data["groups"]
        )
    except (KeyError, TypeError) as exc:
        raise resources.ResourceError(f"exposure/sectors.yaml: malformed ({exc})") from exc


def group_of_sector(sector: str) -> SectorGroup | None:
    for group in sector_groups():
        if sector in group.sectors:
            return group
    return None


def sector_label(group_id: str) -> str:
    for group in sector_groups():
        if group.id == group_id:
            return group.label
    return group_id


def resolve_sector(name: str) -> SectorGroup | None:
    """A group from a user's ``--sector`` (group id, label or one of its sectors)."""
    key = re.sub(r"[\s_/-]+", " ", name.strip().casefold())
    for group in sector_groups():
        names = {group.id, group.label, *group.sectors}
        if key in {re.sub(r"[\s_/-]+", " ", n.casefold()) for n in names}:
            return group
    return None


def sector_group(classification: Classification | None, product_known: bool) -> tuple[str, str]:
    """(group id, all matched sectors joined) for a product."""
    if not product_known:
        return UNDETERMINED, ""
    if classification is None or not classification.sectors:
        return OTHER, ""
    order = {g.id: i for i, g in enumerate(sector_groups())}
    best: tuple[float, int, str] | None = None
    for hit in classification.sectors:
        group = group_of_sector(hit.sector)
        if group is None:
            continue
        candidate = (-hit.score, order[group.id], group.id)
        if best is None or candidate < best:
            best = candidate
    names = ",".join(h.sector for h in classification.sectors)
    return (best[2] if best else OTHER), names


def stronger(a: str, b: str) -> str:
    """The stronger of two regime outcomes."""
    return a if _RANK.get(a, 99) <= _RANK.get(b, 99) else b


def _normal(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


@dataclass(frozen=True, slots=True)
class ChainIndex:
    """Traced chain nodes, found by node id or by (normalised) name or alias."""

    by_id: Mapping[str, NodeTrace]
    by_name: Mapping[str, NodeTrace]

    @classmethod
    def build(cls, nodes: Iterable[tuple[NodeTrace, Sequence[str]]]) -> ChainIndex:
        """From (node trace, its names and aliases); the first node of a name wins."""
        by_id: dict[str, NodeTrace] = {}
        by_name: dict[str, NodeTrace] = {}
        for node, names in nodes:
            by_id.setdefault(node.id, node)
            for name in names:
                if name and _normal(name):
                    by_name.setdefault(_normal(name), node)
        return cls(by_id, by_name)

    def find(self, supplier_id: str | None, names: Sequence[str | None]) -> NodeTrace | None:
        if supplier_id and supplier_id in self.by_id:
            return self.by_id[supplier_id]
        for name in names:
            if name and _normal(name) in self.by_name:
                return self.by_name[_normal(name)]
        return None


@dataclass(frozen=True, slots=True)
class KeyFacts:
    """The facts of one distinct (supplier, product) that its lines share."""

    sector: str
    sectors: str
    outcomes: tuple[str, ...]  # per regime, in the order of the regimes given
    risk: str
    tier: str
    reason: str
    chain_node: str | None = None
    chain_share: float | None = None
    problems: str = ""


def _taint_finding(f: Finding) -> bool:
    if f.kind == "listed_entity":
        return f.match != "possible"
    return f.kind == "region" and f.region == "CN-XJ" and f.match != "possible"


def taint_tier(result: ScreenResult, node: NodeTrace | None) -> str:
    """Where a listed party or a Xinjiang site enters (see the module docstring)."""
    if any(_taint_finding(f) for f in result.findings):
        return "1"
    if node is None:
        return TIER_NOT_TRACED
    if any(_taint_finding(f) for f in node.findings):
        return "1"
    depths = [
        len(i.path)
        for i in node.inherited
        if i.kind in _TAINT_KINDS
        and not i.channel.endswith(":possible")
        and _taint_finding(i.finding)
    ]
    return str(min(depths)) if depths else TIER_NONE_TRACED


def _reason(result: ScreenResult, node: NodeTrace | None, regime: str) -> str:
    for source in (node.regimes if node else (), result.regimes):
        for outcome in source:
            if outcome.regime == regime and outcome.reasons:
                return outcome.reasons[0].text
    return ""


def key_facts(
    result: ScreenResult,
    classification: Classification | None,
    *,
    regimes: Sequence[str],
    party_known: bool,
    product_known: bool,
    node: NodeTrace | None = None,
) -> KeyFacts:
    """The facts of one screened (supplier, product); ``regimes[0]`` is the report's regime."""
    own = {o.regime: o.outcome for o in result.regimes}
    chained = {o.regime: o.outcome for o in node.regimes} if node else {}
    outcomes = []
    for regime in regimes:
        outcome = own.get(regime, "no_trigger")
        if regime in chained:
            outcome = stronger(outcome, chained[regime])
        if not party_known and node is None and outcome != "not_in_force":
            outcome = UNDETERMINED
        outcomes.append(outcome)
    sector, sectors = sector_group(classification, product_known)
    tier = taint_tier(result, node) if party_known or node else UNDETERMINED
    risk = result.risk
    if node is not None and _RISKS.get(node.risk, 0) > _RISKS.get(risk, 0):
        risk = node.risk
    share = None
    if node is not None:
        share = node.exposure.by_value
        if share is None:
            share = node.exposure.by_quantity
    problems = "; ".join(e.message for e in result.errors if "nothing to screen" not in e.message)
    return KeyFacts(
        sector=sector,
        sectors=sectors,
        outcomes=tuple(outcomes),
        risk=risk if party_known or node else UNDETERMINED,
        tier=tier,
        reason=_reason(result, node, regimes[0]) if regimes else "",
        chain_node=node.id if node else None,
        chain_share=share,
        problems=problems,
    )


_RISKS = {"none": 0, "low": 1, "medium": 2, "high": 3}


def supplier_key(fields: Mapping[str, str | None]) -> str:
    """The identity of a supplier for the per-supplier figures: its id when the line gives one,
    else its normalised name and country, else its registration id or address; ``""`` when
    the line names no supplier at all (``undetermined``)."""
    sid = (fields.get("supplier_id") or "").strip()
    if sid:
        return f"id:{sid}"
    name = _normal(fields.get("name") or "")
    if name:
        return f"name:{name}|{(fields.get('country') or '').strip().upper()}"
    reg = (fields.get("registration_id") or "").strip()
    if reg:
        return f"reg:{reg.upper()}"
    address = _normal(fields.get("address") or "")
    return f"address:{address}" if address else UNDETERMINED


def party_known(fields: Mapping[str, str | None]) -> bool:
    """Whether a line says enough about its supplier to screen it."""
    return any(
        (fields.get(f) or "").strip() for f in ("name", "aliases", "address", "registration_id")
    )


def product_known(fields: Mapping[str, str | None]) -> bool:
    return any((fields.get(f) or "").strip() for f in ("hs_code", "product"))


RISK_RANK: Mapping[str, int] = {UNDETERMINED: -1, **_RISKS}
