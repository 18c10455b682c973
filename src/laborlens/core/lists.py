"""Reference lists: the bundled official lists and user lists, as immutable entry sets.

The bundled lists are built by ``scripts/build_lists.py`` into ``resources/lists`` with a
manifest. User lists (``--list-file``) arrive from an adapter as rows of text and are turned into
:class:`ListEntry` objects here, with per-row errors naming the file, row and column.
"""

from __future__ import annotations

import dataclasses
import gc
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
        if not extra:
            return self  # the same object: the screening index is cached per list-set object
        for rl in extra:
            if rl.info.list_id in self.ids():
                raise ListError(f"list id '{rl.info.list_id}' is already in use")
        return ListSet(self.lists + tuple(extra))

    def replace(self, newer: Sequence[ReferenceList]) -> ListSet:
        """This set with lists of the same id swapped for newer copies (downloaded, imported
        or supplied as an official file); a list of a new id is appended."""
        if not newer:
            return self
        by_id = {rl.info.list_id: rl for rl in newer}
        kept = tuple(by_id.pop(rl.info.list_id, rl) for rl in self.lists)
        return ListSet(kept + tuple(by_id.values()))

    def versions(self) -> dict[str, str]:
        return {rl.info.list_id: rl.info.version for rl in self.lists}


def freshness_note(info: ListInfo, today: date) -> str | None:
    """``STALE: …`` when the snapshot is older than its publisher's update cadence."""
    if not info.is_stale(today):
        return None
    age = info.age_days(today)
    return (
        f"STALE: snapshot of {info.snapshot_date} is {age} days old; the publisher changes this "
        f"list {info.cadence or f'at least every {info.cadence_days} days'}. Run 'laborlens "
        "lists update' (or 'lists import' an official copy)."
    )


def with_freshness(lists: ListSet, today: date) -> ListSet:
    """The lists with ``stale`` set, and a STALE note put before the completeness note, for the
    day of the run (lists already marked are left as they are)."""
    out = []
    for rl in lists.lists:
        note = None if rl.info.stale else freshness_note(rl.info, today)
        if note is None:
            out.append(rl)
            continue
        text = " ".join(t for t in (note, rl.info.completeness_note) if t)
        info = dataclasses.replace(rl.info, stale=True, completeness_note=text)
        out.append(ReferenceList(info, rl.entries))
    return ListSet(tuple(out))


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _entry_from_json(obj: Mapping[str, Any]) -> ListEntry:
    since = obj.get("name_since") or {}
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
        former_names=tuple(obj.get("former_names") or ()),
        name_since=tuple((n, date.fromisoformat(d)) for n, d in sorted(since.items())),
    )


def _info_from_json(obj: Mapping[str, Any], origin: str) -> ListInfo:
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
        published=_parse_date(obj.get("published")),
        cadence_days=obj.get("cadence_days"),
        cadence=obj.get("cadence"),
        origin=obj.get("origin") or origin,
        user=bool(obj.get("user", obj.get("origin") == "user")),
    )


MANIFEST_SCHEMA = "laborlens-lists/2"


def manifest_lists(manifest: Any, where: str) -> list[Mapping[str, Any]]:
    """The list objects of a manifest (the current ``{"schema", "lists": [...]}`` form or the
    older bare list), checked for the fields every list object needs."""
    items = manifest.get("lists") if isinstance(manifest, Mapping) else manifest
    if not isinstance(items, list):
        raise ListError(f"{where}/manifest.json: expected a 'lists' array")
    needed = ("list_id", "title", "publisher", "source", "rows", "entries", "sha256", "file")
    for n, obj in enumerate(items, start=1):
        missing = [k for k in needed if not isinstance(obj, Mapping) or k not in obj]
        if missing:
            raise ListError(f"{where}/manifest.json: list {n} lacks {', '.join(missing)}")
    return items


def lists_from_manifest(
    manifest: Any,
    read_text: Callable[[str], str],
    *,
    where: str,
    origin: str = "bundled",
) -> list[ReferenceList]:
    """Lists described by a manifest, each file checked against its recorded hash and size.

    Args:
        manifest: the parsed manifest (see :func:`manifest_lists`).
        read_text: gives the text of a list file named in the manifest.
        where: a label for messages (the folder the lists come from).
        origin: where these copies come from, unless the manifest says (``bundled`` …).

    Raises:
        ListError: a field is missing, a file's content does not match its hash, or the
            number of entries differs from the manifest.
    """
    out = []
    for obj in manifest_lists(manifest, where):
        info = _info_from_json(obj, origin)
        text = read_text(obj["file"])
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != info.sha256:
            raise ListError(f"{where}/{obj['file']}: content does not match the manifest hash")
        try:
            entries = tuple(
                _entry_from_json(json.loads(line)) for line in text.splitlines() if line.strip()
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ListError(f"{where}/{obj['file']}: malformed entry ({exc})") from exc
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
        enabled = gc.isenabled()
        gc.disable()  # ~20,000 long-lived entries, no cycles: no collector passes while made
        try:
            lists = lists_from_manifest(
                manifest, lambda f: resources.read_text(f"lists/{f}"), where="resources/lists"
            )
        finally:
            if enabled:
                gc.enable()
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
