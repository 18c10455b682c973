"""The submission dossier: context (what it shows), HTML, PDF and XLSX renderings, and the
package (exhibits copied, manifest written and verified). See package.py for the layout."""

from __future__ import annotations

from laborlens.adapters.io.dossier.context import DossierInput
from laborlens.adapters.io.dossier.package import (
    MANIFEST,
    DossierError,
    DossierResult,
    verify_dossier,
    write_dossier,
)
from laborlens.adapters.io.dossier.pdf import pdf_text

__all__ = [
    "MANIFEST",
    "DossierError",
    "DossierInput",
    "DossierResult",
    "pdf_text",
    "verify_dossier",
    "write_dossier",
]
