"""Cross-script name matching of records against list entries (``names-v2``).

Public entry points (stable; the screening pipeline calls these):
    build_name_index(entries, infos) -> NameIndex
    match_names(index, record, as_of, config=None) -> list[Finding]
    match_record(index, record, as_of, config=None) -> NameResult (findings and row errors)
    compare_names(index, a, b) -> Comparison (two free-text names, for tests and ``trace``)

This module only re-exports; see docs/names.md for the algorithm, the bands and thresholds.
"""

from __future__ import annotations

from laborlens.core.names.analysis import NameAnalysis, Token, analyse
from laborlens.core.names.blocking import candidates
from laborlens.core.names.compare import Comparison
from laborlens.core.names.config import ALGORITHM, DEFAULT_CONFIG, MatchConfig, band
from laborlens.core.names.features import Part
from laborlens.core.names.index import NameIndex, RefName, build_name_index
from laborlens.core.names.lexicon import Lexicon, load_lexicon
from laborlens.core.names.matcher import (
    NameResult,
    clear_caches,
    compare_names,
    explain,
    match_names,
    match_record,
)

__all__ = [
    "ALGORITHM",
    "DEFAULT_CONFIG",
    "Comparison",
    "Lexicon",
    "MatchConfig",
    "NameAnalysis",
    "NameIndex",
    "NameResult",
    "Part",
    "RefName",
    "Token",
    "analyse",
    "band",
    "build_name_index",
    "candidates",
    "clear_caches",
    "compare_names",
    "explain",
    "load_lexicon",
    "match_names",
    "match_record",
]
