"""Gap analysis: what a case's evidence lacks for a response path, ranked by what blocks most.

For a case (its chain and shipment), its registered documents and a response path
(``applicability_review`` or ``exception_request``), every requirement of the path
(``resources/evidence/paths.yaml``) is checked against every subject it applies to (the case, the
shipment, each edge, each node, the producing nodes, the raw-material nodes). A requirement is met
by a *usable* document: registered, unaltered, not expired, dated consistently with the shipment,
and (for certificates) naming the producer it is filed against. Independently, quantities are
reconciled: documents against their edge or shipment, and each node's outputs against its inputs
(mass balance). Each problem is a :class:`Gap` with a severity, the documents involved and the
rule's citation; gaps are sorted so that what blocks the submission most comes first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz

from laborlens.core.evidence.model import (
    Case,
    Chain,
    ChainEdge,
    ChainNode,
    Document,
    EvidenceError,
    Shipment,
    comparable,
    role_in,
)
from laborlens.core.evidence.vocabulary import SEVERITIES, Requirement, Vocabulary

ALGORITHM = "evidence-gaps-v1"

#: Gap kinds, most blocking first within a severity.
GAP_KINDS: tuple[str, ...] = (
    "altered",
    "nexus",
    "no_shipment",
    "tracing_incomplete",
    "mass_balance",
    "missing",
    "producer_mismatch",
    "date_after_shipment",
    "future_date",
    "expired",
    "quantity_mismatch",
    "untranslated",
    "quantity_missing",
    "unknown_reference",
)
_KIND_RANK = {k: i for i, k in enumerate(GAP_KINDS)}
_SUBJECT_RANK = {"document": 0, "case": 1, "shipment": 2, "edge": 3, "node": 4}
_ENGLISH = {"en", "eng", "english", "en-us", "en-gb"}


@dataclass(frozen=True, slots=True)
class Gap:
    """One thing missing or wrong, explained.

    Attributes:
        kind: one of :data:`GAP_KINDS`.
        severity: ``blocking``, ``major`` or ``minor``.
        subject_type: ``case``, ``shipment``, ``edge``, ``node`` or ``document``.
        subject_id: the id of that subject.
        message: plain-words explanation naming the subject and documents.
        requirement: the path requirement concerned, if any.
        needed: document types that would close the gap.
        doc_ids: documents involved.
        tier: chain tier of the subject (0 importer, 1 direct supplier …), if it has one.
        citation: where the requirement comes from.
    """

    kind: str
    severity: str
    subject_type: str
    subject_id: str
    message: str
    requirement: str | None = None
    needed: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    tier: int | None = None
    citation: str | None = None

    def rank_key(self) -> tuple[Any, ...]:
        return (
            -SEVERITIES[self.severity],
            _KIND_RANK.get(self.kind, 99),
            self.tier if self.tier is not None else -1,
            _SUBJECT_RANK.get(self.subject_type, 9),
            self.subject_id,
            self.requirement or "",
            self.doc_ids,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "message": self.message,
        }
        if self.tier is not None:
            out["tier"] = self.tier
        if self.requirement:
            out["requirement"] = self.requirement
        if self.needed:
            out["needed"] = list(self.needed)
        if self.doc_ids:
            out["doc_ids"] = list(self.doc_ids)
        if self.citation:
            out["citation"] = self.citation
        return out


@dataclass(frozen=True, slots=True)
class RequirementStatus:
    """Whether one requirement is met for one subject, and by which documents."""

    requirement: str
    severity: str
    subject_type: str
    subject_id: str
    tier: int | None
    met: bool
    doc_ids: tuple[str, ...]
    any_of: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "severity": self.severity,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "tier": self.tier,
            "met": self.met,
            "doc_ids": list(self.doc_ids),
            "any_of": list(self.any_of),
        }


@dataclass(frozen=True, slots=True)
class MassBalanceRow:
    """Inputs against outputs of one node, per comparable unit."""

    node_id: str
    name: str | None
    tier: int | None
    unit: str | None
    inputs: float | None
    outputs: float | None
    status: str  # ok | output_exceeds_input | units_differ | source | sink | incomplete
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "name": self.name,
            "tier": self.tier,
            "unit": self.unit,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class GapReport:
    """The result of a gap analysis (see module docstring)."""

    case_id: str
    path: str
    path_label: str
    as_of: date
    reference_date: date
    shipment_ids: tuple[str, ...]
    gaps: tuple[Gap, ...]
    statuses: tuple[RequirementStatus, ...]
    mass_balance: tuple[MassBalanceRow, ...]
    documents: int
    tiers: tuple[tuple[str, int], ...] = field(default=())
    algorithm: str = ALGORITHM
    vocabulary_version: str = ""
    response_deadline: date | None = None

    @property
    def ready(self) -> bool:
        """True when no blocking gap remains."""
        return not any(g.severity == "blocking" for g in self.gaps)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for g in self.gaps:
            out[g.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        met = sum(1 for s in self.statuses if s.met)
        out: dict[str, Any] = {
            "case_id": self.case_id,
            "path": self.path,
            "as_of": self.as_of.isoformat(),
            "reference_date": self.reference_date.isoformat(),
            "shipments": list(self.shipment_ids),
            "ready": self.ready,
            "counts": self.counts(),
            "requirements_met": met,
            "requirements_total": len(self.statuses),
            "documents": self.documents,
            "algorithm": self.algorithm,
            "vocabulary_version": self.vocabulary_version,
            "gaps": [g.to_dict() for g in self.gaps],
            "mass_balance": [m.to_dict() for m in self.mass_balance],
            "requirements": [s.to_dict() for s in self.statuses],
        }
        if self.response_deadline:
            out["response_deadline"] = self.response_deadline.isoformat()
            out["days_left"] = (self.response_deadline - self.as_of).days
        return out


# --------------------------------------------------------------------------------------------
# names: does a certificate name the producer it is filed against?

_LEGAL_FORMS = {
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "srl",
    "bv",
    "nv",
    "pvt",
    "pte",
    "jsc",
    "tbk",
    "bhd",
    "sdn",
    "group",
    "the",
    "and",
    "of",
}
_CJK_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")


def name_key(name: str) -> str:
    """A comparison key for organisation names: case, width, punctuation and legal forms folded."""
    s = unicodedata.normalize("NFKC", name).casefold()
    for form in _CJK_FORMS:
        s = s.replace(form, " ")
    s = re.sub(r"[^\w]+", " ", s)
    tokens = [t for t in s.split() if t not in _LEGAL_FORMS]
    return " ".join(tokens)


def names_match(a: str, b: str) -> bool:
    """Whether two organisation names plausibly name the same party (symmetric)."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    ta, tb = set(ka.split()), set(kb.split())
    if ta <= tb or tb <= ta:
        return True
    # Scripts without spaces (Chinese): containment of the shorter key in the longer.
    short, long_ = sorted((ka.replace(" ", ""), kb.replace(" ", "")), key=len)
    if len(short) >= 4 and short in long_:
        return True
    return fuzz.token_sort_ratio(ka, kb) >= 90


# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Defect:
    kind: str
    message: str


def _doc_label(doc: Document) -> str:
    return f"{doc.doc_id} ({doc.doc_type})"


def analyse(
    case: Case,
    documents: Sequence[Document],
    path: str,
    vocabulary: Vocabulary,
    *,
    as_of: date,
    shipment_id: str | None = None,
    altered: Iterable[str] = (),
    nexus: Mapping[str, str] | None = None,
    shortfalls: Mapping[str, tuple[str, str]] | None = None,
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
        nexus: node id → why screening/tracing links that node itself to the regime's
            presumption (Entity List match, XUAR location). An applicability review claims
            there is no such link, so each is blocking there; an exception request must rebut
            it, so each is a major point to answer.
        shortfalls: node id → (severity, explanation), from the tracer's mass balance (with
            yields and periods), where a node claims more untainted output than its untainted
            inputs can make: ``blocking`` when the yields are the node's own, ``major`` when
            they are the tracer's assumed industry yields (the node should declare its own).

    Raises:
        EvidenceError: unknown path or shipment id.
    """
    rpath = vocabulary.path(path)
    chain = case.chain
    tiers = chain.tiers(vocabulary.importer_roles)
    altered_ids = frozenset(altered)
    docs = sorted((d for d in documents if not d.removed), key=lambda d: d.doc_id)
    shipments = _shipments(case, shipment_id)
    ship_dates = [s.ship_date for s in shipments if s.ship_date]
    reference_date = min(ship_dates) if ship_dates else as_of
    gaps: list[Gap] = []
    statuses: list[RequirementStatus] = []

    importer_ids = {n.id for n in chain.nodes if role_in(n.role, vocabulary.importer_roles)}
    in_flow = chain.in_flow()
    party_nodes = [n for n in chain.nodes if n.id not in importer_ids and n.id in in_flow]
    producing = [n for n in party_nodes if not role_in(n.role, vocabulary.non_producing_roles)]
    has_inputs = {e.target for e in chain.edges}
    sources = [n for n in party_nodes if n.id not in has_inputs]

    if not shipments:
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
    for n in sources:
        if role_in(n.role, vocabulary.non_producing_roles):
            gaps.append(
                Gap(
                    kind="tracing_incomplete",
                    severity="blocking",
                    subject_type="node",
                    subject_id=n.id,
                    tier=tiers.get(n.id),
                    message=(
                        f"the chain stops at {n.label()}, a {n.role}: tracing must reach the "
                        "party that mined, grew or produced the raw material; add its suppliers"
                    ),
                    citation=rpath.citation,
                )
            )

    for node_id, why in sorted((nexus or {}).items()):
        nexus_node = chain.node(node_id)
        label = nexus_node.label() if nexus_node else node_id
        blocking = rpath.id == "applicability_review" and node_id in in_flow
        gaps.append(
            Gap(
                kind="nexus",
                severity="blocking" if blocking else "major",
                subject_type="node",
                subject_id=node_id,
                tier=tiers.get(node_id),
                message=(
                    f"{label}: {why}. "
                    + (
                        "It is linked to the chain by ownership or control, not by a flow of "
                        "goods: show that none of its output reached these goods. "
                        if node_id not in in_flow
                        else ""
                    )
                    + (
                        "An applicability review claims no XUAR or Entity List link; this chain "
                        "shows one: prove the input did not reach these goods, or request an "
                        "exception"
                        if blocking
                        else "The exception request must rebut the presumption for this input "
                        "with clear and convincing evidence"
                    )
                ),
                citation=rpath.citation,
            )
        )

    for node_id, (sf_severity, why) in sorted((shortfalls or {}).items()):
        sf_node = chain.node(node_id)
        gaps.append(
            Gap(
                kind="mass_balance",
                severity=sf_severity if sf_severity in SEVERITIES else "blocking",
                subject_type="node",
                subject_id=node_id,
                tier=tiers.get(node_id),
                message=f"{sf_node.label() if sf_node else node_id}: {why}",
            )
        )

    # Document-level defects that do not depend on the subject.
    translations = {d.translation_of for d in docs if d.doc_type == "english_translation"}
    base_defects: dict[str, _Defect] = {}
    for d in docs:
        defect = _doc_defect(
            d,
            vocabulary=vocabulary,
            reference_date=reference_date,
            as_of=as_of,
            altered=altered_ids,
            shipments=shipments,
        )
        if defect:
            base_defects[d.doc_id] = defect
    known_nodes = {n.id for n in chain.nodes}
    known_edges = {e.id for e in chain.edges}
    known_ships = {s.shipment_id for s in case.shipments}
    for d in docs:
        unknown = (
            [f"node {x}" for x in d.coverage.nodes if x not in known_nodes]
            + [f"edge {x}" for x in d.coverage.edges if x not in known_edges]
            + [f"shipment {x}" for x in d.coverage.shipments if x not in known_ships]
        )
        if unknown:
            gaps.append(
                Gap(
                    kind="unknown_reference",
                    severity="minor",
                    subject_type="document",
                    subject_id=d.doc_id,
                    doc_ids=(d.doc_id,),
                    message=(
                        f"{_doc_label(d)} covers {', '.join(unknown)}, which the case's chain "
                        "does not have"
                    ),
                )
            )
        lang = (d.language or "").strip().casefold()
        if (
            lang
            and lang not in _ENGLISH
            and d.doc_type != "english_translation"
            and d.doc_id not in translations
        ):
            gaps.append(
                Gap(
                    kind="untranslated",
                    severity="major",
                    subject_type="document",
                    subject_id=d.doc_id,
                    doc_ids=(d.doc_id,),
                    needed=("english_translation",),
                    message=(
                        f"{_doc_label(d)} is in '{d.language}' and has no English translation "
                        f"registered (`--type english_translation --translation-of {d.doc_id}`)"
                    ),
                    citation=vocabulary.get("english_translation").source,
                )
            )

    reported_defects: set[tuple[str, str]] = set()

    def check(
        req: Requirement,
        *,
        subject_type: str,
        subject_id: str,
        label: str,
        tier: int | None,
        candidates: list[Document],
        node_name: Sequence[str] = (),
    ) -> None:
        usable: list[Document] = []
        defective: list[tuple[Document, _Defect]] = []
        for d in candidates:
            defect = base_defects.get(d.doc_id)
            if (
                defect is None
                and node_name
                and vocabulary.get(d.doc_type).names_producer
                and d.producer
                and not any(names_match(d.producer, nm) for nm in node_name)
            ):
                defect = _Defect(
                    "producer_mismatch",
                    f"{_doc_label(d)} names producer '{d.producer}', not {label}",
                )
            if defect is None:
                usable.append(d)
            else:
                defective.append((d, defect))
        statuses.append(
            RequirementStatus(
                requirement=req.id,
                severity=req.severity,
                subject_type=subject_type,
                subject_id=subject_id,
                tier=tier,
                met=bool(usable),
                doc_ids=tuple(d.doc_id for d in usable),
                any_of=req.any_of,
            )
        )
        needed = " or ".join(req.any_of)
        if not usable:
            if defective:
                kind = min((df.kind for _, df in defective), key=lambda k: _KIND_RANK.get(k, 99))
                msgs = "; ".join(df.message for _, df in defective)
                message = f"{label}: no usable {needed} — {msgs} ({req.why})"
                for d, df in defective:
                    reported_defects.add((d.doc_id, df.kind))
            else:
                kind = "missing"
                message = f"{label}: no {needed} ({req.why})"
            gaps.append(
                Gap(
                    kind=kind,
                    severity=req.severity,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    tier=tier,
                    requirement=req.id,
                    needed=req.any_of,
                    doc_ids=tuple(d.doc_id for d, _ in defective),
                    message=message,
                    citation=rpath.citation,
                )
            )
        else:
            # Defective documents beside usable ones still undermine the package.
            for d, df in defective:
                if (d.doc_id, df.kind) in reported_defects:
                    continue
                reported_defects.add((d.doc_id, df.kind))
                gaps.append(
                    Gap(
                        kind=df.kind,
                        severity="blocking" if df.kind == "altered" else "major",
                        subject_type=subject_type,
                        subject_id=subject_id,
                        tier=tier,
                        requirement=req.id,
                        doc_ids=(d.doc_id,),
                        message=f"{label}: {df.message}",
                        citation=rpath.citation,
                    )
                )

    only_shipment = case.shipments[0].shipment_id if len(case.shipments) == 1 else None
    importer_edges = {e.id for e in chain.edges if e.target in importer_ids}

    def docs_of(types: tuple[str, ...]) -> list[Document]:
        return [d for d in docs if d.doc_type in types]

    # Indexes by what documents cover, so each subject looks only at its own documents.
    node_by_id = {n.id: n for n in chain.nodes}
    edge_source = {e.id: e.source for e in chain.edges}
    by_node: dict[str, list[Document]] = {}
    by_edge: dict[str, list[Document]] = {}
    by_ship: dict[str, list[Document]] = {}
    for d in docs:
        node_ids = set(d.coverage.nodes)
        if "node" in vocabulary.get(d.doc_type).scope:
            # A node document filed against a flow certifies the flow's supplier.
            node_ids |= {edge_source[x] for x in d.coverage.edges if x in edge_source}
        for x in sorted(node_ids):
            by_node.setdefault(x, []).append(d)
        for x in d.coverage.edges:
            by_edge.setdefault(x, []).append(d)
        for x in d.coverage.shipments:
            by_ship.setdefault(x, []).append(d)
    shipment_docs = sorted(
        {d.doc_id: d for s in shipments for d in by_ship.get(s.shipment_id, [])}.values(),
        key=lambda d: d.doc_id,
    )

    for req in rpath.requirements:
        cands = docs_of(req.any_of)
        if req.applies_to == "case":
            check(
                req,
                subject_type="case",
                subject_id=case.case_id,
                label=f"case {case.case_id}",
                tier=None,
                candidates=cands,
            )
        elif req.applies_to == "shipment":
            for s in shipments:
                covering = [
                    d
                    for d in cands
                    if s.shipment_id in d.coverage.shipments
                    or (d.coverage.is_empty() and only_shipment == s.shipment_id)
                ]
                label = f"shipment {s.shipment_id}" + (
                    f" (entry {s.entry_number})" if s.entry_number else ""
                )
                check(
                    req,
                    subject_type="shipment",
                    subject_id=s.shipment_id,
                    label=label,
                    tier=0,
                    candidates=covering,
                )
        elif req.applies_to == "edge":
            for e in chain.edges:
                pool = by_edge.get(e.id, [])
                if e.id in importer_edges:
                    pool = sorted(
                        {d.doc_id: d for d in (*pool, *shipment_docs)}.values(),
                        key=lambda d: d.doc_id,
                    )
                covering = [d for d in pool if d.doc_type in req.any_of]
                check(
                    req,
                    subject_type="edge",
                    subject_id=e.id,
                    label=_edge_label(chain, e, node_by_id),
                    tier=tiers.get(e.source),
                    candidates=covering,
                )
        else:
            group = {"node": party_nodes, "producing": producing, "source": sources}[req.applies_to]
            for n in group:
                covering = [d for d in by_node.get(n.id, []) if d.doc_type in req.any_of]
                names = tuple(x for x in (n.name, *n.aliases) if x)
                check(
                    req,
                    subject_type="node",
                    subject_id=n.id,
                    label=n.label(),
                    tier=tiers.get(n.id),
                    candidates=covering,
                    node_name=names,
                )

    # Defects of documents no requirement looked at.
    for d in docs:
        df = base_defects.get(d.doc_id)
        if df and (d.doc_id, df.kind) not in reported_defects:
            reported_defects.add((d.doc_id, df.kind))
            gaps.append(
                Gap(
                    kind=df.kind,
                    severity="blocking" if df.kind == "altered" else "major",
                    subject_type="document",
                    subject_id=d.doc_id,
                    doc_ids=(d.doc_id,),
                    message=df.message,
                )
            )

    gaps.extend(
        _quantity_gaps(
            chain,
            docs=docs,
            shipments=shipments,
            vocabulary=vocabulary,
            tiers=tiers,
            importer_ids=importer_ids,
        )
    )
    rows, mb_gaps = mass_balance(chain, shipments, vocabulary, tiers, importer_ids)
    gaps.extend(mb_gaps)

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
        reference_date=reference_date,
        shipment_ids=tuple(s.shipment_id for s in shipments),
        gaps=tuple(sorted(gaps, key=Gap.rank_key)),
        statuses=tuple(statuses),
        mass_balance=tuple(rows),
        documents=len(docs),
        tiers=tuple(sorted(tiers.items())),
        vocabulary_version=vocabulary.version,
        response_deadline=min(deadlines) if deadlines else None,
    )


def _shipments(case: Case, shipment_id: str | None) -> list[Shipment]:
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


def _edge_label(chain: Chain, e: ChainEdge, nodes: Mapping[str, ChainNode] | None = None) -> str:
    if nodes is None:
        nodes = {n.id: n for n in chain.nodes}
    src, dst = nodes.get(e.source), nodes.get(e.target)
    what = f" {e.product}" if e.product else ""
    return (
        f"edge {e.id}{what} ({src.name if src and src.name else e.source} → "
        f"{dst.name if dst and dst.name else e.target})"
    )


def _doc_defect(
    d: Document,
    *,
    vocabulary: Vocabulary,
    reference_date: date,
    as_of: date,
    altered: frozenset[str],
    shipments: Sequence[Shipment],
) -> _Defect | None:
    dtype = vocabulary.get(d.doc_type)
    if d.doc_id in altered:
        return _Defect(
            "altered",
            f"{_doc_label(d)}: the stored file no longer matches the sha256 recorded at "
            "registration; re-register the original",
        )
    if d.doc_date and d.doc_date > as_of:
        return _Defect("future_date", f"{_doc_label(d)} is dated {d.doc_date}, after {as_of}")
    if dtype.before_shipment and d.doc_date and shipments:
        covered = [s for s in shipments if s.ship_date]
        if covered and d.doc_date > max(s.ship_date for s in covered if s.ship_date):
            last = max(s.ship_date for s in covered if s.ship_date)
            return _Defect(
                "date_after_shipment",
                f"{_doc_label(d)} is dated {d.doc_date}, after the goods shipped on {last}; "
                "records made in the ordinary course of business predate the shipment",
            )
    if d.valid_until and d.valid_until < reference_date:
        return _Defect(
            "expired",
            f"{_doc_label(d)} was valid until {d.valid_until}, before {reference_date}",
        )
    if dtype.validity_days and d.doc_date and not d.valid_until:
        until = d.doc_date + timedelta(days=dtype.validity_days)
        if until < reference_date:
            return _Defect(
                "expired",
                f"{_doc_label(d)} dated {d.doc_date} is older than {dtype.validity_days} days at "
                f"{reference_date} (a {dtype.label.lower()} is taken to stay current that long)",
            )
    return None


def _quantity_gaps(
    chain: Chain,
    *,
    docs: Sequence[Document],
    shipments: Sequence[Shipment],
    vocabulary: Vocabulary,
    tiers: dict[str, int],
    importer_ids: set[str],
) -> list[Gap]:
    """Documents whose quantities do not reconcile with the edge or shipment they cover."""
    tol = vocabulary.quantity_tolerance
    gaps: list[Gap] = []
    nodes = {n.id: n for n in chain.nodes}
    # Only documents that cover exactly one edge (and no shipment), or exactly one shipment,
    # state that subject's quantity.
    single: dict[tuple[str, str], list[Document]] = {}
    for d in docs:
        if d.quantity is None or not vocabulary.get(d.doc_type).carries_quantity:
            continue
        if len(d.coverage.edges) == 1 and not d.coverage.shipments:
            single.setdefault(("edge", d.coverage.edges[0]), []).append(d)
        elif len(d.coverage.shipments) == 1 and not d.coverage.edges:
            single.setdefault(("shipment", d.coverage.shipments[0]), []).append(d)
    targets: list[tuple[str, str, float | None, str | None, int | None, str]] = []
    for e in chain.edges:
        targets.append(
            ("edge", e.id, e.quantity, e.unit, tiers.get(e.source), _edge_label(chain, e, nodes))
        )
    for s in shipments:
        targets.append(
            ("shipment", s.shipment_id, s.quantity, s.unit, 0, f"shipment {s.shipment_id}")
        )
    for stype, sid, qty, unit, tier, label in targets:
        if qty is None:
            continue
        want, want_unit = comparable(qty, unit)
        by_type: dict[str, list[Document]] = {}
        for d in single.get((stype, sid), []):
            by_type.setdefault(d.doc_type, []).append(d)
        for dtype, group in sorted(by_type.items()):
            total = 0.0
            used: list[Document] = []
            for d in group:
                q, u = comparable(d.quantity or 0.0, d.unit or unit)
                if u == want_unit:
                    total += q
                    used.append(d)
            if not used:
                continue
            if abs(total - want) > tol * max(want, 1e-9):
                gaps.append(
                    Gap(
                        kind="quantity_mismatch",
                        severity="major",
                        subject_type=stype,
                        subject_id=sid,
                        tier=tier,
                        doc_ids=tuple(d.doc_id for d in used),
                        message=(
                            f"{label}: {dtype} documents state {_fmt(total)} {want_unit or ''} "
                            f"but the {'chain' if stype == 'edge' else 'entry'} records "
                            f"{_fmt(want)} {want_unit or ''}".replace("  ", " ")
                        ),
                    )
                )
    # The entry against the flows into the importer.
    if importer_ids:
        for s in shipments:
            if s.quantity is None:
                continue
            want, want_unit = comparable(s.quantity, s.unit)
            flows = [e for e in chain.edges if e.target in importer_ids and e.quantity is not None]
            total = sum(
                comparable(e.quantity or 0.0, e.unit)[0]
                for e in flows
                if comparable(e.quantity or 0.0, e.unit)[1] == want_unit
            )
            if flows and total and want > total * (1 + tol):
                gaps.append(
                    Gap(
                        kind="quantity_mismatch",
                        severity="blocking",
                        subject_type="shipment",
                        subject_id=s.shipment_id,
                        tier=0,
                        message=(
                            f"shipment {s.shipment_id}: {_fmt(want)} {want_unit} entered but the "
                            f"chain traces only {_fmt(total)} {want_unit} into the importer"
                        ),
                    )
                )
    return gaps


def _fmt(x: float) -> str:
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def mass_balance(
    chain: Chain,
    shipments: Sequence[Shipment],
    vocabulary: Vocabulary,
    tiers: dict[str, int],
    importer_ids: set[str] | None = None,
) -> tuple[list[MassBalanceRow], list[Gap]]:
    """Each node's outputs against its inputs (same comparable unit), with gaps.

    A node whose outputs exceed its traced inputs (beyond the tolerance) means part of what it
    shipped came from untraced material: the tracing cannot support the claim (blocking).
    A node with no outputs in the chain is credited with the shipment when it is the chain's
    only sink (the exporter), so the entry is reconciled too.
    """
    importer_ids = importer_ids or set()
    tol = vocabulary.quantity_tolerance
    rows: list[MassBalanceRow] = []
    gaps: list[Gap] = []
    in_flow = chain.in_flow()
    inputs: dict[str, list[ChainEdge]] = {}
    outputs: dict[str, list[ChainEdge]] = {}
    for e in chain.edges:
        inputs.setdefault(e.target, []).append(e)
        outputs.setdefault(e.source, []).append(e)
    sinks = [
        n.id
        for n in chain.nodes
        if n.id in in_flow and not outputs.get(n.id) and n.id not in importer_ids
    ]
    for n in sorted(chain.nodes, key=lambda x: (-tiers.get(x.id, 0), x.id)):
        if n.id in importer_ids or n.id not in in_flow:
            continue
        ins = inputs.get(n.id, [])
        outs: list[tuple[float | None, str | None]] = [
            (e.quantity, e.unit) for e in outputs.get(n.id, [])
        ]
        if not outs and len(sinks) == 1 and sinks[0] == n.id:
            outs = [(s.quantity, s.unit) for s in shipments]
        tier = tiers.get(n.id)
        if not ins:
            rows.append(
                MassBalanceRow(
                    n.id,
                    n.name,
                    tier,
                    None,
                    None,
                    _sum(outs)[0],
                    "source",
                    "raw-material party: origin documents, not inputs",
                )
            )
            continue
        if not outs:
            rows.append(
                MassBalanceRow(
                    n.id,
                    n.name,
                    tier,
                    None,
                    _sum([(e.quantity, e.unit) for e in ins])[0],
                    None,
                    "sink",
                    "no outputs recorded",
                )
            )
            continue
        in_q = _by_unit([(e.quantity, e.unit) for e in ins])
        out_q = _by_unit(outs)
        missing = any(e.quantity is None for e in ins) or any(q is None for q, _ in outs)
        if missing:
            gaps.append(
                Gap(
                    kind="quantity_missing",
                    severity="minor",
                    subject_type="node",
                    subject_id=n.id,
                    tier=tier,
                    message=(
                        f"{n.label()}: some flows in or out have no quantity; "
                        "mass balance is partial"
                    ),
                )
            )
        common = sorted(set(in_q) & set(out_q), key=str)
        if not common:
            rows.append(
                MassBalanceRow(
                    n.id,
                    n.name,
                    tier,
                    None,
                    None,
                    None,
                    "units_differ" if in_q and out_q else "incomplete",
                    f"inputs in {', '.join(map(str, sorted(in_q, key=str))) or '-'}; "
                    f"outputs in {', '.join(map(str, sorted(out_q, key=str))) or '-'}",
                )
            )
            continue
        for unit in common:
            i, o = in_q[unit], out_q[unit]
            status = "ok"
            note = f"yield {o / i:.1%}" if i else ""
            if o > i * (1 + tol):
                status = "output_exceeds_input"
                gaps.append(
                    Gap(
                        kind="mass_balance",
                        severity="blocking",
                        subject_type="node",
                        subject_id=n.id,
                        tier=tier,
                        message=(
                            f"{n.label()}: outputs {_fmt(o)} {unit} exceed traced inputs "
                            f"{_fmt(i)} {unit}; part of what it shipped comes from untraced "
                            "material"
                        ),
                    )
                )
            rows.append(MassBalanceRow(n.id, n.name, tier, unit, i, o, status, note))
    return rows, gaps


def _by_unit(items: Iterable[tuple[float | None, str | None]]) -> dict[str | None, float]:
    out: dict[str | None, float] = {}
    for q, u in items:
        if q is None:
            continue
        v, cu = comparable(q, u)
        out[cu] = out.get(cu, 0.0) + v
    return out


def _sum(items: Iterable[tuple[float | None, str | None]]) -> tuple[float | None, str | None]:
    by = _by_unit(items)
    if len(by) == 1:
        ((u, v),) = by.items()
        return v, u
    return None, None
