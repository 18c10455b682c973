"""The evidence operations of the Python API: cases, the document registry, gaps, dossiers, audit.

Everything goes through an :class:`EvidenceService` bound to one store (DuckDB under
``settings.data_dir`` by default). Every change is recorded in the append-only audit log with the
acting user (``settings.user``), the time, the bundled list versions and the algorithm versions.
The rules a case, a shipment or a document must satisfy are pure functions of
:mod:`laborlens.core.evidence.cases`; this module applies them and stores the result.

Example:
    >>> from laborlens.ops.evidence import EvidenceService           # doctest: +SKIP
    >>> svc = EvidenceService(Settings(data_dir=Path("work")))       # doctest: +SKIP
    >>> svc.create_case("C1", Path("chain.json"))                    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from laborlens.adapters.io.dossier import (
    DossierError,
    DossierInput,
    DossierResult,
    verify_dossier,
    write_dossier,
)
from laborlens.adapters.store import Store, StoreError, open_store, sha256_file
from laborlens.core import rules
from laborlens.core.chain import load_tables
from laborlens.core.evidence import audit as audit_chain
from laborlens.core.evidence import cases
from laborlens.core.evidence.gaps import analyse
from laborlens.core.evidence.model import (
    CASE_STATUSES,
    RESPONSE_PATHS,
    Case,
    Coverage,
    Detention,
    Document,
    EvidenceError,
    Shipment,
    StatusChange,
)
from laborlens.core.evidence.report import ALGORITHM as GAPS_ALGORITHM
from laborlens.core.evidence.report import GapReport
from laborlens.core.evidence.screening import CaseScreening, summarise
from laborlens.core.evidence.vocabulary import Vocabulary, load_vocabulary
from laborlens.core.resources import ResourceError
from laborlens.ops.tracing import ChainArg, ChainInputError, load_chain
from laborlens.settings import Settings

__all__ = [
    "CASE_STATUSES",
    "DEFAULT_RESPONSE_DAYS",
    "RESPONSE_PATHS",
    "CaseScreening",
    "Document",
    "DossierError",
    "EvidenceError",
    "EvidenceService",
    "IntegrityProblem",
    "ResourceError",
    "StoreError",
    "load_vocabulary",
    "verify_dossier",
]

DEFAULT_RESPONSE_DAYS = cases.DEFAULT_RESPONSE_DAYS


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

    def create_case(self, case_id: str, chain: ChainArg, *, title: str | None = None) -> Case:
        """Open a case on a chain: a file (JSON, CSV folder, FtM), a mapping or a chain (a
        snapshot is kept with the case; it must have no row problem)."""
        source = Path(chain).name if isinstance(chain, str | Path) else None
        try:
            built = load_chain(chain, require_ids=True)
        except ChainInputError as exc:
            raise EvidenceError(str(exc)) from exc
        now = self.clock()
        case = cases.new_case(
            case_id, built, title=title, source=source, at=now, by=self.settings.user
        )
        if self.store.get_case(case.case_id) is not None:
            raise StoreError(f"case '{case.case_id}' already exists")
        self.store.put_case(case)
        self.record_event(
            "case.create",
            case.case_id,
            {
                "title": title,
                "chain_sha256": built.sha256(),
                "chain_source": source,
                "nodes": len(built.nodes),
                "edges": len(built.material_edges()),
            },
        )
        return self.case(case.case_id)

    def case(self, case_id: str) -> Case:
        """The case, or :class:`StoreError` naming the known cases."""
        case = self.store.get_case(case_id)
        if case is None:
            known = ", ".join(c.case_id for c in self.store.list_cases()) or "none"
            raise StoreError(f"unknown case '{case_id}' (known cases: {known})")
        return case

    def cases(self) -> list[Case]:
        return self.store.list_cases()

    def tiers(self, case: Case) -> dict[str, int]:
        """Tier of each party of the case's chain (0 the importer, 1 its suppliers …)."""
        return case.chain.tiers(load_tables().importer_roles)

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
        shipment = cases.check_shipment(
            case,
            Shipment(
                shipment_id=cases.shipment_id(case, shipment_id, entry_number),
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
            ),
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
        det = cases.new_detention(
            self.case(case_id),
            notice_date=notice_date,
            shipment_id=shipment_id,
            response_deadline=response_deadline,
            detention_number=detention_number,
            port=port,
            regime=regime,
        )
        self.store.add_detention(det)
        self.record_event("case.detention", case_id, det.to_dict())
        self._status(case_id, "detained", f"detention notice of {notice_date}")
        return det

    def set_status(self, case_id: str, status: str, note: str | None = None) -> Case:
        """Move the case to a new status (see ``CASE_STATUSES``)."""
        self.case(case_id)
        self._status(case_id, cases.check_status(status), note)
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
            nodes=cases.split_ids(nodes),
            edges=cases.split_ids(edges),
            lots=cases.split_ids(lots),
            shipments=cases.split_ids(shipments),
        )
        cases.check_document(
            case, dtype, coverage, doc_date=doc_date, valid_until=valid_until, quantity=quantity
        )
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
        words = [w for w in query.split() if w.strip()]
        return [
            d
            for d in self.documents(case_id)
            if cases.matches(d, words, self.vocabulary.get(d.doc_type).label)
        ]

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

        With ``screen`` (default), the chain is traced first: every party whose own findings
        put it under the detention regime's presumption (Entity List, XUAR) is a ``nexus`` gap
        (blocking for an applicability review, to be rebutted in an exception request), and
        tainted parties count as tainted input in the mass balance. A tracing failure is not
        fatal: it is reported as a minor gap.
        """
        return self._gaps(case_id, path, as_of, shipment_id, screen)[0]

    def _gaps(
        self,
        case_id: str,
        path: str,
        as_of: date | None,
        shipment_id: str | None,
        screen: bool,
    ) -> tuple[GapReport, CaseScreening]:
        case = self.case(case_id)
        day = as_of or self.clock().date()
        section = self.screening(case_id, day) if screen else CaseScreening()
        report = analyse(
            case,
            self.documents(case_id),
            path,
            self.vocabulary,
            as_of=day,
            shipment_id=shipment_id,
            altered=[p.doc_id for p in self.verify_documents(case_id) if p.stored],
            screening=section if screen else None,
        )
        return report, section

    def screening(self, case_id: str, as_of: date) -> CaseScreening:
        """Trace the case's chain (``laborlens.ops.tracing.trace``) and summarise it per party.

        Never raises for a chain the tracer rejects: the summary then carries the error.
        """
        from laborlens.ops.screening import index_for, load_lists
        from laborlens.ops.tracing import trace

        case = self.case(case_id)
        regime = case.detentions[-1].regime if case.detentions else "us_uflpa"
        try:
            index = index_for(load_lists())
            result = trace(case.chain, as_of=as_of, index=index)
        except Exception as exc:  # the tracer's input errors vary; report, never crash
            return CaseScreening(error=f"{type(exc).__name__}: {exc}")
        return summarise(result, index.regimes, regime, as_of)

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
        """Build the submission package for a case into ``output`` (see adapters/io/dossier).

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
        result = write_dossier(
            output,
            DossierInput(
                case=case,
                documents=tuple(self.documents(case_id)),
                report=report,
                vocabulary=self.vocabulary,
                screening=section,
                list_versions=tuple(sorted(lists.items())),
                algorithms=algos,
                generated_at=case.last_event() or datetime.combine(day, datetime.min.time(), UTC),
                audit_head=self._case_anchor(case_id),
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


@cache
def _bundled_versions() -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The bundled lists' versions and the screening algorithms (fixed for a process)."""
    from laborlens.core import geo, names, products
    from laborlens.core.lists import load_bundled

    lists = tuple((rl.info.list_id, rl.info.version) for rl in load_bundled().lists)
    return lists, (names.ALGORITHM, geo.ALGORITHM, products.ALGORITHM, rules.ALGORITHM)
