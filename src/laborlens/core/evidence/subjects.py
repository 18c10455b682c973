"""What a gap analysis looks at: the case's chain seen as subjects of requirements.

One :class:`Subjects` per analysis: the chain's tiers and roles (from the chain tables: the one
list of importer and non-producer roles), the parties on material flows, the shipments under
analysis and the usable documents, so that requirement checks and quantity reconciliation read
the same facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from laborlens.core.chain import Chain, ChainEdge, ChainNode, Tables
from laborlens.core.evidence.model import Case, Document, EvidenceError, Shipment


def doc_label(doc: Document) -> str:
    return f"{doc.doc_id} ({doc.doc_type})"


@dataclass(frozen=True, slots=True)
class Subjects:
    """The case under analysis, as the requirement and quantity checks see it."""

    case: Case
    tables: Tables
    docs: tuple[Document, ...]
    shipments: tuple[Shipment, ...]
    tiers: dict[str, int]
    importer_ids: frozenset[str]
    in_flow: frozenset[str]
    as_of: date
    reference_date: date

    @classmethod
    def of(
        cls,
        case: Case,
        documents: Iterable[Document],
        tables: Tables,
        *,
        as_of: date,
        shipment_id: str | None,
    ) -> Subjects:
        """Raises EvidenceError for an unknown ``shipment_id``."""
        chain = case.chain
        shipments = _shipments(case, shipment_id)
        ship_dates = [s.ship_date for s in shipments if s.ship_date]
        return cls(
            case=case,
            tables=tables,
            docs=tuple(sorted((d for d in documents if not d.removed), key=lambda d: d.doc_id)),
            shipments=tuple(shipments),
            tiers=chain.tiers(tables.importer_roles),
            importer_ids=frozenset(n.id for n in chain.nodes if tables.is_importer(n.role)),
            in_flow=chain.in_flow(),
            as_of=as_of,
            reference_date=min(ship_dates) if ship_dates else as_of,
        )

    @property
    def chain(self) -> Chain:
        return self.case.chain

    def flows(self) -> tuple[ChainEdge, ...]:
        """The material flows (documents trace goods, not ownership)."""
        return self.chain.material_edges()

    def parties(self) -> list[ChainNode]:
        """Nodes on a material flow, the importer aside."""
        return [
            n for n in self.chain.nodes if n.id not in self.importer_ids and n.id in self.in_flow
        ]

    def producing(self) -> list[ChainNode]:
        """Parties that make or transform goods (their role is not a non-producer role)."""
        return [n for n in self.parties() if self.tables.is_producer(n.role)]

    def sources(self) -> list[ChainNode]:
        """Parties with no material input in the chain: where tracing ends."""
        receivers = {self.chain.nodes[e.dst].id for e in self.flows()}
        return [n for n in self.parties() if n.id not in receivers]

    def edge_label(self, e: ChainEdge) -> str:
        src, dst = self.chain.ends(e)
        what = f" {e.product}" if e.product else ""
        return f"edge {e.id}{what} ({src.name or src.id} → {dst.name or dst.id})"

    def edge_tier(self, e: ChainEdge) -> int | None:
        return self.tiers.get(self.chain.nodes[e.src].id)


def _shipments(case: Case, shipment_id: str | None) -> Sequence[Shipment]:
    if shipment_id:
        s = case.shipment(shipment_id)
        if s is None:
            known = ", ".join(x.shipment_id for x in case.shipments) or "none"
            raise EvidenceError(
                f"case {case.case_id} has no shipment '{shipment_id}' (known: {known})"
            )
        return [s]
    detained = {d.shipment_id for d in case.detentions}
    chosen = [s for s in case.shipments if s.shipment_id in detained]
    return chosen or list(case.shipments)
