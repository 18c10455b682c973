"""Requirement checks: is each requirement of a response path met for each subject?

A requirement (``resources/evidence/paths.yaml``) is met for a subject (the case, a shipment, an
edge, a party) by a *usable* document covering it: registered, unaltered, not expired, dated
consistently with the shipment, and (for certificates) naming the producer it is filed against.
Unusable documents are reported with what is wrong with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, lru_cache

from laborlens.core import names
from laborlens.core.chain import ChainEdge
from laborlens.core.evidence.model import Document
from laborlens.core.evidence.report import KIND_RANK, Gap, RequirementStatus
from laborlens.core.evidence.subjects import Subjects, doc_label
from laborlens.core.evidence.vocabulary import Requirement, ResponsePath, Vocabulary

_ENGLISH = {"en", "eng", "english", "en-us", "en-gb"}


@cache
def _name_index() -> names.NameIndex:
    # no list statistics: every word weighs the same, legal forms and scripts are still folded
    return names.build_name_index([], {})


def names_match(a: str, b: str) -> bool:
    """Whether two organisation names plausibly name the same party (symmetric): the screening
    name comparison (legal forms, case, width and scripts folded) reaches its ``possible``
    band."""
    if a.casefold().split() == b.casefold().split():
        return True
    return _names_match(*sorted((a, b)))


@lru_cache(maxsize=8192)
def _names_match(a: str, b: str) -> bool:
    index, possible = _name_index(), names.MatchConfig().possible
    if names.compare_names(index, a, b).score >= possible:
        return True
    return names.compare_names(index, b, a).score >= possible


@dataclass(frozen=True, slots=True)
class Defect:
    kind: str
    message: str


def document_defect(
    d: Document, sub: Subjects, vocabulary: Vocabulary, altered: frozenset[str]
) -> Defect | None:
    """What makes a document unusable whatever it covers, or ``None``."""
    dtype = vocabulary.get(d.doc_type)
    if d.doc_id in altered:
        return Defect(
            "altered",
            f"{doc_label(d)}: the stored file no longer matches the sha256 recorded at "
            "registration; re-register the original",
        )
    if d.doc_date and d.doc_date > sub.as_of:
        return Defect("future_date", f"{doc_label(d)} is dated {d.doc_date}, after {sub.as_of}")
    shipped = [s.ship_date for s in sub.shipments if s.ship_date]
    if dtype.before_shipment and d.doc_date and shipped and d.doc_date > max(shipped):
        return Defect(
            "date_after_shipment",
            f"{doc_label(d)} is dated {d.doc_date}, after the goods shipped on {max(shipped)}; "
            "records made in the ordinary course of business predate the shipment",
        )
    if d.valid_until and d.valid_until < sub.reference_date:
        return Defect(
            "expired",
            f"{doc_label(d)} was valid until {d.valid_until}, before {sub.reference_date}",
        )
    if dtype.validity_days and d.doc_date and not d.valid_until:
        until = d.doc_date + timedelta(days=dtype.validity_days)
        if until < sub.reference_date:
            return Defect(
                "expired",
                f"{doc_label(d)} dated {d.doc_date} is older than {dtype.validity_days} days at "
                f"{sub.reference_date} (a {dtype.label.lower()} is taken to stay current that "
                "long)",
            )
    return None


def document_gaps(sub: Subjects, vocabulary: Vocabulary) -> list[Gap]:
    """Documents naming parts the chain does not have, or not in English without a translation."""
    gaps: list[Gap] = []
    translations = {d.translation_of for d in sub.docs if d.doc_type == "english_translation"}
    known_nodes = {n.id for n in sub.chain.nodes}
    known_edges = {e.id for e in sub.flows()}
    known_ships = {s.shipment_id for s in sub.case.shipments}
    for d in sub.docs:
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
                        f"{doc_label(d)} covers {', '.join(unknown)}, which the case's chain "
                        "does not have"
                    ),
                )
            )
        lang = (d.language or "").strip().casefold()
        if lang and lang not in _ENGLISH and d.doc_type != "english_translation":
            if d.doc_id in translations:
                continue
            gaps.append(
                Gap(
                    kind="untranslated",
                    severity="major",
                    subject_type="document",
                    subject_id=d.doc_id,
                    doc_ids=(d.doc_id,),
                    needed=("english_translation",),
                    message=(
                        f"{doc_label(d)} is in '{d.language}' and has no English translation "
                        f"registered (`--type english_translation --translation-of {d.doc_id}`)"
                    ),
                    citation=vocabulary.get("english_translation").source,
                )
            )
    return gaps


@dataclass(frozen=True, slots=True)
class _Subject:
    kind: str  # case | shipment | edge | node
    id: str
    label: str
    tier: int | None
    candidates: tuple[Document, ...]
    names: tuple[str, ...] = ()


class RequirementCheck:
    """Checks every requirement of a path against its subjects; collects statuses and gaps."""

    def __init__(
        self, sub: Subjects, vocabulary: Vocabulary, rpath: ResponsePath, altered: frozenset[str]
    ) -> None:
        self.sub = sub
        self.vocabulary = vocabulary
        self.rpath = rpath
        self.defects: dict[str, Defect] = {}
        for d in sub.docs:
            defect = document_defect(d, sub, vocabulary, altered)
            if defect:
                self.defects[d.doc_id] = defect
        self.reported: set[tuple[str, str]] = set()
        self.statuses: list[RequirementStatus] = []
        self.gaps: list[Gap] = []
        self._index_coverage()

    def _index_coverage(self) -> None:
        """Documents by what they cover, so each subject looks only at its own documents."""
        sub = self.sub
        edge_source = {e.id: sub.chain.nodes[e.src].id for e in sub.flows()}
        self.by_node: dict[str, list[Document]] = {}
        self.by_edge: dict[str, list[Document]] = {}
        by_ship: dict[str, list[Document]] = {}
        for d in sub.docs:
            node_ids = set(d.coverage.nodes)
            if "node" in self.vocabulary.get(d.doc_type).scope:
                # a node document filed against a flow certifies the flow's supplier
                node_ids |= {edge_source[x] for x in d.coverage.edges if x in edge_source}
            for x in sorted(node_ids):
                self.by_node.setdefault(x, []).append(d)
            for x in d.coverage.edges:
                self.by_edge.setdefault(x, []).append(d)
            for x in d.coverage.shipments:
                by_ship.setdefault(x, []).append(d)
        self.shipment_docs = sorted(
            {d.doc_id: d for s in sub.shipments for d in by_ship.get(s.shipment_id, [])}.values(),
            key=lambda d: d.doc_id,
        )

    def run(self) -> tuple[list[RequirementStatus], list[Gap]]:
        for req in self.rpath.requirements:
            for subject in self._subjects(req):
                self._check(req, subject)
        # defects of documents no requirement looked at
        for d in self.sub.docs:
            df = self.defects.get(d.doc_id)
            if df and (d.doc_id, df.kind) not in self.reported:
                self.reported.add((d.doc_id, df.kind))
                self.gaps.append(
                    Gap(
                        kind=df.kind,
                        severity="blocking" if df.kind == "altered" else "major",
                        subject_type="document",
                        subject_id=d.doc_id,
                        doc_ids=(d.doc_id,),
                        message=df.message,
                    )
                )
        return self.statuses, self.gaps

    def _subjects(self, req: Requirement) -> list[_Subject]:
        sub = self.sub
        cands = tuple(d for d in sub.docs if d.doc_type in req.any_of)
        if req.applies_to == "case":
            return [_Subject("case", sub.case.case_id, f"case {sub.case.case_id}", None, cands)]
        if req.applies_to == "shipment":
            only = sub.case.shipments[0].shipment_id if len(sub.case.shipments) == 1 else None
            return [
                _Subject(
                    "shipment",
                    s.shipment_id,
                    f"shipment {s.shipment_id}"
                    + (f" (entry {s.entry_number})" if s.entry_number else ""),
                    0,
                    tuple(
                        d
                        for d in cands
                        if s.shipment_id in d.coverage.shipments
                        or (d.coverage.is_empty() and only == s.shipment_id)
                    ),
                )
                for s in sub.shipments
            ]
        if req.applies_to == "edge":
            return [self._edge_subject(req, e) for e in sub.flows()]
        group = {"node": sub.parties, "producing": sub.producing, "source": sub.sources}
        return [
            _Subject(
                "node",
                n.id,
                n.label(),
                sub.tiers.get(n.id),
                tuple(d for d in self.by_node.get(n.id, []) if d.doc_type in req.any_of),
                tuple(x for x in (n.name, *n.record.aliases) if x),
            )
            for n in group[req.applies_to]()
        ]

    def _edge_subject(self, req: Requirement, e: ChainEdge) -> _Subject:
        sub = self.sub
        pool = self.by_edge.get(e.id, [])
        if sub.chain.nodes[e.dst].id in sub.importer_ids:
            # the entry's documents cover the flow into the importer too
            pool = sorted(
                {d.doc_id: d for d in (*pool, *self.shipment_docs)}.values(),
                key=lambda d: d.doc_id,
            )
        return _Subject(
            "edge",
            e.id,
            sub.edge_label(e),
            sub.edge_tier(e),
            tuple(d for d in pool if d.doc_type in req.any_of),
        )

    def _defect_for(self, d: Document, subject: _Subject) -> Defect | None:
        defect = self.defects.get(d.doc_id)
        if (
            defect is None
            and subject.names
            and self.vocabulary.get(d.doc_type).names_producer
            and d.producer
            and not any(names_match(d.producer, nm) for nm in subject.names)
        ):
            defect = Defect(
                "producer_mismatch",
                f"{doc_label(d)} names producer '{d.producer}', not {subject.label}",
            )
        return defect

    def _check(self, req: Requirement, subject: _Subject) -> None:
        usable: list[Document] = []
        defective: list[tuple[Document, Defect]] = []
        for d in subject.candidates:
            defect = self._defect_for(d, subject)
            if defect is None:
                usable.append(d)
            else:
                defective.append((d, defect))
        self.statuses.append(
            RequirementStatus(
                requirement=req.id,
                severity=req.severity,
                subject_type=subject.kind,
                subject_id=subject.id,
                tier=subject.tier,
                met=bool(usable),
                doc_ids=tuple(d.doc_id for d in usable),
                any_of=req.any_of,
            )
        )
        if usable:
            self._defective_beside_usable(req, subject, defective)
            return
        needed = " or ".join(req.any_of)
        if defective:
            kind = min((df.kind for _, df in defective), key=lambda k: KIND_RANK.get(k, 99))
            msgs = "; ".join(df.message for _, df in defective)
            message = f"{subject.label}: no usable {needed} — {msgs} ({req.why})"
            self.reported.update((d.doc_id, df.kind) for d, df in defective)
        else:
            kind = "missing"
            message = f"{subject.label}: no {needed} ({req.why})"
        self.gaps.append(
            Gap(
                kind=kind,
                severity=req.severity,
                subject_type=subject.kind,
                subject_id=subject.id,
                tier=subject.tier,
                requirement=req.id,
                needed=req.any_of,
                doc_ids=tuple(d.doc_id for d, _ in defective),
                message=message,
                citation=self.rpath.citation,
            )
        )

    def _defective_beside_usable(
        self, req: Requirement, subject: _Subject, defective: Sequence[tuple[Document, Defect]]
    ) -> None:
        """Defective documents beside usable ones still undermine the package."""
        for d, df in defective:
            if (d.doc_id, df.kind) in self.reported:
                continue
            self.reported.add((d.doc_id, df.kind))
            self.gaps.append(
                Gap(
                    kind=df.kind,
                    severity="blocking" if df.kind == "altered" else "major",
                    subject_type=subject.kind,
                    subject_id=subject.id,
                    tier=subject.tier,
                    requirement=req.id,
                    doc_ids=(d.doc_id,),
                    message=f"{subject.label}: {df.message}",
                    citation=self.rpath.citation,
                )
            )
