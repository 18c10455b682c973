"""Atomic output files: written under a temporary name next to the target, renamed when complete.

A run that fails or is killed (``kill -9``, power cut) never leaves a file under the target name
that looks complete: until the final rename the output exists only as
``.<name>.<pid>.laborlens-partial`` in the same folder (the same file system, so the rename is
atomic), and the file is flushed to disk before it is renamed.

While a run writes, it holds an exclusive lock (``flock``) on its temporary file; the lock goes
away with the process however it ends. :func:`sweep_leftovers` (called when a command starts)
therefore tells a leftover of a dead run (removed, and reported) from the file of a run still
writing (reported, left alone). Where ``flock`` does not exist, leftovers are only reported.

A run that can continue what a killed run wrote (``laborlens screen --resume``) first takes the
leftover over with :func:`adopt_leftover` (renamed to its own temporary name, so the sweep keeps
it) and then appends to it through ``atomic_output(target, resume=True)``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks
    fcntl = None

__all__ = [
    "PARTIAL_SUFFIX",
    "adopt_leftover",
    "atomic_folder",
    "atomic_output",
    "partial_path",
    "sweep_leftovers",
]

#: The suffix of every temporary output file or folder laborlens writes.
PARTIAL_SUFFIX = ".laborlens-partial"
_LOCK = ".laborlens-lock"  # inside a staging folder: held while the folder is being written
_LEFTOVER = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)" + re.escape(PARTIAL_SUFFIX) + "$")


def partial_path(target: Path) -> Path:
    """The temporary name this process uses for ``target``."""
    return target.with_name(f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}")


def _lock(fd: int, blocking: bool) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        return blocking
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _fsync_path(path: Path, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # pragma: no cover - some systems cannot open a folder
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - e.g. a folder on some network file systems
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(
    target: str | Path,
    *,
    resume: bool = False,
    keep_on: tuple[type[BaseException], ...] = (),
) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` in one rename.

    The writer may open the yielded path as often as it likes (openpyxl does). If the block
    raises, the temporary file is removed and ``target`` is left as it was; when the exception
    is one of ``keep_on``, the temporary file is kept for a later run to continue (it is a
    leftover once this process has ended). With ``resume``, the temporary file may exist
    already (see :func:`adopt_leftover`) and is kept as it is for the writer to append to.

    Raises:
        OSError: the folder of ``target`` does not exist or cannot be written.
    """
    target = Path(target)
    tmp = partial_path(target)
    flags = os.O_CREAT | os.O_WRONLY | (0 if resume else os.O_EXCL)
    try:
        fd = os.open(tmp, flags, 0o666)
    except OSError as exc:  # name the target, not the temporary file
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    try:
        _lock(fd, blocking=True)
        yield tmp
        _fsync_path(tmp)
        os.replace(tmp, target)
        _fsync_path(target.parent, directory=True)
    except BaseException as exc:
        if not isinstance(exc, keep_on):
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    finally:
        os.close(fd)


def adopt_leftover(target: str | Path) -> Path | None:
    """Take over the temporary file a dead run left for ``target``, to continue it.

    The newest such file (a ``*.laborlens-partial`` of ``target`` no live run holds, or the
    ``.<name>.partial`` of older versions) is renamed to this process's temporary name, where
    :func:`sweep_leftovers` leaves it alone and ``atomic_output(target, resume=True)`` finds it.

    Returns:
        Its new path, or ``None`` when no run left one.
    """
    target = Path(target)
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return None
    found: list[tuple[float, Path]] = []
    for path in entries:
        match = _LEFTOVER.match(path.name)
        mine = match is not None and match["target"] == target.name
        if not (mine or path.name == f".{target.name}.partial") or not path.is_file():
            continue
        if match is not None and (int(match["pid"]) == os.getpid() or _held_by_live_run(path)):
            continue
        found.append((path.stat().st_mtime, path))
    if not found:
        return None
    tmp = partial_path(target)
    os.replace(max(found)[1], tmp)
    return tmp


@contextlib.contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder next to ``target``; on success it becomes ``target``.

    An existing ``target`` (the caller has checked it may be replaced) is swapped out and
    removed only after the new folder is in place. If the block raises, the staging folder is
    removed and ``target`` is left as it was.
    """
    target = Path(target)
    stage = partial_path(target)
    stage.mkdir()
    lock = stage / _LOCK
    fd = os.open(lock, os.O_CREAT | os.O_WRONLY, 0o666)
    try:
        _lock(fd, blocking=True)
        yield stage
        for path in stage.rglob("*"):
            if path.is_file() and path != lock:
                _fsync_path(path)
        os.close(fd)
        fd = -1
        lock.unlink()
        old = target.with_name(f".{target.name}.{os.getpid()}.laborlens-old")
        if target.exists():
            os.replace(target, old)
        os.replace(stage, target)
        _fsync_path(target.parent, directory=True)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        if fd >= 0:
            os.close(fd)


def _describe(path: Path) -> str:
    if path.is_dir():
        return f"folder {path}"
    try:
        size = path.stat().st_size
    except OSError:
        return str(path)
    return f"{path} ({size:,} bytes)"


def sweep_leftovers(target: str | Path) -> list[str]:
    """Remove the temporary files that killed runs left next to ``target``; say what was done.

    Every ``*.laborlens-partial`` file in the folder of ``target`` whose writer has died is
    removed; one still locked by a live run is reported and kept. The ``.<name>.partial`` file of
    older laborlens versions next to ``target`` itself is removed too.

    Returns:
        One plain sentence per leftover found (empty when there were none).
    """
    target = Path(target)
    folder = target.parent
    notes: list[str] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return notes
    for path in entries:
        match = _LEFTOVER.match(path.name)
        legacy = path.name == f".{target.name}.partial"
        if not (match or legacy) or not (path.is_file() or path.is_dir()):
            continue
        if match and int(match["pid"]) == os.getpid():
            continue
        if fcntl is None and not legacy:  # pragma: no cover - Windows
            notes.append(f"{_describe(path)} is left from an interrupted run; remove it by hand")
            continue
        if not legacy and _held_by_live_run(path):
            notes.append(
                f"{path} is being written by another laborlens run (process {match['pid']})"  # type: ignore[index]
            )
            continue
        described = _describe(path)
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:
            notes.append(
                f"{described} is left from an interrupted run and cannot be removed: {exc}"
            )
        else:
            notes.append(f"removed {described}, left by an interrupted run")
    return notes


def _held_by_live_run(path: Path) -> bool:
    if path.is_dir():
        path = path / _LOCK
        if not path.exists():
            return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return not _lock(fd, blocking=False)
    finally:
        os.close(fd)
