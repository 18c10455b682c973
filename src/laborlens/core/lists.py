"""Reference lists: the bundled official lists and user lists, as immutable entry sets.

The bundled lists are built by ``scripts/build_lists.py`` into ``resources/lists`` with a
manifest. User lists (``--list-file``) arrive from an adapter as rows of text and are turned into
:class:`ListEntry` objects here, with per-row errors naming the file, row and column.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from laborlens.core import resources
from laborlens.core.model import ListEntry, ListInfo, RowError

_MANIFEST = "lists/manifest.json"


class ListError(ValueError):
    """A list cannot be used (unknown id, malformed file)."""


@dataclass(frozen=True, slots=True)
class ReferenceList:
    info: ListInfo
    entries: tuple[ListEntry, ...]


@dataclass(frozen=True, slots=True)
class ListSet:
    """An immutable set of reference lists keyed by list id, in a stable order."""

    lists: tuple[ReferenceList, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(rl.info.list_id for rl in self.lists)

    def get(self, list_id: str) -> ReferenceList:
        for rl in self.lists:
            if rl.info.list_id == list_id:
                return rl
        raise ListError(f"unknown list id '{list_id}'; known lists: {', '.join(self.ids())}")

    def info(self, list_id: str) -> ListInfo:
        return self.get(list_id).info

    def entities(self) -> Iterable[ListEntry]:
        """Every entry of every entity list (not goods lists)."""
        for rl in self.lists:
            if rl.info.kind == "entities":
                yield from rl.entries

    def goods(self) -> Iterable[ListEntry]:
        for rl in self.lists:
            if rl.info.kind == "goods":
                yield from rl.entries

    def select(self, ids: Sequence[str] | None) -> ListSet:
        """Only the named lists (in the given order); ``None`` keeps all."""
        if ids is None:
            return self
        return ListSet(tuple(self.get(i) for i in ids))

    def plus(self, extra: Sequence[ReferenceList]) -> ListSet:
        """This set with more lists appended; a user list may not reuse a bundled id."""
        for rl in extra:
            if rl.info.list_id in self.ids():
                raise ListError(f"list id '{rl.info.list_id}' is already in use")
        return ListSet(self.lists + tuple(extra))

    def replace(self, newer: Sequence[ReferenceList]) -> ListSet:
        """This set with lists of the same id swapped for newer copies (e.g. downloaded ones)."""
        if not newer:
            return self
        by_id = {rl.info.list_id: rl for rl in newer}
        return ListSet(tuple(by_id.get(rl.info.list_id, rl) for rl in self.lists))

    def versions(self) -> dict[str, str]:
        return {rl.info.list_id: rl.info.version for rl in self.lists}


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _entry_from_json(obj: Mapping[str, Any]) -> ListEntry:
    return ListEntry(
        list_id=obj["list_id"],
        entry_id=obj["entry_id"],
        name=obj["name"],
        aliases=tuple(obj.get("aliases") or ()),
        schema=obj.get("schema") or "Company",
        addresses=tuple(obj.get("addresses") or ()),
        countries=tuple(obj.get("countries") or ()),
        programs=tuple(obj.get("programs") or ()),
        effective_date=_parse_date(obj.get("effective_date")),
        end_date=_parse_date(obj.get("end_date")),
        subsidiaries=bool(obj.get("subsidiaries")),
        properties=tuple(sorted((obj.get("properties") or {}).items())),
        source=obj.get("source"),
    )


def _info_from_json(obj: Mapping[str, Any]) -> ListInfo:
    return ListInfo(
        list_id=obj["list_id"],
        title=obj["title"],
        publisher=obj["publisher"],
        source=obj["source"],
        snapshot_date=_parse_date(obj.get("snapshot_date")),
        rows=int(obj["rows"]),
        entries=int(obj["entries"]),
        sha256=obj["sha256"],
        complete=bool(obj["complete"]),
        completeness_note=obj.get("completeness_note"),
        kind=obj.get("kind", "entities"),
    )


def lists_from_manifest(
    manifest: Sequence[Mapping[str, Any]], read_text: Callable[[str], str], *, where: str
) -> list[ReferenceList]:
    """Lists described by a manifest, each file checked against its recorded hash and size.

    Args:
        manifest: the manifest objects (list_id, title, …, sha256, entries, file).
        read_text: gives the text of a list file named in the manifest.
        where: a label for messages (the folder the lists come from).
    """
    out = []
    for obj in manifest:
        info = _info_from_json(obj)
        text = read_text(obj["file"])
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != info.sha256:
            raise ListError(f"{where}/{obj['file']}: content does not match the manifest hash")
        entries = tuple(
            _entry_from_json(json.loads(line)) for line in text.splitlines() if line.strip()
        )
        if len(entries) != info.entries:
            raise ListError(
                f"{where}/{obj['file']}: {len(entries)} entries, manifest says {info.entries}"
            )
        out.append(ReferenceList(info, entries))
    return out


_BUNDLED: ListSet | None = None


def load_bundled() -> ListSet:
    """The lists shipped with the package, checked against their manifest hashes."""
    global _BUNDLED  # noqa: PLW0603 - immutable, loaded once per process
    if _BUNDLED is None:
        manifest = resources.read_json(_MANIFEST)
        lists = lists_from_manifest(
            manifest, lambda f: resources.read_text(f"lists/{f}"), where="resources/lists"
        )
        _BUNDLED = ListSet(tuple(lists))
    return _BUNDLED


# --- user lists --------------------------------------------------------------------------------

USER_LIST_COLUMNS = ("id", "name", "aliases", "address", "country", "registration_id")
_SPLIT = re.compile(r"\s*;\s*")


def user_list(
    list_id: str,
    rows: Iterable[Mapping[str, str | None]],
    *,
    source: str,
    snapshot_date: date | None = None,
) -> tuple[list[ReferenceList], list[RowError]]:
    """Build user lists from rows of a ``--list-file``.

    Columns (case-insensitive): ``id, name, aliases, address, country, registration_id`` and
    optionally ``list`` (a row's list id, default ``list_id``), ``effective_date``
    (YYYY-MM-DD) and ``subsidiaries`` (yes/true/1). Rows with no name are reported as errors.

    Returns:
        The lists (one per distinct ``list`` value) and the row errors.
    """
    by_list: dict[str, list[ListEntry]] = {}
    errors: list[RowError] = []
    digest = hashlib.sha256()
    for n, raw in enumerate(rows, start=1):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        name = row.get("name", "")
        if not name:
            errors.append(RowError("a list entry needs a name", "name", n, source))
            continue
        lid = row.get("list") or list_id
        eff: date | None = None
        if row.get("effective_date"):
            try:
                eff = date.fromisoformat(row["effective_date"])
            except ValueError:
                errors.append(
                    RowError(
                        f"'{row['effective_date']}' is not a date (YYYY-MM-DD)",
                        "effective_date",
                        n,
                        source,
                    )
                )
                continue
        country = row.get("country", "")
        props = {"registration_id": row.get("registration_id", "")}
        entry = ListEntry(
            list_id=lid,
            entry_id=row.get("id") or f"{lid}-{n}",
            name=name,
            aliases=tuple(a for a in _SPLIT.split(row.get("aliases", "")) if a),
            addresses=(row["address"],) if row.get("address") else (),
            countries=(country.upper(),) if len(country) == 2 else (),
            effective_date=eff,
            subsidiaries=row.get("subsidiaries", "").lower() in ("yes", "true", "1", "y"),
            properties=tuple((k, v) for k, v in props.items() if v)
            + ((("country_as_given", country),) if country and len(country) != 2 else ()),
            source=f"{source} row {n}",
        )
        by_list.setdefault(lid, []).append(entry)
    sha = digest.hexdigest()
    out = [
        ReferenceList(
            ListInfo(
                list_id=lid,
                title=f"User list {lid}",
                publisher="user",
                source=source,
                snapshot_date=snapshot_date,
                rows=len(entries),
                entries=len(entries),
                sha256=sha,
                complete=True,
                user=True,
            ),
            tuple(entries),
        )
        for lid, entries in by_list.items()
    ]
    return out, errors
