"""The rules of a case's life, as pure functions: what a case, a shipment, a detention and a
registered document must satisfy (the evidence service applies them before it stores anything).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from laborlens.core.chain import Chain
from laborlens.core.evidence.model import (
    CASE_STATUSES,
    Case,
    Coverage,
    Detention,
    Document,
    EvidenceError,
    Shipment,
    StatusChange,
)
from laborlens.core.evidence.vocabulary import DocumentType

#: Default days from a detention notice to the response deadline. No UFLPA-specific window was
#: found in a primary source; 30 days is the 19 U.S.C. 1499(c)(5)(A) deemed-exclusion clock
#: (docs/evidence.md). Override with ``response_deadline`` / ``--deadline``.
DEFAULT_RESPONSE_DAYS = 30


def require_id(value: str, what: str) -> str:
    """``value`` stripped; an id must be non-empty and free of path separators."""
    v = (value or "").strip()
    if not v or any(c in v for c in "/\\\n\t"):
        raise EvidenceError(
            f"{what} '{value}' is empty or contains '/', '\\' or control characters"
        )
    return v


def split_ids(values: Iterable[str]) -> tuple[str, ...]:
    """Ids given repeatedly and/or comma-separated, in order, without repeats."""
    out: list[str] = []
    for v in values:
        for part in str(v).split(","):
            p = part.strip()
            if p and p not in out:
                out.append(p)
    return tuple(out)


def check_case_chain(chain: Chain) -> Chain:
    """A case needs an exact chain: documents name its nodes and edges, so every row problem
    (unknown node, duplicate id, bad quantity …) must be fixed first."""
    if chain.errors:
        shown = "; ".join(str(e) for e in chain.errors[:5])
        more = f" (and {len(chain.errors) - 5} more)" if len(chain.errors) > 5 else ""
        raise EvidenceError(
            f"chain: {len(chain.errors)} problem(s) to fix first: {shown}{more} "
            "(see `laborlens trace --strict`)"
        )
    return chain


def new_case(
    case_id: str, chain: Chain, *, title: str | None, source: str | None, at: datetime, by: str
) -> Case:
    """A new, open case on a checked chain."""
    return Case(
        case_id=require_id(case_id, "case id"),
        chain=check_case_chain(chain),
        title=title,
        created_at=at,
        created_by=by,
        chain_source=source,
        history=(StatusChange("open", at, by, "case created"),),
    )


def unknown_node(case: Case, node: str) -> str:
    known = ", ".join(n.id for n in case.chain.nodes)
    return f"node '{node}' is not in case {case.case_id}'s chain (nodes: {known})"


def shipment_id(case: Case, given: str | None, entry_number: str | None) -> str:
    """A new shipment's id: as given, else the entry number, else ``CASE-Sn``."""
    sid = given or entry_number or f"{case.case_id}-S{len(case.shipments) + 1}"
    return require_id(sid, "shipment id")


def check_shipment(case: Case, shipment: Shipment) -> Shipment:
    """A shipment of the case: quantity, exporter node and dates must make sense."""
    sid = shipment.shipment_id
    if shipment.quantity is not None and shipment.quantity < 0:
        raise EvidenceError(f"shipment {sid}: quantity must not be negative")
    if shipment.exporter_node and case.chain.find(shipment.exporter_node) is None:
        raise EvidenceError(unknown_node(case, shipment.exporter_node))
    ship, arrival = shipment.ship_date, shipment.arrival_date
    if ship and arrival and arrival < ship:
        raise EvidenceError(f"shipment {sid}: arrival date {arrival} is before ship date {ship}")
    return shipment


def new_detention(
    case: Case,
    *,
    notice_date: date,
    shipment_id: str | None,
    response_deadline: date | None,
    detention_number: str | None,
    port: str | None,
    regime: str,
) -> Detention:
    """A detention of one of the case's shipments (the only one when none is named); the
    deadline defaults to :data:`DEFAULT_RESPONSE_DAYS` after the notice."""
    if shipment_id is None:
        if len(case.shipments) != 1:
            raise EvidenceError(
                f"case {case.case_id} has {len(case.shipments)} shipments: name one with --shipment"
            )
        shipment_id = case.shipments[0].shipment_id
    if case.shipment(shipment_id) is None:
        known = ", ".join(s.shipment_id for s in case.shipments) or "none"
        raise EvidenceError(f"case {case.case_id} has no shipment '{shipment_id}' (known: {known})")
    deadline = response_deadline or notice_date + timedelta(days=DEFAULT_RESPONSE_DAYS)
    if deadline < notice_date:
        raise EvidenceError(f"response deadline {deadline} is before the notice date {notice_date}")
    return Detention(
        detention_id=detention_number or f"{case.case_id}-D{len(case.detentions) + 1}",
        case_id=case.case_id,
        shipment_id=shipment_id,
        notice_date=notice_date,
        response_deadline=deadline,
        regime=regime,
        detention_number=detention_number,
        port=port,
    )


def check_status(status: str) -> str:
    if status not in CASE_STATUSES:
        raise EvidenceError(f"unknown status '{status}'; known: {', '.join(CASE_STATUSES)}")
    return status


def _check_coverage_in_case(case: Case, coverage: Coverage) -> None:
    for n in coverage.nodes:
        if case.chain.find(n) is None:
            raise EvidenceError(unknown_node(case, n))
    for e in coverage.edges:
        if case.chain.edge(e) is None:
            known = ", ".join(x.id for x in case.chain.material_edges()) or "none"
            raise EvidenceError(
                f"edge '{e}' is not in case {case.case_id}'s chain (edges: {known})"
            )
    for s in coverage.shipments:
        if case.shipment(s) is None:
            known = ", ".join(x.shipment_id for x in case.shipments) or "none"
            raise EvidenceError(f"case {case.case_id} has no shipment '{s}' (known: {known})")


def check_document(
    case: Case | None,
    dtype: DocumentType,
    coverage: Coverage,
    *,
    doc_date: date | None,
    valid_until: date | None,
    quantity: float | None,
) -> None:
    """What a document to register must satisfy: what it covers is in its case and is a kind of
    subject its type can cover; its dates and quantity make sense."""
    if coverage.nodes or coverage.edges or coverage.shipments:
        if case is None:
            raise EvidenceError("--node/--edge/--shipment need --case: they name parts of a case")
        _check_coverage_in_case(case, coverage)
    for scope, named in (
        ("node", coverage.nodes),
        ("edge", coverage.edges),
        ("shipment", coverage.shipments),
    ):
        if named and scope not in dtype.scope:
            raise EvidenceError(
                f"a {dtype.id} covers {', '.join(dtype.scope)}, not a {scope} "
                f"(--{scope} {named[0]})"
            )
    if valid_until and doc_date and valid_until < doc_date:
        raise EvidenceError(f"valid-until {valid_until} is before the document date {doc_date}")
    if quantity is not None and quantity < 0:
        raise EvidenceError("quantity must not be negative")


def matches(doc: Document, words: Sequence[str], type_label: str) -> bool:
    """Whether a document's id, type, title, file name, issuer, producer, date, coverage or
    hash contain every word (case-insensitive)."""
    hay = " ".join(
        str(x)
        for x in (
            doc.doc_id,
            doc.doc_type,
            type_label,
            doc.title,
            doc.filename,
            doc.issuer,
            doc.producer,
            doc.sha256,
            doc.doc_date,
            *doc.coverage.nodes,
            *doc.coverage.edges,
            *doc.coverage.lots,
            *doc.coverage.shipments,
        )
        if x
    ).casefold()
    return all(w.casefold() in hay for w in words)
