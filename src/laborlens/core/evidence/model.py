"""Evidence domain types: chains (as the evidence layer sees them), cases, documents.

All types are frozen, slotted dataclasses, like the shared domain model. The chain types are the
minimal shape gap analysis needs (nodes with ids and roles, edges with from/to/product/quantity);
``Chain.from_mapping`` reads the public chain JSON of DESIGN.md §3.3.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CASE_STATUSES: tuple[str, ...] = (
    "open",
    "detained",
    "collecting_evidence",
    "submitted",
    "additional_information_requested",
    "released",
    "excluded",
    "re_exported",
    "destroyed",
    "seized",
    "closed",
)
"""Case statuses, in rough order of a detention's life (CBP outcomes: released, excluded, …)."""

RESPONSE_PATHS: tuple[str, ...] = ("applicability_review", "exception_request")


class EvidenceError(ValueError):
    """Unusable evidence input; the message names the field and the value."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the form every hash in this layer is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def _quantity(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        q = float(str(value).replace(",", "").strip())
    except ValueError as exc:
        raise EvidenceError(f"{where}: quantity '{value}' is not a number") from exc
    if q < 0 or math.isnan(q):
        raise EvidenceError(f"{where}: quantity '{value}' must be a non-negative number")
    return q


def normalise_unit(unit: str | None) -> str | None:
    """Lower-case unit with common spellings folded (``KGS`` → ``kg``, ``pieces`` → ``pcs``)."""
    if unit is None:
        return None
    u = unit.strip().lower().rstrip(".")
    return _UNIT_SYNONYMS.get(u, u) or None


_UNIT_SYNONYMS = {
    "kgs": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilo": "kg",
    "公斤": "kg",
    "千克": "kg",
    "t": "t",
    "mt": "t",
    "ton": "t",
    "tons": "t",
    "tonne": "t",
    "tonnes": "t",
    "吨": "t",
    "pc": "pcs",
    "piece": "pcs",
    "pieces": "pcs",
    "units": "pcs",
    "unit": "pcs",
    "件": "pcs",
    "m": "m",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "米": "m",
}

# Mass units convertible to kg (so tonnes of cotton reconcile with kilograms of yarn).
_TO_KG = {"kg": 1.0, "t": 1000.0, "g": 0.001, "lb": 0.45359237, "lbs": 0.45359237}


def comparable(quantity: float, unit: str | None) -> tuple[float, str | None]:
    """A quantity in a comparable base unit (mass → kg; other units unchanged)."""
    u = normalise_unit(unit)
    if u in _TO_KG:
        return quantity * _TO_KG[u], "kg"
    return quantity, u


def role_in(role: str | None, words: Iterable[str]) -> bool:
    """Whether a free-text role (``cotton merchant``, ``Importer of record``) names one of
    ``words`` (``merchant``, ``importer`` …), compared word by word."""
    if not role:
        return False
    tokens = set(re.split(r"[^a-z0-9]+", role.casefold()))
    wanted = {w.casefold() for w in words}
    return bool(tokens & wanted) or role.casefold().strip() in wanted


@dataclass(frozen=True, slots=True)
class ChainNode:
    """A party of the supply chain (DESIGN.md §3.3 node: record columns plus ``role``)."""

    id: str
    name: str | None = None
    role: str | None = None
    country: str | None = None
    address: str | None = None
    aliases: tuple[str, ...] = ()

    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass(frozen=True, slots=True)
class ChainEdge:
    """A material flow ``source`` → ``target`` (DESIGN.md §3.3 edge)."""

    id: str
    source: str
    target: str
    product: str | None = None
    hs_code: str | None = None
    quantity: float | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Chain:
    """A supply chain: nodes and edges, validated (unique ids, edges between known nodes)."""

    nodes: tuple[ChainNode, ...]
    edges: tuple[ChainEdge, ...] = ()
    #: canonical JSON of the chain as given (every column kept, e.g. for tracing); "" if built
    #: from objects.
    raw: str = ""

    def __post_init__(self) -> None:
        ids = [n.id for n in self.nodes]
        dup = sorted(i for i, c in Counter(ids).items() if c > 1)
        if dup:
            raise EvidenceError(f"chain: duplicate node id(s) {', '.join(dup)}")
        known = set(ids)
        for e in self.edges:
            for end, value in (("from", e.source), ("to", e.target)):
                if value not in known:
                    raise EvidenceError(
                        f"chain: edge {e.id} column '{end}' names unknown node '{value}'"
                    )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Chain:
        """Build from ``{"nodes": [...], "edges": [...]}`` (edge keys ``from``/``to``).

        Edge ids are the edge's ``id`` when given, else ``FROM->TO`` (``#2``, ``#3`` … for
        repeated pairs), so users can name an edge on the command line.
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), list):
            raise EvidenceError(
                "chain: expected an object with a 'nodes' list (and an 'edges' list)"
            )
        nodes: list[ChainNode] = []
        for n, raw in enumerate(data["nodes"], start=1):
            if not isinstance(raw, Mapping):
                raise EvidenceError(f"chain: node {n} is not an object")
            nid = _text(raw.get("id"))
            if not nid:
                raise EvidenceError(f"chain: node {n} has no 'id'")
            aliases_raw = raw.get("aliases") or ()
            if isinstance(aliases_raw, str):
                aliases_raw = aliases_raw.split(";")
            nodes.append(
                ChainNode(
                    id=nid,
                    name=_text(raw.get("name")),
                    role=(_text(raw.get("role")) or "").lower() or None,
                    country=_text(raw.get("country")),
                    address=_text(raw.get("address")),
                    aliases=tuple(a.strip() for a in aliases_raw if str(a).strip()),
                )
            )
        edges: list[ChainEdge] = []
        seen: dict[str, int] = {}
        edges_raw = data.get("edges") or []
        if not isinstance(edges_raw, list):
            raise EvidenceError("chain: 'edges' must be a list")
        for n, raw in enumerate(edges_raw, start=1):
            if not isinstance(raw, Mapping):
                raise EvidenceError(f"chain: edge {n} is not an object")
            # Ownership and control links carry no material: no documents trace them.
            if (_text(raw.get("type")) or "material").lower() != "material":
                continue
            src = _text(raw.get("from", raw.get("source")))
            dst = _text(raw.get("to", raw.get("target")))
            if not src or not dst:
                raise EvidenceError(f"chain: edge {n} needs 'from' and 'to'")
            eid = _text(raw.get("id"))
            if not eid:
                base = f"{src}->{dst}"
                seen[base] = seen.get(base, 0) + 1
                eid = base if seen[base] == 1 else f"{base}#{seen[base]}"
            edges.append(
                ChainEdge(
                    id=eid,
                    source=src,
                    target=dst,
                    product=_text(raw.get("product")),
                    hs_code=_text(raw.get("hs_code")),
                    quantity=_quantity(raw.get("quantity"), f"chain: edge {eid}"),
                    unit=_text(raw.get("unit")),
                )
            )
        dup = sorted(i for i, c in Counter(e.id for e in edges).items() if c > 1)
        if dup:
            raise EvidenceError(f"chain: duplicate edge id(s) {', '.join(dup)}")
        return cls(nodes=tuple(nodes), edges=tuple(edges), raw=canonical_json(dict(data)))

    def to_mapping(self) -> dict[str, Any]:
        return {
            "nodes": [
                {
                    k: v
                    for k, v in (
                        ("id", n.id),
                        ("name", n.name),
                        ("role", n.role),
                        ("country", n.country),
                        ("address", n.address),
                        ("aliases", ";".join(n.aliases) or None),
                    )
                    if v is not None
                }
                for n in self.nodes
            ],
            "edges": [
                {
                    k: v
                    for k, v in (
                        ("id", e.id),
                        ("from", e.source),
                        ("to", e.target),
                        ("product", e.product),
                        ("hs_code", e.hs_code),
                        ("quantity", e.quantity),
                        ("unit", e.unit),
                    )
                    if v is not None
                }
                for e in self.edges
            ],
        }

    def data(self) -> dict[str, Any]:
        """The chain as given (all columns) when known, else the evidence layer's view."""
        if self.raw:
            out: dict[str, Any] = json.loads(self.raw)
            return out
        return self.to_mapping()

    def sha256(self) -> str:
        return sha256_text(canonical_json(self.data()))

    def node(self, node_id: str) -> ChainNode | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def edge(self, edge_id: str) -> ChainEdge | None:
        for e in self.edges:
            if e.id == edge_id:
                return e
        return None

    def inputs(self, node_id: str) -> tuple[ChainEdge, ...]:
        return tuple(e for e in self.edges if e.target == node_id)

    def outputs(self, node_id: str) -> tuple[ChainEdge, ...]:
        return tuple(e for e in self.edges if e.source == node_id)

    def tiers(self, importer_roles: Iterable[str] = ("importer", "buyer")) -> dict[str, int]:
        """Tier of every node: 0 for the importer, 1 for its direct suppliers, and so on upstream.

        The tier is the shortest number of flows from the node down to a sink (a node with no
        outputs). When the sink is not an importer, the sink is tier 1 (the exporter/supplier of
        the imported goods). Nodes on no path to a sink (cycles) get the largest tier + 1;
        nodes on no material flow at all (ownership links only) get no tier.
        """
        roles = frozenset(importer_roles)
        in_flow = self.in_flow()
        sinks = [n for n in self.nodes if n.id in in_flow and not self.outputs(n.id)]
        dist: dict[str, int] = {}
        frontier: list[str] = []
        for s in sinks:
            dist[s.id] = 0 if role_in(s.role, roles) else 1
            frontier.append(s.id)
        frontier.sort(key=lambda i: dist[i])
        # Breadth-first upstream walk; 0/1 start tiers need a relaxation loop rather than plain BFS.
        changed = True
        while changed:
            changed = False
            for e in self.edges:
                if e.target in dist:
                    cand = dist[e.target] + 1
                    if cand < dist.get(e.source, 1 << 30):
                        dist[e.source] = cand
                        changed = True
        top = max(dist.values(), default=0) + 1
        return {n.id: dist.get(n.id, top) for n in self.nodes if n.id in in_flow}

    def in_flow(self) -> frozenset[str]:
        """Ids of the nodes on a material flow (all nodes when the chain has no flows).

        A node linked only by ownership or control carries no goods: it has no tier and no
        documents are required of it.
        """
        if not self.edges:
            return frozenset(n.id for n in self.nodes)
        return frozenset({e.source for e in self.edges} | {e.target for e in self.edges})


@dataclass(frozen=True, slots=True)
class Coverage:
    """What a document covers: chain nodes, edges, lots and shipments (ids), or the whole case."""

    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()
    shipments: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.nodes or self.edges or self.lots or self.shipments)

    def to_mapping(self) -> dict[str, list[str]]:
        return {
            "nodes": list(self.nodes),
            "edges": list(self.edges),
            "lots": list(self.lots),
            "shipments": list(self.shipments),
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Sequence[str]] | None) -> Coverage:
        data = data or {}
        return cls(
            nodes=tuple(data.get("nodes", ())),
            edges=tuple(data.get("edges", ())),
            lots=tuple(data.get("lots", ())),
            shipments=tuple(data.get("shipments", ())),
        )


@dataclass(frozen=True, slots=True)
class Document:
    """A registered evidence document (the file itself lives content-addressed in the store)."""

    doc_id: str
    sha256: str
    doc_type: str
    case_id: str | None = None
    title: str | None = None
    filename: str | None = None
    size: int = 0
    issuer: str | None = None
    producer: str | None = None
    doc_date: date | None = None
    valid_until: date | None = None
    quantity: float | None = None
    unit: str | None = None
    language: str | None = None
    translation_of: str | None = None
    coverage: Coverage = field(default_factory=Coverage)
    registered_at: datetime | None = None
    registered_by: str | None = None
    removed_at: datetime | None = None
    removed_by: str | None = None
    removal_reason: str | None = None
    source_path: str | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in _DOCUMENT_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, date | datetime):
                value = value.isoformat()
            elif isinstance(value, Coverage):
                value = value.to_mapping()
            out[name] = value
        return out


_DOCUMENT_FIELDS = (
    "doc_id",
    "doc_type",
    "sha256",
    "case_id",
    "title",
    "filename",
    "size",
    "issuer",
    "producer",
    "doc_date",
    "valid_until",
    "quantity",
    "unit",
    "language",
    "translation_of",
    "coverage",
    "registered_at",
    "registered_by",
    "removed_at",
    "removed_by",
    "removal_reason",
)


@dataclass(frozen=True, slots=True)
class Shipment:
    """An entry of goods: what CBP detains (entry number, goods, HS codes, quantity, dates)."""

    shipment_id: str
    case_id: str
    entry_number: str | None = None
    goods: str | None = None
    hs_codes: tuple[str, ...] = ()
    quantity: float | None = None
    unit: str | None = None
    value: float | None = None
    currency: str | None = None
    ship_date: date | None = None
    arrival_date: date | None = None
    exporter_node: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in (
            "shipment_id",
            "case_id",
            "entry_number",
            "goods",
            "hs_codes",
            "quantity",
            "unit",
            "value",
            "currency",
            "ship_date",
            "arrival_date",
            "exporter_node",
        ):
            value = getattr(self, name)
            if value is None or value == ():
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class Detention:
    """A detention of a shipment: notice date, response deadline, CBP references."""

    detention_id: str
    case_id: str
    shipment_id: str
    notice_date: date
    response_deadline: date
    regime: str = "us_uflpa"
    detention_number: str | None = None
    port: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in (
                ("detention_id", self.detention_id),
                ("case_id", self.case_id),
                ("shipment_id", self.shipment_id),
                ("notice_date", self.notice_date),
                ("response_deadline", self.response_deadline),
                ("regime", self.regime),
                ("detention_number", self.detention_number),
                ("port", self.port),
            )
            if v is not None
        }


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One step of a case's status history."""

    status: str
    at: datetime
    by: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "at": self.at.isoformat(), "by": self.by}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Case:
    """A case: a chain, its shipments and detentions, and its status over time."""

    case_id: str
    chain: Chain
    title: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    chain_source: str | None = None
    shipments: tuple[Shipment, ...] = ()
    detentions: tuple[Detention, ...] = ()
    history: tuple[StatusChange, ...] = ()

    @property
    def status(self) -> str:
        return self.history[-1].status if self.history else "open"

    def shipment(self, shipment_id: str) -> Shipment | None:
        for s in self.shipments:
            if s.shipment_id == shipment_id:
                return s
        return None

    def last_event(self) -> datetime | None:
        """The time of the case's latest recorded event (used as the dossier's fixed timestamp)."""
        times = [h.at for h in self.history]
        if self.created_at:
            times.append(self.created_at)
        return max(times) if times else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "case_id": self.case_id,
            "title": self.title,
            "status": self.status,
            "chain_sha256": self.chain.sha256(),
            "chain_source": self.chain_source,
            "nodes": len(self.chain.nodes),
            "edges": len(self.chain.edges),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "created_by": self.created_by,
            "shipments": [s.to_dict() for s in self.shipments],
            "detentions": [d.to_dict() for d in self.detentions],
            "history": [h.to_dict() for h in self.history],
        }
        return {k: v for k, v in out.items() if v is not None}
