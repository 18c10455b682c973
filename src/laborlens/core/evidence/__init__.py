"""Evidence: document vocabulary, cases, gap analysis, dossier manifest and audit-chain logic.

Pure logic only: the store adapter (``laborlens.adapters.store``) persists documents, cases and
the audit log; ``laborlens.adapters.io.dossier`` writes the submission package; the Python API is
``laborlens.ops.evidence``. A case holds the package's one chain model,
:class:`laborlens.core.chain.Chain`.
"""

from __future__ import annotations

from laborlens.core.evidence.audit import AuditRecord, AuditVerification, make_record, verify
from laborlens.core.evidence.gaps import analyse
from laborlens.core.evidence.manifest import build_manifest, manifest_hash, verify_manifest
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
from laborlens.core.evidence.report import ALGORITHM, BalanceEntry, Gap, GapReport
from laborlens.core.evidence.requirements import names_match
from laborlens.core.evidence.screening import CaseScreening, ScreeningRow, summarise
from laborlens.core.evidence.vocabulary import (
    DocumentType,
    UnknownDocumentTypeError,
    Vocabulary,
    load_vocabulary,
)

__all__ = [
    "ALGORITHM",
    "CASE_STATUSES",
    "RESPONSE_PATHS",
    "AuditRecord",
    "AuditVerification",
    "BalanceEntry",
    "Case",
    "CaseScreening",
    "Coverage",
    "Detention",
    "Document",
    "DocumentType",
    "EvidenceError",
    "Gap",
    "GapReport",
    "ScreeningRow",
    "Shipment",
    "StatusChange",
    "UnknownDocumentTypeError",
    "Vocabulary",
    "analyse",
    "build_manifest",
    "load_vocabulary",
    "make_record",
    "manifest_hash",
    "names_match",
    "summarise",
    "verify",
    "verify_manifest",
]
