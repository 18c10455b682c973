"""The knowledge base of listed parties (``resources/kb``): what the official lists do not print.

Registered Chinese names (simplified and traditional), short and former names, trade names,
stock tickers, USCCs, parents and subsidiaries and addresses of the parties on the forced-labour
lists, each fact with its public source. Public entry points:

    load_kb(texts=None) -> KnowledgeBase          # the bundled files (or given ones), validated
    unresolved(kb, lists) -> list[str]             # KB entities not found on their list
    build_index(kb, lists) -> KBIndex               # names, exact keys and related parties
    annotate(kbi, record, findings, as_of) -> list[Finding]
    tickers.notations(ticker) / tickers.parse(text)
"""

from __future__ import annotations

from laborlens.core.kb import tickers
from laborlens.core.kb.index import (
    ALGORITHM,
    KBIndex,
    KBLink,
    annotate,
    build_index,
    resolve,
    unresolved,
)
from laborlens.core.kb.load import KB_LISTS, load_kb
from laborlens.core.kb.schema import (
    KINDS,
    NAME_KINDS,
    RELATED_KINDS,
    SCHEMA,
    KBEntity,
    KBError,
    KBFact,
    KnowledgeBase,
    parse_file,
    traditional_forms,
)

__all__ = [
    "ALGORITHM",
    "KB_LISTS",
    "KINDS",
    "NAME_KINDS",
    "RELATED_KINDS",
    "SCHEMA",
    "KBEntity",
    "KBError",
    "KBFact",
    "KBIndex",
    "KBLink",
    "KnowledgeBase",
    "annotate",
    "build_index",
    "load_kb",
    "parse_file",
    "resolve",
    "tickers",
    "traditional_forms",
    "unresolved",
]
