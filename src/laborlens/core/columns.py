"""Column synonyms and column words, from ``resources/columns.yaml`` (data, not code)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from laborlens.core import resources
from laborlens.core.resources import ResourceError

_FILE = "columns.yaml"
SECTIONS: tuple[str, ...] = ("record", "chain_node", "chain_edge", "relation_types", "declared")


@cache
def synonyms(section: str) -> Mapping[str, tuple[str, ...]]:
    """Canonical column (or word) -> its synonyms, in file order, for one section.

    Raises:
        ResourceError: the file or the section is malformed (the message names the field).
    """
    data = resources.read_yaml(_FILE)
    if not isinstance(data, Mapping) or data.get("schema_version") != 1:
        raise ResourceError(f"{_FILE}: field 'schema_version': expected 1")
    body = data.get(section)
    if section not in SECTIONS or not isinstance(body, Mapping):
        raise ResourceError(f"{_FILE}: field '{section}': expected a mapping")
    out: dict[str, tuple[str, ...]] = {}
    for canonical, words in body.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ResourceError(f"{_FILE}: field '{section}.{canonical}': expected a list of text")
        out[str(canonical)] = tuple(words)
    return out


@cache
def lookup(section: str) -> Mapping[str, str]:
    """Synonym -> canonical column for one section (the first canonical wins a shared word)."""
    table: dict[str, str] = {}
    for canonical, words in synonyms(section).items():
        for w in words:
            table.setdefault(w, canonical)
    return table
