"""List operations of the Python API and the CLI: in use, update, import, export, diff, reset.

``reference_lists`` is what screening uses: the bundled lists, with the versions stored in the
data folder by ``lists update`` / ``lists import`` in their place, each marked stale when older
than its publisher's update cadence on the day of the run. ``read_list_files`` reads
``--list-file`` arguments: a file in an official format (or OpenSanctions') stands in for the
bundled list of the same id for that run — so it reaches the same regime outcomes — while a plain
table is a user list of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from laborlens.adapters.fetch import store
from laborlens.adapters.fetch import update as updater
from laborlens.adapters.io.readers import InputError, read_rows
from laborlens.core.list_diff import ListDiff, diff_entries
from laborlens.core.lists import (
    ListError,
    ListSet,
    ReferenceList,
    lists_from_manifest,
    load_bundled,
    user_list,
    with_freshness,
)
from laborlens.core.model import ListInfo, RowError
from laborlens.core.sources import to_ftm
from laborlens.core.sources.detect import detect

__all__ = [
    "ListDiff",
    "ListError",
    "UpdateError",
    "diff",
    "export_ftm",
    "import_file",
    "read_list_files",
    "reference_lists",
    "reset",
    "update",
]

UpdateError = updater.UpdateError

_CACHE: dict[tuple[str, str, date], ListSet] = {}


def reference_lists(data_dir: Path | None = None, today: date | None = None) -> ListSet:
    """The lists in use (see the module docstring), cached until the data folder changes.

    Raises:
        UpdateError: the data folder's lists are corrupt (the message says how to recover).
    """
    day = today or date.today()
    if data_dir is None:
        # one list-set object per day: the screening index is cached per list-set object
        key: tuple[str, str, date] = ("", "", day)
        if key not in _CACHE:
            _CACHE.clear()
            _CACHE[key] = with_freshness(load_bundled(), day)
        return _CACHE[key]
    pointer = store.lists_dir(data_dir) / store.POINTER
    legacy = store.lists_dir(data_dir) / "manifest.json"
    stamp = ""
    for p in (pointer, legacy):
        if p.is_file():
            stamp += f"{p.stat().st_mtime_ns}:{p.read_bytes()[:80]!r};"
    key = (str(Path(data_dir).resolve()), stamp, day)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = with_freshness(updater.in_use(data_dir), day)
    return _CACHE[key]


def _plain_stem(path: Path) -> str:
    """A user list's default id: the file name without its type suffix (``my-watch.csv``)."""
    stem = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return Path(stem).stem or stem


def _stem(path: Path) -> str:
    """The id of a list file in a list format: ``watch.ftm.json`` -> ``watch_ftm``."""
    return re.sub(r"[^a-z0-9_]+", "_", _plain_stem(path).lower()).strip("_") or "list"


@dataclass(frozen=True, slots=True)
class ListFiles:
    """Lists read from ``--list-file`` arguments."""

    official: tuple[ReferenceList, ...]  # stand in for the bundled list of the same id
    user: tuple[ReferenceList, ...]
    errors: tuple[RowError, ...]
    notes: tuple[str, ...]


def _as_list(entries: list[dict[str, Any]], info: ListInfo) -> ReferenceList:
    body = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    import hashlib

    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    manifest = [
        {
            "list_id": info.list_id,
            "title": info.title,
            "publisher": info.publisher,
            "source": info.source,
            "snapshot_date": None,
            "rows": len(entries),
            "entries": len(entries),
            "sha256": sha,
            "complete": True,
            "completeness_note": info.completeness_note,
            "kind": info.kind,
            "file": "f",
            "origin": info.origin,
            "cadence_days": info.cadence_days,
            "cadence": info.cadence,
            "user": info.user,
        }
    ]
    return lists_from_manifest(manifest, lambda _: body, where=info.source)[0]


def read_list_files(
    paths: Sequence[str | Path], encoding: str | None = None, base: ListSet | None = None
) -> ListFiles:
    """Read ``--list-file`` arguments (see the module docstring).

    Raises:
        InputError: a file cannot be read or holds no usable entry.
        UpdateError: a file in a recognised format does not parse.
    """
    reference = base or load_bundled()
    official: list[ReferenceList] = []
    users: list[ReferenceList] = []
    errors: list[RowError] = []
    notes: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            head = path.read_bytes()[:4_000_000]
        except OSError as exc:
            raise InputError(
                f"{path}: file not found"
                if isinstance(exc, FileNotFoundError)
                else f"{path}: cannot read ({exc.strerror})"
            ) from None
        fmt = detect(head) if head.strip() else None
        if fmt is None:
            rows = read_rows(path, encoding=encoding)
            extra, errs = user_list(_plain_stem(path), rows, source=str(path))
            errors.extend(errs)
            if not extra:
                raise InputError(f"{path}: no usable list entry (every row lacks a name)")
            users.extend(extra)
            continue
        entries, _, list_id = updater.read_list_file(path, fmt.list_id or _stem(path))
        known = reference.info(list_id) if list_id in reference.ids() else None
        info = ListInfo(
            list_id=list_id,
            title=known.title if known else f"List {list_id}",
            publisher=known.publisher if known else "user",
            source=str(path),
            snapshot_date=None,
            rows=len(entries),
            entries=len(entries),
            sha256="",
            complete=True,
            completeness_note=f"read from {path.name} ({fmt.label}) for this run",
            kind=known.kind if known else "entities",
            user=known is None,
            origin="user",
        )
        rl = _as_list(entries, info)
        if known is not None:
            official.append(rl)
            notes.append(f"{path}: {fmt.label}; stands in for the bundled {list_id} in this run")
        else:
            users.append(rl)
    return ListFiles(tuple(official), tuple(users), tuple(errors), tuple(notes))


# --- operations on the data folder -------------------------------------------------------------


def update(data_dir: Path, list_ids: Sequence[str] | None = None) -> list[updater.UpdateReport]:
    """Download and store fresh copies (all or nothing); see
    :func:`laborlens.adapters.fetch.update.update_lists`."""
    return updater.update_lists(data_dir, list_ids)


def _rows(path: Path) -> Iterator[dict[str, str | None]]:
    return iter(read_rows(path))


def import_file(
    data_dir: Path, path: Path, list_id: str | None, *, force: bool = False
) -> updater.UpdateReport:
    """Store a list file as ``list_id``; see :func:`updater.import_list`."""
    return updater.import_list(data_dir, path, list_id, rows_reader=_rows, force=force)


def reset(data_dir: Path) -> str | None:
    """Go back to the bundled lists; returns the version that was in use."""
    return store.reset(data_dir)


def history(data_dir: Path) -> list[store.Version]:
    return store.versions(data_dir)


def _version_lists(data_dir: Path, ref: str) -> tuple[ListSet, str]:
    if ref == "bundled":
        return load_bundled(), "bundled"
    path = Path(ref)
    if path.is_file():
        entries, _, list_id = updater.read_list_file(path, None, _rows)
        info = ListInfo(
            list_id, list_id, "file", str(path), None, len(entries), len(entries), "", True
        )
        return ListSet((_as_list(entries, info),)), path.name
    try:
        version = store.find(data_dir, ref)
    except store.StoreError as exc:
        raise UpdateError(
            f"{exc}; give 'bundled', 'current', a stored version or a list file"
        ) from None
    return load_bundled().replace(store.load(version)), version.name


def diff(
    data_dir: Path, old: str, new: str, list_ids: Sequence[str] | None = None
) -> list[ListDiff]:
    """The changes between two versions (``bundled``, ``current``, a stored version name or a
    list file), per list present in both."""
    a, a_name = _version_lists(data_dir, old)
    b, b_name = _version_lists(data_dir, new)
    ids = [i for i in b.ids() if i in a.ids() and (not list_ids or i in list_ids)]
    if not ids:
        raise UpdateError(f"{old} and {new} have no list in common to compare")
    out = []
    for list_id in ids:
        ra, rb = a.get(list_id), b.get(list_id)
        out.append(
            diff_entries(
                list_id,
                ra.entries,
                rb.entries,
                old_version=f"{a_name} {ra.info.version}",
                new_version=f"{b_name} {rb.info.version}",
            )
        )
    return out


def export_ftm(lists: ListSet, out: TextIO) -> dict[str, int]:
    """Write the party entries of ``lists`` as FtM JSON lines; returns entities per list."""
    counts: dict[str, int] = {}
    for rl in lists.lists:
        n = 0
        for obj in to_ftm(rl.entries, rl.info):
            out.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")
            n += obj["schema"] != "Sanction"
        counts[rl.info.list_id] = n
    return counts
