"""What changed between two versions of a list: additions, removals, renames and changes.

Entries are paired by entry id; an entry that disappears while a new entry names it among its
former names or aliases (a rename by a later notice) is reported as a rename, not as a removal
plus an addition. Pure: both versions are given as entry tuples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from laborlens.core.model import ListEntry
from laborlens.core.sources.common import name_key

#: The facts of an entry compared for "changed" (besides its names).
_FIELDS = ("effective_date", "end_date", "programs", "countries", "schema", "subsidiaries")


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``kind`` is added, removed, renamed or changed."""

    kind: str
    entry_id: str
    name: str
    old_name: str | None = None
    details: tuple[str, ...] = ()

    def text(self) -> str:
        if self.kind == "renamed":
            return f"renamed   {self.old_name!r} -> {self.name!r}"
        if self.kind == "changed":
            return f"changed   {self.name!r}: {'; '.join(self.details)}"
        return f"{self.kind:<9} {self.name!r}" + (
            f" ({'; '.join(self.details)})" if self.details else ""
        )


@dataclass(frozen=True, slots=True)
class ListDiff:
    list_id: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...] = field(default=())

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _facts(e: ListEntry) -> dict[str, str]:
    out = {f: str(getattr(e, f)) for f in _FIELDS}
    out["aliases"] = "; ".join(sorted(e.aliases))
    out["status"] = e.prop("status") or ""
    return out


def _listed(e: ListEntry) -> str:
    return f"listed {e.effective_date}" if e.effective_date else "undated"


def diff_entries(
    list_id: str,
    old: Sequence[ListEntry],
    new: Sequence[ListEntry],
    *,
    old_version: str = "",
    new_version: str = "",
) -> ListDiff:
    """The changes from ``old`` to ``new`` (see the module docstring), in a stable order."""
    old_by = {e.entry_id: e for e in old}
    new_by = {e.entry_id: e for e in new}
    gone = [e for k, e in old_by.items() if k not in new_by]
    came = [e for k, e in new_by.items() if k not in old_by]
    changes: list[Change] = []
    # a new entry that lists a vanished entry's name among its names is that entry, renamed
    known = {name_key(n): e for e in came for n in e.names()}
    renamed_new: set[str] = set()
    for e in gone:
        successor = next((known[k] for n in e.names() if (k := name_key(n)) in known), None)
        if successor is not None and successor.entry_id not in renamed_new:
            renamed_new.add(successor.entry_id)
            changes.append(Change("renamed", successor.entry_id, successor.name, e.name))
        else:
            changes.append(Change("removed", e.entry_id, e.name, details=(_listed(e),)))
    for e in came:
        if e.entry_id not in renamed_new:
            changes.append(Change("added", e.entry_id, e.name, details=(_listed(e),)))
    for k, e in new_by.items():
        before = old_by.get(k)
        if before is None:
            continue
        if before.name != e.name:
            changes.append(Change("renamed", k, e.name, before.name))
        a, b = _facts(before), _facts(e)
        moved = tuple(f"{f}: {a[f] or '-'} -> {b[f] or '-'}" for f in a if a[f] != b[f])
        if moved:
            changes.append(Change("changed", k, e.name, details=moved))
    order = {"added": 0, "removed": 1, "renamed": 2, "changed": 3}
    changes.sort(key=lambda c: (order[c.kind], c.name.casefold()))
    return ListDiff(list_id, old_version, new_version, tuple(changes))
