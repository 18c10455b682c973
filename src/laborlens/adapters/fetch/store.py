"""The lists kept in the data folder: versioned folders and one pointer, switched atomically.

Layout (``<data_dir>/lists``)::

    CURRENT                      the name of the version in use (one line)
    versions/<name>/manifest.json, <list_id>.jsonl …, raw/<downloaded or imported files>

A new version (an update or an import) is written and verified completely in a temporary folder,
renamed into ``versions/`` and only then made current by replacing ``CURRENT`` (``os.replace``,
atomic on one file system). A failure at any point leaves the version in use untouched, and a
version folder is never changed once written. Each version holds every list that replaces a
bundled one (the lists of the previous version are carried over), so ``CURRENT`` alone says what
is in use. ``reset`` removes the pointer (back to the bundled lists); old versions stay for
``lists diff`` until pruned.

A data folder written by earlier releases (``lists/manifest.json`` with the files beside it) is
still read, as the version ``legacy``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from laborlens.core.lists import (
    MANIFEST_SCHEMA,
    ListError,
    ReferenceList,
    lists_from_manifest,
    manifest_lists,
)

POINTER = "CURRENT"
VERSIONS = "versions"
LEGACY = "legacy"
#: Versions kept besides the current one (older ones are pruned after a commit).
KEEP = 5
RESET_HINT = "run 'laborlens lists reset' to go back to the bundled lists"


class StoreError(ValueError):
    """The data folder's lists cannot be used; the message says how to recover."""


@dataclass(frozen=True, slots=True)
class Version:
    name: str
    path: Path
    manifest: Mapping[str, Any]

    @property
    def created(self) -> str:
        return str(self.manifest.get("created", ""))

    @property
    def note(self) -> str:
        return str(self.manifest.get("note", ""))


@dataclass(frozen=True, slots=True)
class NewList:
    """A list to put into a new version: its manifest object, entries text and raw files."""

    manifest: dict[str, Any]
    body: str
    raw: Mapping[str, bytes]


def lists_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "lists"


def _read_manifest(folder: Path, label: str) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{path}: the manifest is missing; {RESET_HINT}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: unreadable manifest ({exc}); {RESET_HINT}") from None
    doc = data if isinstance(data, dict) else {"lists": data}
    try:
        manifest_lists(doc, str(folder))
    except ListError as exc:
        raise StoreError(f"{exc}; {RESET_HINT}") from None
    doc.setdefault("name", label)
    return doc


def current(data_dir: Path) -> Version | None:
    """The version in use, or ``None`` when the bundled lists are in use.

    Raises:
        StoreError: the pointer names a missing version or its manifest is corrupt.
    """
    base = lists_dir(data_dir)
    pointer = base / POINTER
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        folder = base / VERSIONS / name
        if not name or not folder.is_dir():
            raise StoreError(f"{pointer}: names version '{name}', which is missing; {RESET_HINT}")
        return Version(name, folder, _read_manifest(folder, name))
    if (base / "manifest.json").is_file():
        return Version(LEGACY, base, _read_manifest(base, LEGACY))
    return None


def load(version: Version) -> list[ReferenceList]:
    """The lists of a version, each file checked against its manifest hash."""

    def read(file: str) -> str:
        try:
            return (version.path / file).read_text(encoding="utf-8")
        except OSError as exc:
            raise StoreError(f"{version.path / file}: {exc.strerror}; {RESET_HINT}") from None

    origin = "downloaded"
    try:
        return lists_from_manifest(version.manifest, read, where=str(version.path), origin=origin)
    except ListError as exc:
        raise StoreError(f"{exc}; {RESET_HINT}") from None


def load_current(data_dir: Path) -> list[ReferenceList]:
    """The lists of the version in use (none when the bundled lists are in use)."""
    version = current(data_dir)
    return load(version) if version is not None else []


def versions(data_dir: Path) -> list[Version]:
    """Every stored version, oldest first (unreadable ones are skipped)."""
    folder = lists_dir(data_dir) / VERSIONS
    out = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.is_dir() and not path.name.startswith("."):
            try:
                out.append(Version(path.name, path, _read_manifest(path, path.name)))
            except StoreError:
                continue
    return out


def find(data_dir: Path, name: str) -> Version:
    """A stored version by name (``current`` for the one in use, ``legacy`` for the old
    layout)."""
    if name == "current":
        version = current(data_dir)
        if version is None:
            raise StoreError("no downloaded or imported lists are in use (the bundled ones are)")
        return version
    if name == LEGACY:
        base = lists_dir(data_dir)
        return Version(LEGACY, base, _read_manifest(base, LEGACY))
    for v in versions(data_dir):
        if v.name == name:
            return v
    known = ", ".join(v.name for v in versions(data_dir)) or "none"
    raise StoreError(f"no stored list version '{name}' (stored: {known})")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _name(now: datetime) -> str:
    return f"v{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"


@contextlib.contextmanager
def _locked(base: Path, wait: float = 30.0) -> Iterator[None]:
    """One writer at a time (another ``lists update``/``import`` waits, then gives up)."""
    base.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock, the pointer is still atomic
        yield
        return
    with open(base / ".lock", "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise StoreError(
                        "another 'laborlens lists update' or 'import' is writing the lists; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def commit(
    data_dir: Path,
    new: Sequence[NewList],
    *,
    note: str,
    drop: Sequence[str] = (),
    now: datetime | None = None,
) -> Version:
    """Write a new version with ``new`` (plus the lists of the version in use, except those
    replaced or in ``drop``) and make it current. All or nothing.

    Raises:
        StoreError: the version in use is unreadable (nothing is written), or writing failed
            (the temporary folder is removed; the version in use stays current).
    """
    with _locked(lists_dir(data_dir)):
        return _commit(data_dir, new, note=note, drop=drop, now=now)


def _commit(
    data_dir: Path,
    new: Sequence[NewList],
    *,
    note: str,
    drop: Sequence[str],
    now: datetime | None,
) -> Version:
    base = lists_dir(data_dir)
    previous = current(data_dir)
    carried: list[dict[str, Any]] = []
    replaced = {n.manifest["list_id"] for n in new} | set(drop)
    if previous is not None:
        for obj in manifest_lists(previous.manifest, str(previous.path)):
            if obj["list_id"] not in replaced:
                carried.append(dict(obj))
    stamp = now or datetime.now(UTC)
    name = _name(stamp)
    folder = base / VERSIONS
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".tmp-*"):  # of a run that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    tmp = folder / f".tmp-{name}"
    try:
        tmp.mkdir()
        objs = []
        for obj in carried:
            src = previous.path if previous else base
            shutil.copy2(src / obj["file"], tmp / obj["file"])
            objs.append(obj)
        for item in new:
            obj = dict(item.manifest)
            data = item.body.encode("utf-8")
            if hashlib.sha256(data).hexdigest() != obj["sha256"]:
                raise StoreError(f"{obj['list_id']}: entries do not match their hash")
            _write(tmp / obj["file"], data)
            (tmp / "raw").mkdir(exist_ok=True)
            for raw_name, raw in item.raw.items():
                _write(tmp / "raw" / f"{obj['list_id']}-{_safe(raw_name)}", raw)
            objs.append(obj)
        doc = {
            "schema": MANIFEST_SCHEMA,
            "created": stamp.isoformat(timespec="seconds"),
            "note": note,
            "previous": previous.name if previous else None,
            "lists": objs,
        }
        _write(
            tmp / "manifest.json", (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()
        )
        load(Version(name, tmp, _read_manifest(tmp, name)))  # verify before switching
        _fsync_dir(tmp)
        final = folder / name
        tmp.rename(final)
        _fsync_dir(folder)
        pointer_tmp = base / f".{POINTER}.{uuid.uuid4().hex[:8]}"
        _write(pointer_tmp, (name + "\n").encode())
        os.replace(pointer_tmp, base / POINTER)
        _fsync_dir(base)
    except (OSError, StoreError, ListError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, StoreError):
            raise
        raise StoreError(
            f"could not store the new lists ({exc}); the lists in use are unchanged"
        ) from None
    _prune(data_dir, keep=name)
    return Version(name, final, doc)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[:80] or "file"


def _prune(data_dir: Path, keep: str) -> None:
    olds = [v for v in versions(data_dir) if v.name != keep]
    for v in olds[: max(0, len(olds) - KEEP)]:
        shutil.rmtree(v.path, ignore_errors=True)
    # temporary folders of interrupted runs
    folder = lists_dir(data_dir) / VERSIONS
    for path in folder.glob(".tmp-*") if folder.is_dir() else ():
        shutil.rmtree(path, ignore_errors=True)


def reset(data_dir: Path) -> str | None:
    """Go back to the bundled lists: remove the pointer (and an old-layout manifest).

    Returns:
        The name of the version that was in use, if any (kept on disk for ``lists diff``).
    """
    base = lists_dir(data_dir)
    was = None
    pointer = base / POINTER
    if pointer.exists():
        was = pointer.read_text(encoding="utf-8", errors="replace").strip() or "?"
        pointer.unlink()
    legacy = base / "manifest.json"
    if legacy.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        legacy.rename(base / f"manifest.json.reset-{stamp}")
        was = was or LEGACY
    return was
