"""The knowledge base applied to the lists in use: extra names, exact keys and related parties.

:func:`build_index` resolves every KB entity to the list entries it describes (by the name the
official list printed) and gives the name matcher those entries with the KB's names added as
aliases — each alias remembered with the fact and source it came from — plus one extra entry per
parent or subsidiary (matched like any name, reported as a related party). Stock tickers and
USCCs are exact keys, looked up in every notation. Entries of a user's own list whose name is
one of a KB entity's known names inherit its facts. :func:`annotate` turns the matcher's
findings into explained ones: which known fact linked the record to the entry, and its source.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from laborlens.core.kb import tickers
from laborlens.core.kb.schema import NAME_KINDS, RELATED_KINDS, KBEntity, KBFact, KnowledgeBase
from laborlens.core.lists import ListSet
from laborlens.core.model import Finding, ListEntry, Record
from laborlens.core.sources.common import name_key
from laborlens.core.sources.uflpa import parse_cell

ALGORITHM = "kb-v1"
#: Record columns (lower-case header words) that hold a ticker.
TICKER_HEADERS = ("ticker", "stock", "symbol", "证券代码", "股票代码", "證券代碼", "股份代號")
_RELATED = "~kb-"


@dataclass(frozen=True, slots=True)
class KBLink:
    """Where a name or key of an entry came from: a KB fact about a KB entity."""

    fact: KBFact
    entity: str
    kb_list: str
    inherited: bool = False

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.fact.kind,
            "value": self.fact.value,
            "source": self.fact.source,
            "kb_entity": self.entity,
            "kb_list": self.kb_list,
        }
        if self.fact.source_title:
            out["source_title"] = self.fact.source_title
        if self.fact.derived:
            out["derived_from"] = self.fact.derived_from
        if self.fact.valid_from:
            out["valid_from"] = self.fact.valid_from.isoformat()
        if self.fact.valid_to:
            out["valid_to"] = self.fact.valid_to.isoformat()
        if self.inherited:
            out["inherited"] = True
        return out

    def sentence(self) -> str:
        text = f"known fact: {self.fact.label()} (source: {self.fact.source})"
        if self.inherited:
            text += (
                f"; the entry bears the name of '{self.entity}' ({self.kb_list}) and inherits "
                "its knowledge-base facts"
            )
        return text


@dataclass(frozen=True, slots=True, eq=False)
class KBIndex:
    """The KB resolved against one list set (immutable, picklable)."""

    #: every party entry to index: list entries with KB names added, plus related parties
    entries: tuple[ListEntry, ...]
    #: (list id, entry id, name) -> the fact that name came from
    names: Mapping[tuple[str, str, str], KBLink]
    #: "T:<ticker>" / "U:<uscc>" -> the entries it identifies, with the fact
    exact: Mapping[str, tuple[tuple[ListEntry, KBLink], ...]]
    #: (list id, related-party entry id) -> (the listed entry, the parent/subsidiary fact)
    related: Mapping[tuple[str, str], tuple[ListEntry, KBLink]]
    versions: Mapping[str, str]


def _published_names(e: ListEntry) -> list[str]:
    out = list(e.names())
    for key in ("entity_as_listed",):
        if (v := e.prop(key)) is not None:
            out.append(v)
    for cell in (e.prop("names_as_published") or "").split(" | "):
        if cell:
            out += [cell, parse_cell(cell).name]
    return out


def _by_key(entries: Iterable[ListEntry]) -> dict[str, list[ListEntry]]:
    out: dict[str, list[ListEntry]] = {}
    for e in entries:
        for n in _published_names(e):
            bucket = out.setdefault(name_key(n), [])
            if e not in bucket:
                bucket.append(e)
    return out


def resolve(
    kb: KnowledgeBase, lists: ListSet
) -> dict[tuple[str, str], list[tuple[KBEntity, bool]]]:
    """(list id, entry id) -> the KB entities describing that entry (``True``: inherited).

    An entry is described by the KB file of its own list when that file names it (by any name
    the list printed); any other entry — of a user's list, or of another official list — whose
    name is one of a KB entity's known names inherits that entity's facts.
    """
    out: dict[tuple[str, str], list[tuple[KBEntity, bool]]] = {}
    keys = {rl.info.list_id: _by_key(rl.entries) for rl in lists.lists}
    identity: dict[str, KBEntity] = {}
    for ent in kb.entities:
        for e in keys.get(ent.list_id, {}).get(name_key(ent.name), []):
            out.setdefault((e.list_id, e.entry_id), []).append((ent, False))
            for n in e.names():
                identity.setdefault(name_key(n), ent)
        for f in ent.of(*NAME_KINDS):
            identity.setdefault(name_key(f.value), ent)
        identity.setdefault(name_key(ent.name), ent)
    for rl in lists.lists:
        for e in rl.entries:
            if (e.list_id, e.entry_id) in out or e.schema in ("Order", "Good"):
                continue
            found = {id(x): x for n in e.names() if (x := identity.get(name_key(n)))}
            for ent in found.values():
                out.setdefault((e.list_id, e.entry_id), []).append((ent, True))
    return out


def unresolved(kb: KnowledgeBase, lists: ListSet) -> list[str]:
    """A message for every KB entity whose name is not on its list (lists present only)."""
    keys = {rl.info.list_id: _by_key(rl.entries) for rl in lists.lists}
    return [
        f"{ent.file}: entity '{ent.name}' does not resolve to an entry of {ent.list_id}"
        for ent in kb.entities
        if ent.list_id in keys and name_key(ent.name) not in keys[ent.list_id]
    ]


def _augment(
    e: ListEntry, described: Sequence[tuple[KBEntity, bool]]
) -> tuple[ListEntry, list[tuple[str, KBLink]]]:
    aliases = list(e.aliases)
    known = {n.casefold() for n in e.names()}
    since = dict(e.name_since)
    addresses = list(e.addresses)
    links: list[tuple[str, KBLink]] = []
    for ent, inherited in described:
        for f in ent.facts:
            link = KBLink(f, ent.name, ent.list_id, inherited)
            if f.kind in NAME_KINDS:
                links.append((f.value, link))
                if f.value.casefold() not in known:
                    known.add(f.value.casefold())
                    aliases.append(f.value)
                    if f.valid_from and (
                        e.effective_date is None or f.valid_from > e.effective_date
                    ):
                        since[f.value] = f.valid_from
            elif f.kind == "address" and f.value not in addresses:
                addresses.append(f.value)
    new = dataclasses.replace(
        e, aliases=tuple(aliases), addresses=tuple(addresses), name_since=tuple(since.items())
    )
    return new, links


def _related_entry(e: ListEntry, link: KBLink, n: int) -> ListEntry:
    f = link.fact
    start = (
        max(d for d in (e.effective_date, f.valid_from) if d)
        if (e.effective_date or f.valid_from)
        else None
    )
    ends = [d for d in (e.end_date, f.valid_to) if d]
    return ListEntry(
        list_id=e.list_id,
        entry_id=f"{e.entry_id}{_RELATED}{f.kind}-{n}",
        name=f.value,
        schema="Company",
        countries=e.countries,
        effective_date=start,
        end_date=min(ends) if ends else None,
        properties=(("kb_relation", f.kind), ("kb_related_to", e.entry_id)),
        source=f.source,
    )


def build_index(kb: KnowledgeBase, lists: ListSet) -> KBIndex:
    """Resolve the KB against ``lists`` (see the module docstring)."""
    described = resolve(kb, lists)
    entries: list[ListEntry] = []
    names: dict[tuple[str, str, str], KBLink] = {}
    exact: dict[str, list[tuple[ListEntry, KBLink]]] = {}
    related: dict[tuple[str, str], tuple[ListEntry, KBLink]] = {}
    extra: list[ListEntry] = []
    for e in lists.entities():
        found = described.get((e.list_id, e.entry_id))
        if not found:
            entries.append(e)
            continue
        new, links = _augment(e, found)
        entries.append(new)
        for value, link in links:
            names.setdefault((e.list_id, e.entry_id, value), link)
        n = 0
        for ent, inherited in found:
            for f in ent.facts:
                link = KBLink(f, ent.name, ent.list_id, inherited)
                if f.kind == "ticker":
                    exact.setdefault(f"T:{f.value}", []).append((new, link))
                elif f.kind == "uscc":
                    exact.setdefault(f"U:{f.value.upper()}", []).append((new, link))
                elif f.kind in RELATED_KINDS:
                    n += 1
                    rel = _related_entry(new, link, n)
                    extra.append(rel)
                    related[(rel.list_id, rel.entry_id)] = (new, link)
    return KBIndex(
        entries=tuple(entries + extra),
        names=names,
        exact={k: tuple(v) for k, v in exact.items()},
        related=related,
        versions={rl.info.list_id: rl.info.version for rl in lists.lists},
    )


# --- findings ----------------------------------------------------------------------------------


def _detail(f: Finding, key: str) -> Any:
    for k, v in f.details:
        if k == key:
            return v
    return None


def _explained(f: Finding, link: KBLink) -> Finding:
    return dataclasses.replace(
        f,
        why=f"{f.why}; {link.sentence()}",
        details=(*f.details, ("kb_fact", link.details())),
    )


def _as_related(f: Finding, base: ListEntry, link: KBLink) -> Finding:
    relation = "parent" if link.fact.kind == "parent" else "subsidiary"
    query = _detail(f, "query") or f.matched_name
    why = (
        f"{f.field or 'name'} '{query}' names {link.fact.value!r}, the {relation} of "
        f"'{base.name}' ({base.list_id}) according to the knowledge base (source: "
        f"{link.fact.source}); a related party, not the listed entity itself"
    )
    return dataclasses.replace(
        f,
        kind="related_party",
        entry_id=base.entry_id,
        entry_name=base.name,
        effective_date=base.effective_date,
        match=None,
        score=round(min(f.score, 0.8), 4),
        why=why,
        details=(*f.details, ("basis", f"kb_{relation}"), ("kb_fact", link.details())),
    )


def _cells(record: Record) -> list[tuple[str, str, bool]]:
    """(column, text, bare numbers allowed) of the record cells that may hold a ticker/USCC."""
    out = [("name", record.name or "", True)] if record.name else []
    out += [("aliases", a, True) for a in record.aliases]
    if record.registration_id:
        out.append(("registration_id", record.registration_id, False))
    out += [
        (k, v, True) for k, v in record.extra if v and any(h in k.lower() for h in TICKER_HEADERS)
    ]
    return out


def _exact(kbi: KBIndex, record: Record, as_of: date) -> list[Finding]:
    out = []
    for column, text, bare in _cells(record):
        keys = [f"T:{t}" for t in sorted(tickers.parse(text, bare=bare))]
        reg = "".join(ch for ch in text.upper() if ch.isalnum())
        if len(reg) == 18:
            keys.append(f"U:{reg}")
        for key in keys:
            for e, link in kbi.exact.get(key, ()):
                if not e.in_force(as_of) or (link.fact.valid_from and as_of < link.fact.valid_from):
                    continue
                what = "stock ticker" if key.startswith("T:") else "Unified Social Credit Code"
                out.append(
                    Finding(
                        kind="listed_entity",
                        why=(
                            f"{column} '{text}' is the {what} {link.fact.value} of "
                            f"'{e.name}' ({e.list_id}); {link.sentence()}"
                        ),
                        score=1.0,
                        list=e.list_id,
                        list_version=kbi.versions.get(e.list_id),
                        entry_id=e.entry_id,
                        entry_name=e.name,
                        match="strong",
                        matched_name=link.fact.value,
                        effective_date=e.effective_date,
                        field=column,
                        algorithm=ALGORITHM,
                        details=(
                            ("query", text),
                            ("query_field", column),
                            ("kb_fact", link.details()),
                        ),
                    )
                )
    return out


def annotate(
    kbi: KBIndex, record: Record, findings: Sequence[Finding], as_of: date
) -> list[Finding]:
    """The matcher's findings explained by the KB, plus exact ticker/USCC findings.

    A finding on a KB name says which fact linked it (and, for a user-list entry, that it
    inherited the name); a finding on a parent or subsidiary becomes a ``related_party``
    finding on the listed entry; one finding per entry is kept (the strongest).
    """
    best: dict[tuple[str | None, str | None], Finding] = {}
    for f in [*findings, *_exact(kbi, record, as_of)]:
        rel = kbi.related.get((f.list, f.entry_id)) if f.list and f.entry_id else None
        if rel is not None:
            if f.match != "strong" and f.kind != "related_party":
                continue  # a parent merely resembling the record says too little
            f = _as_related(f, *rel)
        elif f.algorithm != ALGORITHM and f.list and f.entry_id:
            query = _detail(f, "query")
            link = kbi.names.get((f.list, f.entry_id, str(query))) or kbi.names.get(
                (f.list, f.entry_id, f.matched_name or "")
            )
            if link is not None:
                f = _explained(f, link)
        key = (f.list, f.entry_id)
        prev = best.get(key)
        if prev is None or _rank(f) > _rank(prev):
            best[key] = f
    return sorted(best.values(), key=lambda f: (-_rank(f)[0], -_rank(f)[1]))


def _rank(f: Finding) -> tuple[float, float]:
    """Strong listed > a parent/subsidiary the KB names > possible listed > other related."""
    if f.kind == "listed_entity":
        return (3 if f.match == "strong" else 2, f.score)
    if f.kind == "related_party":
        basis = _detail(f, "basis")
        return (2.5 if isinstance(basis, str) and basis.startswith("kb_") else 1, f.score)
    return (0, f.score)
