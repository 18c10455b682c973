"""Name matching of records against list entries (interim exact matcher; see issue 3).

Public entry points (stable; the screening pipeline calls only these):
    build_name_index(entries, infos) -> NameIndex
    match_names(index, record, as_of) -> list[Finding]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from laborlens.core.model import Finding, ListEntry, ListInfo, Record

ALGORITHM = "names-v0"

_LEGAL = re.compile(
    r"\b(co|company|ltd|limited|inc|corp|corporation|llc|group|joint stock)\b|有限公司|股份|集团"
)


def normalize(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    text = _LEGAL.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class NameIndex:
    by_key: Mapping[str, tuple[tuple[ListEntry, str], ...]]
    versions: Mapping[str, str]


def build_name_index(entries: Iterable[ListEntry], infos: Mapping[str, ListInfo]) -> NameIndex:
    by_key: dict[str, list[tuple[ListEntry, str]]] = {}
    for e in entries:
        if e.schema in ("Order", "Good"):
            continue
        for n in e.names():
            key = normalize(n)
            if key:
                by_key.setdefault(key, []).append((e, n))
    return NameIndex({k: tuple(v) for k, v in by_key.items()},
                     {k: v.version for k, v in infos.items()})


def match_names(index: NameIndex, record: Record, as_of: date) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for q in (record.name, *record.aliases):
        if not q:
            continue
        for entry, ref in index.by_key.get(normalize(q), ()):
            if not entry.in_force(as_of) or (entry.list_id, entry.entry_id) in seen:
                continue
            seen.add((entry.list_id, entry.entry_id))
            out.append(Finding(
                kind="listed_entity", list=entry.list_id,
                list_version=index.versions.get(entry.list_id), entry_id=entry.entry_id,
                entry_name=entry.name, matched_name=ref, score=1.0, match="strong",
                effective_date=entry.effective_date, field="name", algorithm=ALGORITHM,
                why=f"name '{q}' equals '{ref}' after normalisation",
            ))
    return out
