"""Evidence: cases, document vocabulary, gap analysis, trace summaries, dossier manifest and the
audit hash chain.

Pure logic only: the store adapter (``laborlens.adapters.store``) persists documents, cases and
the audit log; ``laborlens.adapters.io.dossier`` writes the submission package; the Python API is
``laborlens.ops.evidence``. A case holds the package's one chain model,
:class:`laborlens.core.chain.Chain`. The modules: ``model`` (cases, documents), ``cases`` (the
rules of a case's life), ``vocabulary``, ``gaps`` (over ``subjects``, ``requirements``,
``quantities``; reported as ``report``), ``screening``, ``manifest``, ``audit``.
"""

from __future__ import annotations

from laborlens.core.evidence.gaps import analyse
from laborlens.core.evidence.model import Case, Document, EvidenceError
from laborlens.core.evidence.report import ALGORITHM, Gap, GapReport
from laborlens.core.evidence.requirements import names_match
from laborlens.core.evidence.screening import CaseScreening
from laborlens.core.evidence.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "ALGORITHM",
    "Case",
    "CaseScreening",
    "Document",
    "EvidenceError",
    "Gap",
    "GapReport",
    "Vocabulary",
    "analyse",
    "load_vocabulary",
    "names_match",
]
