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

from collections.abc import Mapping

import yaml

from laborlens.core import resources
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

FOLDER = "kb"
#: The lists a KB file may describe.
KB_LISTS = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_bis_entity_list")

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

_BUNDLED: KnowledgeBase | None = None


def _parse(texts: Mapping[str, str]) -> KnowledgeBase:
    entities = []
    for name, text in sorted(texts.items()):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise KBError(f"{name}: invalid YAML: {exc}") from exc
        entities += parse_file(name, data, KB_LISTS)
    return KnowledgeBase(tuple(entities))


def load_kb(texts: Mapping[str, str] | None = None) -> KnowledgeBase:
    """The knowledge base: the bundled ``resources/kb/*.yaml`` files, or ``texts``
    (``{file name: YAML text}``, for tests and drafts), validated.

    Raises:
        KBError: a file is malformed; the message names the file, the entity and the fact.
    """
    global _BUNDLED  # noqa: PLW0603 - immutable, loaded once per process
    if texts is not None:
        return _parse(texts)
    if _BUNDLED is None:
        files = [f for f in resources.list_dir(FOLDER) if f.endswith((".yaml", ".yml"))]
        _BUNDLED = _parse({f: resources.read_text(f"{FOLDER}/{f}") for f in files})
    return _BUNDLED
