"""Evidence domain types: cases, shipments, detentions, documents and what they cover.

All types are frozen, slotted dataclasses, like the shared domain model. A case holds the one
supply-chain model of the package, :class:`laborlens.core.chain.Chain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from laborlens.core.chain import Chain
from laborlens.core.model import json_fields

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
        return json_fields(self, _DOCUMENT_FIELDS)


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
        return json_fields(self, (f.name for f in fields(self)))


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
        return json_fields(self, (f.name for f in fields(self)))


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
            "edges": len(self.chain.material_edges()),
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "created_by": self.created_by,
            "shipments": [s.to_dict() for s in self.shipments],
            "detentions": [d.to_dict() for d in self.detentions],
            "history": [h.to_dict() for h in self.history],
        }
        return {k: v for k, v in out.items() if v is not None}
