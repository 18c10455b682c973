"""The compiled screening index kept on disk, so that a run starts in about a second.

Compiling the index (name analysis of every list entry, the gazetteer's automata, the product
tables) takes seconds; loading it back takes about one. A cached index is used only when
everything it was compiled from is unchanged: the lists (each list's manifest facts: id, version
hash, rows, source), the laborlens version, the Python version and the files of the package's
code and resources (size and modification time). Anything else gives another key, and the index
is compiled again and stored under that key.

Each file holds a header, the SHA-256 of its payload and the pickled index; a file that does not
verify (truncated, corrupted) is ignored and replaced. Files are written under a temporary name
and renamed, so concurrent runs never see half a file (the last writer wins; both are complete).
Only the newest few files are kept. The cache folder is created private to the user: a pickle
runs code when loaded, so nobody else may be able to write there.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import functools
import gc
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import laborlens
from laborlens.core.lists import ListSet
from laborlens.core.screen import ScreeningIndex
from laborlens.version import __version__

__all__ = ["KEEP", "cache_key", "dumps", "load", "store"]

_MAGIC = b"laborlens-index-1\n"
_DIGEST = 32
#: cached indexes kept per folder (newest first)
KEEP = 4


def _code_fingerprint() -> str:
    """Size and modification time of every file of the installed package (code and data)."""
    root = Path(laborlens.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".pyc",) or "__pycache__" in path.parts or not path.is_file():
            continue
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


_FINGERPRINT: list[str] = []


def cache_key(lists: ListSet) -> str:
    """What the index of ``lists`` depends on, as a hex digest."""
    if not _FINGERPRINT:
        _FINGERPRINT.append(_code_fingerprint())
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version_info[:2]}\0{pickle.HIGHEST_PROTOCOL}\0".encode())
    digest.update(_FINGERPRINT[0].encode())
    for rl in lists.lists:
        digest.update(f"{rl.info!r}\0{len(rl.entries)}\n".encode())
    return digest.hexdigest()


def _path(folder: Path, key: str) -> Path:
    return folder / f"index-{key[:32]}.pickle"


def _make(cls: type, names: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    """Rebuild a frozen, slotted dataclass instance (what pickling it by fields gives back)."""
    obj: Any = object.__new__(cls)
    for name, value in zip(names, values, strict=True):
        _SET(obj, name, value)
    return obj


_SET = object.__setattr__


def _frozen_slotted_classes() -> list[type]:
    """The frozen, slotted dataclasses of the core (the index is made of them)."""
    out = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("laborlens.core") or module is None:
            continue
        for value in vars(module).values():
            params = getattr(value, "__dataclass_params__", None)
            if (
                isinstance(value, type)
                and value.__module__ == name
                and params is not None
                and params.frozen
                and "__slots__" in vars(value)
                and "__reduce__" not in vars(value)
            ):
                out.append(value)
    return out


def dumps(index: ScreeningIndex) -> bytes:
    """Pickle ``index``, its dataclasses by field values: Python's own dataclass pickling looks
    up the fields of every object on loading, which triples the time to load an index."""
    table = dict(copyreg.dispatch_table)
    for cls in _frozen_slotted_classes():
        names = tuple(f.name for f in dataclasses.fields(cls))
        table[cls] = functools.partial(_reduce, names)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    pickler.dump(index)
    return buffer.getvalue()


def _reduce(names: tuple[str, ...], obj: Any) -> tuple[Any, ...]:
    return (_make, (type(obj), names, tuple([getattr(obj, n) for n in names])))


def load(folder: Path, key: str) -> ScreeningIndex | None:
    """The cached index under ``key``, or ``None`` (missing, unreadable or corrupted)."""
    try:
        data = _path(folder, key).read_bytes()
    except OSError:
        return None
    head = len(_MAGIC)
    if not data.startswith(_MAGIC) or len(data) < head + _DIGEST:
        return None
    payload = memoryview(data)[head + _DIGEST :]
    if hashlib.sha256(payload).digest() != data[head : head + _DIGEST]:
        return None
    enabled = gc.isenabled()
    gc.disable()  # millions of small objects: the collector would run hundreds of times
    try:
        index = pickle.loads(payload)
    except Exception:  # a file from another build that still verifies: compile again
        return None
    finally:
        if enabled:
            gc.enable()
    return index if isinstance(index, ScreeningIndex) else None


def store(folder: Path, key: str, index: ScreeningIndex) -> Path | None:
    """Write ``index`` under ``key`` (atomically); ``None`` when the folder is not writable."""
    payload = dumps(index)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=folder)
    except OSError:
        return None
    target = _path(folder, key)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC)
            handle.write(hashlib.sha256(payload).digest())
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return None
    _prune(folder)
    return target


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP` newest indexes; remove temporary files older than an hour (left by
    runs that were killed while writing)."""
    with contextlib.suppress(OSError):
        files = sorted(folder.glob("index-*.pickle"), key=_mtime, reverse=True)
        stale = [p for p in folder.glob(".index-*.tmp") if _mtime(p) < time.time() - 3600]
        for old in [*files[KEEP:], *stale]:
            with contextlib.suppress(OSError):
                old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
