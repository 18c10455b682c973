"""Gap analysis: what a case's evidence lacks for a response path, ranked by what blocks most.

For a case (its chain and shipment), its registered documents and a response path
(``applicability_review`` or ``exception_request``), every requirement of the path is checked
against every subject it applies to (:mod:`.requirements`); quantities are reconciled and each
party's mass balance is checked (:mod:`.quantities`); and the chain itself is checked: an entry to
tie documents to, tracing that reaches the raw material, and the parties whose own screening
findings create the nexus the path must answer. Each problem is a :class:`Gap` with a severity,
the documents involved and the rule's citation; gaps are sorted so that what blocks the
submission most comes first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from laborlens.core.chain import Tables, load_tables
from laborlens.core.evidence.model import Case, Document
from laborlens.core.evidence.quantities import (
    document_quantity_gaps,
    mass_balance,
    missing_quantity_gaps,
)
from laborlens.core.evidence.report import (
    ALGORITHM,
    GAP_KINDS,
    BalanceEntry,
    Gap,
    GapReport,
    RequirementStatus,
)
from laborlens.core.evidence.requirements import RequirementCheck, document_gaps, names_match
from laborlens.core.evidence.screening import CaseScreening
from laborlens.core.evidence.subjects import Subjects
from laborlens.core.evidence.vocabulary import ResponsePath, Vocabulary

__all__ = [
    "ALGORITHM",
    "GAP_KINDS",
    "BalanceEntry",
    "Gap",
    "GapReport",
    "RequirementStatus",
    "analyse",
    "names_match",
]


def analyse(
    case: Case,
    documents: Sequence[Document],
    path: str,
    vocabulary: Vocabulary,
    *,
    as_of: date,
    shipment_id: str | None = None,
    altered: Iterable[str] = (),
    screening: CaseScreening | None = None,
    tables: Tables | None = None,
) -> GapReport:
    """Gap analysis of a case for a response path.

    Args:
        case: the case (chain, shipments, detentions).
        documents: the case's registered documents (removed ones are ignored).
        path: ``applicability_review`` or ``exception_request`` (see ``paths.yaml``).
        vocabulary: the loaded vocabulary.
        as_of: the analysis date (future-dated documents are flagged against it).
        shipment_id: restrict to one shipment (default: detained shipments, else all).
        altered: ids of documents whose stored file no longer matches its registered hash.
        screening: the case's chain as screened and traced. Each party whose own findings put
            it under the regime's presumption (Entity List match, XUAR location) is a ``nexus``
            gap: blocking for an applicability review (which claims there is no such link),
            major for an exception request (which must rebut it); parties tainted themselves
            count as tainted input in the mass balance. ``None``: not screened.
        tables: chain tables (units, yields, roles; default: bundled).

    Raises:
        EvidenceError: unknown path or shipment id.
    """
    rpath = vocabulary.path(path)
    tables = tables or load_tables()
    sub = Subjects.of(case, documents, tables, as_of=as_of, shipment_id=shipment_id)
    gaps = _chain_gaps(sub, rpath, screening)
    gaps += document_gaps(sub, vocabulary)
    statuses, requirement_gaps = RequirementCheck(sub, vocabulary, rpath, frozenset(altered)).run()
    gaps += requirement_gaps
    carries = {t.id for t in vocabulary.types if t.carries_quantity}
    gaps += document_quantity_gaps(sub, vocabulary.quantity_tolerance, carries)
    gaps += missing_quantity_gaps(sub)
    balance, balance_gaps = mass_balance(sub, screening)
    gaps += balance_gaps
    if screening is not None and screening.error:
        gaps.append(
            Gap(
                kind="unknown_reference",
                severity="minor",
                subject_type="case",
                subject_id=case.case_id,
                message=f"the chain could not be screened ({screening.error}); "
                "check it with `laborlens trace`",
            )
        )
    deadlines = [
        d.response_deadline
        for d in case.detentions
        if not shipment_id or d.shipment_id == shipment_id
    ]
    return GapReport(
        case_id=case.case_id,
        path=rpath.id,
        path_label=rpath.label,
        as_of=as_of,
        reference_date=sub.reference_date,
        shipment_ids=tuple(s.shipment_id for s in sub.shipments),
        gaps=tuple(sorted(gaps, key=Gap.rank_key)),
        statuses=tuple(statuses),
        mass_balance=tuple(balance),
        documents=len(sub.docs),
        tiers=tuple(sorted(sub.tiers.items())),
        vocabulary_version=vocabulary.version,
        response_deadline=min(deadlines) if deadlines else None,
    )


def _chain_gaps(sub: Subjects, rpath: ResponsePath, screening: CaseScreening | None) -> list[Gap]:
    """No entry to tie documents to, tracing that stops short of the raw material, and the
    parties that create the nexus."""
    gaps: list[Gap] = []
    case = sub.case
    if not sub.shipments:
        gaps.append(
            Gap(
                kind="no_shipment",
                severity="blocking",
                subject_type="case",
                subject_id=case.case_id,
                message=(
                    f"case {case.case_id} has no shipment recorded: add the detained entry "
                    "(`laborlens case shipment`) so documents can be tied to it"
                ),
            )
        )
    for n in sub.sources():
        if not sub.tables.is_producer(n.role):
            gaps.append(
                Gap(
                    kind="tracing_incomplete",
                    severity="blocking",
                    subject_type="node",
                    subject_id=n.id,
                    tier=sub.tiers.get(n.id),
                    message=(
                        f"the chain stops at {n.label()}, a {n.role}: tracing must reach the "
                        "party that mined, grew or produced the raw material; add its suppliers"
                    ),
                    citation=rpath.citation,
                )
            )
    for node_id, why in sorted(dict(screening.nexus if screening else ()).items()):
        gaps.append(_nexus_gap(sub, rpath, node_id, why))
    return gaps


def _nexus_gap(sub: Subjects, rpath: ResponsePath, node_id: str, why: str) -> Gap:
    node = sub.chain.find(node_id)
    label = node.label() if node else node_id
    on_flow = node_id in sub.in_flow
    blocking = rpath.id == "applicability_review" and on_flow
    ownership = (
        ""
        if on_flow
        else "It is linked to the chain by ownership or control, not by a flow of goods: show "
        "that none of its output reached these goods. "
    )
    answer = (
        "An applicability review claims no XUAR or Entity List link; this chain shows one: "
        "prove the input did not reach these goods, or request an exception"
        if blocking
        else "The exception request must rebut the presumption for this input with clear and "
        "convincing evidence"
    )
    return Gap(
        kind="nexus",
        severity="blocking" if blocking else "major",
        subject_type="node",
        subject_id=node_id,
        tier=sub.tiers.get(node_id),
        message=f"{label}: {why}. {ownership}{answer}",
        citation=rpath.citation,
    )
