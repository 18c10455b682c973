"""The evidence operations of the Python API: cases, the document registry, gaps, dossiers, audit.

Everything goes through an :class:`EvidenceService` bound to one store (DuckDB under
``settings.data_dir`` by default). Every change is recorded in the append-only audit log with the
acting user (``settings.user``), the time, the bundled list versions and the algorithm versions.

Example:
    >>> from laborlens.ops.evidence import EvidenceService           # doctest: +SKIP
    >>> svc = EvidenceService(Settings(data_dir=Path("work")))       # doctest: +SKIP
    >>> svc.create_case("C1", Path("chain.json"))                    # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from laborlens.adapters.io import dossier
from laborlens.adapters.io.dossier import (
    DossierError,
    DossierResult,
    ScreeningRow,
    ScreeningSection,
    verify_dossier,
)
from laborlens.adapters.store import Store, StoreError, open_store, sha256_file
from laborlens.core.evidence import audit as audit_chain
from laborlens.core.evidence.gaps import ALGORITHM as GAPS_ALGORITHM
from laborlens.core.evidence.gaps import GapReport, analyse
from laborlens.core.evidence.model import (
    CASE_STATUSES,
    RESPONSE_PATHS,
    Case,
    Chain,
    Coverage,
    Detention,
    Document,
    EvidenceError,
    Shipment,
    StatusChange,
)
from laborlens.core.evidence.vocabulary import Vocabulary, load_vocabulary
from laborlens.core.resources import ResourceError
from laborlens.settings import Settings

__all__ = [
    "CASE_STATUSES",
    "DEFAULT_RESPONSE_DAYS",
    "RESPONSE_PATHS",
    "Document",
    "DossierError",
    "EvidenceError",
    "EvidenceService",
    "IntegrityProblem",
    "ResourceError",
    "StoreError",
    "load_vocabulary",
    "read_chain",
    "verify_dossier",
]

#: Default days from a detention notice to the response deadline. No UFLPA-specific window was
#: found in a primary source; 30 days is the 19 U.S.C. 1499(c)(5)(A) deemed-exclusion clock
#: (regulation.md §1.8). Override with ``response_deadline`` / ``--deadline``.
DEFAULT_RESPONSE_DAYS = 30


def read_chain(path: Path) -> Chain:
    """Read a chain: a JSON file ``{"nodes": [...], "edges": [...]}`` or a folder with
    ``nodes.csv`` and ``edges.csv`` (DESIGN.md §3.3).

    Raises:
        EvidenceError: the file is missing or malformed (the message names file and field).
    """
    path = Path(path)
    if path.is_dir():
        nodes_f, edges_f = path / "nodes.csv", path / "edges.csv"
        if not nodes_f.is_file():
            raise EvidenceError(f"{path}: no nodes.csv in the chain folder")
        data: dict[str, Any] = {
            "nodes": _csv(nodes_f),
            "edges": _csv(edges_f) if edges_f.is_file() else [],
        }
    elif path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EvidenceError(f"{path}: not a JSON chain file ({exc})") from exc
    else:
        raise EvidenceError(f"{path}: chain file or folder not found")
    try:
        return Chain.from_mapping(data)
    except EvidenceError as exc:
        raise EvidenceError(f"{path}: {exc}") from exc


def _csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [
                {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(fh)
            ]
    except UnicodeDecodeError as exc:
        raise EvidenceError(f"{path}: not UTF-8 text ({exc})") from exc


@dataclass(frozen=True, slots=True)
class IntegrityProblem:
    """A registered document whose stored file (or original source file) no longer matches."""

    doc_id: str
    message: str
    stored: bool  # True: the stored copy is bad (blocking); False: only the source changed

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "message": self.message, "stored_copy": self.stored}


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class EvidenceService:
    """Cases, documents, gaps, dossiers and the audit log over one store.

    Args:
        settings: run-time settings (``data_dir``, ``user``).
        store: an open store (default: the DuckDB store under ``settings.data_dir``).
        clock: returns "now" (tests pass a fixed clock for reproducible logs).
    """

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.settings = settings
        self.store = store or open_store(settings.data_dir)
        self.clock = clock
        self.vocabulary: Vocabulary = load_vocabulary()
        self._versions: tuple[dict[str, str], tuple[str, ...]] | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> EvidenceService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- audit

    def versions(self) -> tuple[dict[str, str], tuple[str, ...]]:
        """Bundled list versions and algorithm versions, recorded on every audit record."""
        if self._versions is None:
            lists, algos = _bundled_versions()
            self._versions = (
                dict(lists),
                (
                    GAPS_ALGORITHM,
                    audit_chain.ALGORITHM,
                    f"evidence-vocabulary@{self.vocabulary.version}",
                    *algos,
                ),
            )
        return self._versions

    def record_event(
        self, action: str, subject: str, details: Mapping[str, Any] | None = None
    ) -> audit_chain.AuditRecord:
        """Append an audit record (screenings, registrations, decisions …)."""
        lists, algos = self.versions()
        return self.store.append_audit(
            at=self.clock(),
            actor=self.settings.user,
            action=action,
            subject=subject,
            details=details,
            list_versions=lists,
            algorithms=algos,
        )

    def audit_log(self) -> list[audit_chain.AuditRecord]:
        return self.store.audit_records()

    def _case_anchor(self, case_id: str) -> tuple[int, str] | None:
        """The newest audit record about this case's evidence (seq, hash), dossier builds aside.

        The dossier cites it so the package names the exact log state it reflects; building
        the dossier again (which appends a record) does not change it.
        """
        for rec in reversed(self.store.audit_records()):
            if rec.action == "dossier.build":
                continue
            if rec.subject == case_id or dict(rec.details).get("case_id") == case_id:
                return rec.seq, rec.hash
        return None

    def verify_audit(self) -> audit_chain.AuditVerification:
        """Verify the hash chain and the recorded head: any edit or deletion is reported."""
        return audit_chain.verify(
            self.store.audit_records(), self.store.audit_head(), head_required=True
        )

    # ---------------------------------------------------------------- cases

    def create_case(
        self, case_id: str, chain: Chain | Path | Mapping[str, Any], *, title: str | None = None
    ) -> Case:
        """Open a case on a chain (a snapshot of the chain is kept with the case)."""
        case_id = _require_id(case_id, "case id")
        source: str | None = None
        if isinstance(chain, Path):
            source = chain.name
            chain = read_chain(chain)
        elif not isinstance(chain, Chain):
            chain = Chain.from_mapping(chain)
        if self.store.get_case(case_id) is not None:
            raise StoreError(f"case '{case_id}' already exists")
        now = self.clock()
        case = Case(
            case_id=case_id,
            chain=chain,
            title=title,
            created_at=now,
            created_by=self.settings.user,
            chain_source=source,
            history=(StatusChange("open", now, self.settings.user, "case created"),),
        )
        self.store.put_case(case)
        self.record_event(
            "case.create",
            case_id,
            {
                "title": title,
                "chain_sha256": chain.sha256(),
                "chain_source": source,
                "nodes": len(chain.nodes),
                "edges": len(chain.edges),
            },
        )
        return self.case(case_id)

    def case(self, case_id: str) -> Case:
        """The case, or :class:`StoreError` naming the known cases."""
        case = self.store.get_case(case_id)
        if case is None:
            known = ", ".join(c.case_id for c in self.store.list_cases()) or "none"
            raise StoreError(f"unknown case '{case_id}' (known cases: {known})")
        return case

    def cases(self) -> list[Case]:
        return self.store.list_cases()

    def add_shipment(
        self,
        case_id: str,
        *,
        shipment_id: str | None = None,
        entry_number: str | None = None,
        goods: str | None = None,
        hs_codes: Sequence[str] = (),
        quantity: float | None = None,
        unit: str | None = None,
        value: float | None = None,
        currency: str | None = None,
        ship_date: date | None = None,
        arrival_date: date | None = None,
        exporter_node: str | None = None,
    ) -> Shipment:
        """Record a shipment (an entry) of the case."""
        case = self.case(case_id)
        sid = shipment_id or entry_number or f"{case_id}-S{len(case.shipments) + 1}"
        sid = _require_id(sid, "shipment id")
        if quantity is not None and quantity < 0:
            raise EvidenceError(f"shipment {sid}: quantity must not be negative")
        if exporter_node and case.chain.node(exporter_node) is None:
            raise EvidenceError(_unknown_node(case, exporter_node))
        if ship_date and arrival_date and arrival_date < ship_date:
            raise EvidenceError(
                f"shipment {sid}: arrival date {arrival_date} is before ship date {ship_date}"
            )
        shipment = Shipment(
            shipment_id=sid,
            case_id=case_id,
            entry_number=entry_number,
            goods=goods,
            hs_codes=tuple(h.strip() for h in hs_codes if h.strip()),
            quantity=quantity,
            unit=unit,
            value=value,
            currency=currency,
            ship_date=ship_date,
            arrival_date=arrival_date,
            exporter_node=exporter_node,
        )
        self.store.add_shipment(shipment)
        self.record_event("case.shipment", case_id, shipment.to_dict())
        return shipment

    def record_detention(
        self,
        case_id: str,
        *,
        notice_date: date,
        shipment_id: str | None = None,
        response_deadline: date | None = None,
        detention_number: str | None = None,
        port: str | None = None,
        regime: str = "us_uflpa",
    ) -> Detention:
        """Record a detention notice; the case's status becomes ``detained``."""
        case = self.case(case_id)
        if shipment_id is None:
            if len(case.shipments) != 1:
                raise EvidenceError(
                    f"case {case_id} has {len(case.shipments)} shipments: name one with --shipment"
                )
            shipment_id = case.shipments[0].shipment_id
        if case.shipment(shipment_id) is None:
            known = ", ".join(s.shipment_id for s in case.shipments) or "none"
            raise EvidenceError(f"case {case_id} has no shipment '{shipment_id}' (known: {known})")
        deadline = response_deadline or notice_date + timedelta(days=DEFAULT_RESPONSE_DAYS)
        if deadline < notice_date:
            raise EvidenceError(
                f"response deadline {deadline} is before the notice date {notice_date}"
            )
        det = Detention(
            detention_id=detention_number or f"{case_id}-D{len(case.detentions) + 1}",
            case_id=case_id,
            shipment_id=shipment_id,
            notice_date=notice_date,
            response_deadline=deadline,
            regime=regime,
            detention_number=detention_number,
            port=port,
        )
        self.store.add_detention(det)
        self.record_event("case.detention", case_id, det.to_dict())
        self._status(case_id, "detained", f"detention notice of {notice_date}")
        return det

    def set_status(self, case_id: str, status: str, note: str | None = None) -> Case:
        """Move the case to a new status (see ``CASE_STATUSES``)."""
        self.case(case_id)
        if status not in CASE_STATUSES:
            raise EvidenceError(f"unknown status '{status}'; known: {', '.join(CASE_STATUSES)}")
        self._status(case_id, status, note)
        return self.case(case_id)

    def _status(self, case_id: str, status: str, note: str | None) -> None:
        self.store.add_status(case_id, StatusChange(status, self.clock(), self.settings.user, note))
        self.record_event("case.status", case_id, {"status": status, "note": note})

    # ------------------------------------------------------------ documents

    def register(
        self,
        path: Path,
        doc_type: str,
        *,
        case_id: str | None = None,
        nodes: Sequence[str] = (),
        edges: Sequence[str] = (),
        lots: Sequence[str] = (),
        shipments: Sequence[str] = (),
        title: str | None = None,
        issuer: str | None = None,
        producer: str | None = None,
        doc_date: date | None = None,
        valid_until: date | None = None,
        quantity: float | None = None,
        unit: str | None = None,
        language: str | None = None,
        translation_of: str | None = None,
    ) -> Document:
        """Register a file as evidence: typed, hashed, copied into the store, audited.

        Raises:
            EvidenceError: missing file, unknown type, node/edge/shipment not in the case,
                a type that cannot cover what is named, inconsistent dates.
            StoreError: the same content (sha256) is already registered, or unknown case.
        """
        path = Path(path)
        if not path.is_file():
            raise EvidenceError(f"{path}: file not found")
        dtype = self.vocabulary.resolve(doc_type)
        case = self.case(case_id) if case_id else None
        coverage = Coverage(
            nodes=_dedupe(nodes),
            edges=_dedupe(edges),
            lots=_dedupe(lots),
            shipments=_dedupe(shipments),
        )
        if coverage.nodes or coverage.edges or coverage.shipments:
            if case is None:
                raise EvidenceError(
                    "--node/--edge/--shipment need --case: they name parts of a case"
                )
            for n in coverage.nodes:
                if case.chain.node(n) is None:
                    raise EvidenceError(_unknown_node(case, n))
            for e in coverage.edges:
                if case.chain.edge(e) is None:
                    known = ", ".join(x.id for x in case.chain.edges) or "none"
                    raise EvidenceError(
                        f"edge '{e}' is not in case {case.case_id}'s chain (edges: {known})"
                    )
            for s in coverage.shipments:
                if case.shipment(s) is None:
                    known = ", ".join(x.shipment_id for x in case.shipments) or "none"
                    raise EvidenceError(
                        f"case {case.case_id} has no shipment '{s}' (known: {known})"
                    )
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
        if translation_of:
            orig = self.store.get_document(translation_of)
            if orig is None or orig.removed:
                raise EvidenceError(f"--translation-of: no registered document '{translation_of}'")
        digest, size = sha256_file(path)
        # The same file twice in one case is a mistake; one policy document reused across
        # cases is not (the stored object is shared: it is content-addressed).
        dup = self.store.find_by_sha256(digest, case_id)
        if dup is not None:
            where = f" in case {case_id}" if case_id else ""
            raise StoreError(
                f"{path}: the same file (sha256 {digest[:12]}…) is already registered{where} as "
                f"{dup.doc_id} ({dup.doc_type}); remove it first to register it differently"
            )
        stored_digest, _ = self.store.files.put(path)
        if stored_digest != digest:
            raise StoreError(f"{path}: file changed while it was being registered")
        doc = Document(
            doc_id=self.store.next_doc_id(),
            sha256=digest,
            doc_type=dtype.id,
            case_id=case_id,
            title=title or path.name,
            filename=path.name,
            size=size,
            issuer=issuer,
            producer=producer,
            doc_date=doc_date,
            valid_until=valid_until,
            quantity=quantity,
            unit=unit,
            language=language,
            translation_of=translation_of,
            coverage=coverage,
            registered_at=self.clock(),
            registered_by=self.settings.user,
            source_path=str(path.resolve()),
        )
        self.store.add_document(doc)
        details = doc.to_dict()
        details.pop("registered_at", None)
        self.record_event("evidence.register", doc.doc_id, details)
        return doc

    def document(self, doc_id: str) -> Document:
        doc = self.store.get_document(doc_id)
        if doc is None:
            raise StoreError(f"unknown document '{doc_id}'")
        return doc

    def documents(
        self,
        case_id: str | None = None,
        *,
        doc_type: str | None = None,
        include_removed: bool = False,
    ) -> list[Document]:
        if case_id:
            self.case(case_id)
        docs = self.store.list_documents(case_id, include_removed=include_removed)
        if doc_type:
            tid = self.vocabulary.resolve(doc_type).id
            docs = [d for d in docs if d.doc_type == tid]
        return docs

    def search(self, query: str, case_id: str | None = None) -> list[Document]:
        """Documents whose id, type, title, file name, issuer, producer, coverage or hash
        contain every word of ``query`` (case-insensitive)."""
        words = [w.casefold() for w in query.split() if w.strip()]
        out = []
        for d in self.documents(case_id):
            hay = " ".join(
                str(x)
                for x in (
                    d.doc_id,
                    d.doc_type,
                    self.vocabulary.get(d.doc_type).label,
                    d.title,
                    d.filename,
                    d.issuer,
                    d.producer,
                    d.sha256,
                    d.doc_date,
                    *d.coverage.nodes,
                    *d.coverage.edges,
                    *d.coverage.lots,
                    *d.coverage.shipments,
                )
                if x
            ).casefold()
            if all(w in hay for w in words):
                out.append(d)
        return out

    def remove(self, doc_id: str, reason: str) -> Document:
        """Withdraw a document from the registry (kept on file; the removal is audited)."""
        if not reason.strip():
            raise EvidenceError("a removal needs a reason (--reason)")
        doc = self.document(doc_id)
        self.store.mark_removed(doc_id, at=self.clock(), by=self.settings.user, reason=reason)
        self.record_event(
            "evidence.remove",
            doc_id,
            {"reason": reason, "sha256": doc.sha256, "case_id": doc.case_id},
        )
        return self.document(doc_id)

    def verify_documents(
        self, case_id: str | None = None, *, check_sources: bool = False
    ) -> list[IntegrityProblem]:
        """Re-hash every stored file; optionally also the original files they came from."""
        problems: list[IntegrityProblem] = []
        for d in self.documents(case_id):
            bad = self.store.files.verify(d.sha256)
            if bad:
                problems.append(
                    IntegrityProblem(d.doc_id, f"{d.doc_id} ({d.filename}): {bad}", True)
                )
            if check_sources and d.source_path:
                src = Path(d.source_path)
                if not src.is_file():
                    problems.append(
                        IntegrityProblem(
                            d.doc_id, f"{d.doc_id}: source {src} no longer exists", False
                        )
                    )
                elif sha256_file(src)[0] != d.sha256:
                    problems.append(
                        IntegrityProblem(
                            d.doc_id,
                            f"{d.doc_id}: source {src} changed after registration; "
                            "register the new version if it is the one to file",
                            False,
                        )
                    )
        return problems

    # ----------------------------------------------------------------- gaps

    def gaps(
        self,
        case_id: str,
        path: str,
        *,
        as_of: date | None = None,
        shipment_id: str | None = None,
        screen: bool = True,
    ) -> GapReport:
        """Gap analysis of a case for ``applicability_review`` or ``exception_request``.

        With ``screen`` (default), the chain is traced first and every party whose own
        findings put it under the detention regime's presumption (Entity List, XUAR) is a
        ``nexus`` gap: blocking for an applicability review, to be rebutted in an exception
        request. A tracing failure is not fatal: it is reported as a minor gap.
        """
        return self._gaps(case_id, path, as_of, shipment_id, screen)[0]

    def _gaps(
        self,
        case_id: str,
        path: str,
        as_of: date | None,
        shipment_id: str | None,
        screen: bool,
    ) -> tuple[GapReport, ScreeningSection]:
        case = self.case(case_id)
        day = as_of or self.clock().date()
        docs = self.documents(case_id)
        altered = [p.doc_id for p in self.verify_documents(case_id) if p.stored]
        section = self.screening(case_id, day) if screen else ScreeningSection(rows=())
        report = analyse(
            case,
            docs,
            path,
            self.vocabulary,
            as_of=day,
            shipment_id=shipment_id,
            altered=altered,
            nexus=dict(section.nexus),
            shortfalls={n: (sev, why) for n, sev, why in section.shortfalls},
        )
        if section.error:
            from laborlens.core.evidence.gaps import Gap

            report = replace(
                report,
                gaps=(
                    *report.gaps,
                    Gap(
                        kind="unknown_reference",
                        severity="minor",
                        subject_type="case",
                        subject_id=case_id,
                        message=f"the chain could not be screened ({section.error}); "
                        "check it with `laborlens trace`",
                    ),
                ),
            )
        return report, section

    def screening(self, case_id: str, as_of: date) -> ScreeningSection:
        """Trace the case's chain (``laborlens.ops.tracing.trace``) and summarise it per party.

        Never raises for a chain the tracer rejects: the section then carries the error.
        """
        from laborlens.core import rules
        from laborlens.ops.screening import index_for, load_lists
        from laborlens.ops.tracing import trace

        case = self.case(case_id)
        regime = case.detentions[-1].regime if case.detentions else "us_uflpa"
        try:
            index = index_for(load_lists())
            result = trace(case.chain.data(), as_of=as_of, index=index)
        except Exception as exc:  # the tracer's input errors vary; report, never crash
            return ScreeningSection(rows=(), error=f"{type(exc).__name__}: {exc}")
        rows: list[ScreeningRow] = []
        nexus: list[tuple[str, str]] = []
        shortfalls: list[tuple[str, str, str]] = []
        balance: list[tuple[str, str, str, str, str, str]] = []
        for n in result.nodes:
            for b in n.mass_balance:
                balance.append(
                    (
                        n.id,
                        b.period or "",
                        b.unit or "",
                        f"{_fmt(b.inputs_untainted)} / {_fmt(b.inputs_tainted)}",
                        _fmt(b.outputs_total),
                        b.status,
                    )
                )
                if b.status == "shortfall":
                    assumed = b.assumed_yield_edges > 0
                    shortfalls.append(
                        (
                            n.id,
                            "major" if assumed else "blocking",
                            (
                                "assumed industry yields, declare the node's own `yield` "
                                "if they differ; "
                                if assumed
                                else ""
                            )
                            + f"the traced mass balance ({b.period or 'all periods'}, with yields) "
                            f"shows a shortfall of {_fmt(b.shortfall)} {b.unit or ''}: "
                            f"{_fmt(b.outputs_claimed_untainted)} claimed untainted output "
                            f"against {_fmt(b.inputs_untainted)} untainted and "
                            f"{_fmt(b.inputs_tainted)} tainted input; untainted claims "
                            "exceed what untainted inputs can make",
                        )
                    )
            # Evaluate the party's *own* findings: which parties create the nexus themselves
            # (inherited taint is shown, but the root is what must be answered).
            own = rules.evaluate(index.regimes, n.findings, country=n.country, as_of=as_of)
            for o in own:
                if o.regime == regime and o.outcome in _PRESUMPTION_OUTCOMES:
                    why = "; ".join(r.text for r in o.reasons) or o.outcome
                    nexus.append((n.id, f"{o.outcome} under {regime}: {why}"))
            rows.append(
                ScreeningRow(
                    node_id=n.id,
                    risk=n.risk,
                    findings=tuple(
                        f"{f.kind}: {f.entry_name or f.label or f.sector or f.good or ''}"
                        + (
                            f" [{f.list}{' ' + f.list_version if f.list_version else ''}]"
                            if f.list
                            else ""
                        )
                        for f in n.findings
                    ),
                    inherited=tuple(
                        f"{i.kind} from {i.source} via {' > '.join(i.path)}" for i in n.inherited
                    ),
                    regimes=tuple((o.regime, o.outcome) for o in n.regimes),
                )
            )
        return ScreeningSection(
            rows=tuple(rows),
            nexus=tuple(nexus),
            shortfalls=tuple(shortfalls),
            balance=tuple(balance),
            list_versions=tuple(result.list_versions),
            algorithms=tuple(result.algorithms),
        )

    # --------------------------------------------------------------- dossier

    def build_dossier(
        self,
        case_id: str,
        path: str,
        output: Path,
        *,
        as_of: date | None = None,
        shipment_id: str | None = None,
        allow_gaps: bool = True,
        force: bool = False,
    ) -> DossierResult:
        """Build the submission package for a case into ``output`` (see adapters/io/dossier.py).

        Raises:
            EvidenceError: a stored exhibit is altered or missing (the package would not be
                truthful), or ``allow_gaps`` is False and blocking gaps remain.
        """
        case = self.case(case_id)
        day = as_of or (case.last_event() or self.clock()).date()
        report, section = self._gaps(case_id, path, day, shipment_id, True)
        altered = [p for p in self.verify_documents(case_id) if p.stored]
        if altered:
            raise EvidenceError(
                "cannot build the dossier: " + "; ".join(p.message for p in altered)
            )
        if not allow_gaps and not report.ready:
            raise EvidenceError(
                f"{report.counts()['blocking']} blocking gap(s) remain; "
                "see `laborlens evidence gaps` (or build a draft without --strict)"
            )
        lists, algos = self.versions()
        head = self._case_anchor(case_id)
        result = dossier.write_dossier(
            output,
            dossier.DossierInput(
                case=case,
                documents=tuple(self.documents(case_id)),
                report=report,
                vocabulary=self.vocabulary,
                screening=section,
                list_versions=tuple(sorted(lists.items())),
                algorithms=algos,
                generated_at=case.last_event() or datetime.combine(day, datetime.min.time(), UTC),
                audit_head=head,
                prepared_by=self.settings.user,
            ),
            self.store.files.path_of,
            force=force,
        )
        self.record_event(
            "dossier.build",
            case_id,
            {
                "path": path,
                "output": str(output),
                "manifest_sha256": result.manifest_sha256,
                "files": result.files,
                "blocking_gaps": report.counts()["blocking"],
            },
        )
        return result


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:,.3f}".rstrip("0").rstrip(".")


#: Regime outcomes that put goods under a presumption / prohibition (rules vocabulary).
_PRESUMPTION_OUTCOMES = frozenset({"presumption", "prohibited_entity"})


@cache
def _bundled_versions() -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The bundled lists' versions and the screening algorithms (fixed for a process)."""
    from laborlens.core import geo, names, products, rules
    from laborlens.core.lists import load_bundled

    lists = tuple((rl.info.list_id, rl.info.version) for rl in load_bundled().lists)
    return lists, (names.ALGORITHM, geo.ALGORITHM, products.ALGORITHM, rules.ALGORITHM)


def _require_id(value: str, what: str) -> str:
    v = (value or "").strip()
    if not v or any(c in v for c in "/\\\n\t"):
        raise EvidenceError(
            f"{what} '{value}' is empty or contains '/', '\\' or control characters"
        )
    return v


def _unknown_node(case: Case, node: str) -> str:
    known = ", ".join(n.id for n in case.chain.nodes)
    return f"node '{node}' is not in case {case.case_id}'s chain (nodes: {known})"


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        for part in str(v).split(","):
            p = part.strip()
            if p and p not in out:
                out.append(p)
    return tuple(out)
