"""Entity matching in the shape of the OpenSanctions ``yente`` API (``POST /match/{dataset}``).

Tools written for yente send entities in FollowTheMoney form (``schema`` plus ``properties``,
each a list of strings) and read back scored candidates. Here the candidates are the entries of
laborlens's lists that the screening matched (listed entities and their related parties); the
dataset is ``default`` (every list) or one list id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from laborlens.core.lists import ListError, ListSet
from laborlens.core.model import Finding, ListEntry
from laborlens.ops import listcache
from laborlens.ops.screening import screen

ALL = "default"

# FollowTheMoney property -> laborlens record field
_NAME_PROPS = ("name",)
_ALIAS_PROPS = ("alias", "weakAlias", "previousName")
_COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "mainCountry")
_REG_PROPS = ("registrationNumber", "taxNumber", "idNumber", "leiCode", "innCode", "ogrnCode")


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: ListEntry
    finding: Finding


def _first(props: Mapping[str, Sequence[str]], keys: Sequence[str]) -> list[str]:
    return [v for k in keys for v in props.get(k, []) if v and v.strip()]


def to_record(props: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """A laborlens input row from FollowTheMoney properties."""
    names = _first(props, _NAME_PROPS)
    aliases = names[1:] + _first(props, _ALIAS_PROPS)
    row: dict[str, Any] = {
        "name": names[0] if names else None,
        "aliases": ";".join(aliases) or None,
        "address": "; ".join(_first(props, ("address",))) or None,
        "country": next(iter(_first(props, _COUNTRY_PROPS)), None),
        "registration_id": next(iter(_first(props, _REG_PROPS)), None),
    }
    return {k: v for k, v in row.items() if v}


def dataset(lists: ListSet, name: str) -> ListSet:
    """The lists a dataset name stands for (``default``: every list)."""
    return lists if name == ALL else listcache.select(lists, [name])


def match(
    lists: ListSet,
    queries: Mapping[str, Mapping[str, Sequence[str]]],
    *,
    as_of: date | None = None,
    limit: int = 5,
) -> dict[str, list[Candidate]]:
    """Candidates per query id, best first (at most ``limit``)."""
    entries = {(e.list_id, e.entry_id): e for rl in lists.lists for e in rl.entries}
    ids = list(queries)
    rows = [to_record(queries[q]) for q in ids]
    usable = [i for i, r in enumerate(rows) if r.get("name") or r.get("registration_id")]
    results = screen([rows[i] for i in usable], as_of=as_of, lists=lists) if usable else []
    out: dict[str, list[Candidate]] = {q: [] for q in ids}
    for i, result in zip(usable, results, strict=True):
        seen: dict[tuple[str, str], Candidate] = {}
        for f in result.findings:
            if f.kind not in ("listed_entity", "related_party") or not f.list or not f.entry_id:
                continue
            entry = entries.get((f.list, f.entry_id))
            key = (f.list, f.entry_id)
            if entry is not None and (key not in seen or f.score > seen[key].finding.score):
                seen[key] = Candidate(entry, f)
        ranked = sorted(seen.values(), key=lambda c: -c.finding.score)
        out[ids[i]] = ranked[:limit]
    return out


def properties(entry: ListEntry) -> dict[str, list[str]]:
    """An entry's facts as FollowTheMoney properties."""
    props: dict[str, list[str]] = {"name": [entry.name]}
    for key, values in (("alias", entry.aliases), ("country", entry.countries),
                        ("address", entry.addresses), ("program", entry.programs)):  # fmt: skip
        if values:
            props[key] = list(values)
    if entry.effective_date:
        props["startDate"] = [entry.effective_date.isoformat()]
    if entry.end_date:
        props["endDate"] = [entry.end_date.isoformat()]
    return props


__all__ = ["ALL", "Candidate", "ListError", "dataset", "match", "properties", "to_record"]
