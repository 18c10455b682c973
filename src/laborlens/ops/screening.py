"""The screening operations of the Python API, shared by the CLI and the REST API.

``load_lists`` assembles the reference lists (bundled, plus user lists, optionally restricted),
``screen`` screens in-memory rows, ``screen_files`` streams files, and :class:`ScreenJob` is what
``laborlens screen`` runs (inputs opened and checked, index compiled, engine chosen, report
written). Every path compiles the screening index once per list set (:func:`index_for`) and runs
it on an engine chosen here (``engine="local"`` or ``"spark"``), so the Python API, the CLI and
the REST API screen the same way.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Any

from laborlens.adapters.engine.base import ENGINES, Engine
from laborlens.adapters.engine.local import LocalEngine
from laborlens.adapters.io.encode import Chunk, Shape
from laborlens.adapters.io.readers import InputError, RecordStream, open_records
from laborlens.adapters.io.resume import Progress, ResumeError
from laborlens.adapters.io.writers import (
    ENCODED_FORMATS,
    FORMATS,
    OutputError,
    ReportMeta,
    Summary,
    choose_format,
)
from laborlens.core.lists import ListError, ListSet
from laborlens.core.model import ListInfo, Record, RowError, ScreenResult
from laborlens.core.records import ColumnMap, build_record
from laborlens.core.resources import ResourceError
from laborlens.core.screen import Distinct, ScreeningIndex, screen_batch
from laborlens.settings import Settings

__all__ = [
    "ENCODED_FORMATS",
    "ENGINES",
    "FORMATS",
    "USER_ERRORS",
    "Distinct",
    "InputError",
    "ListError",
    "ListInfo",
    "ListSet",
    "LoadedLists",
    "OutputError",
    "Record",
    "ResumeError",
    "ScreenJob",
    "ScreenResult",
    "ScreeningIndex",
    "Summary",
    "choose_format",
    "engine_for",
    "forget_indexes",
    "index_for",
    "load_lists",
    "load_lists_checked",
    "open_inputs",
    "screen",
    "screen_files",
    "screen_pairs",
    "screen_records",
]

ListsArg = ListSet | Sequence[str] | str | None

#: What an interface reports as the user's mistake (CLI exit code 2, HTTP 4xx): each names the
#: file, row, column or id concerned; anything else is a bug and keeps its traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    InputError,
    ListError,
    OutputError,
    ResourceError,
    ResumeError,
    OSError,
)

#: Inputs smaller than this are screened in-process (starting workers would cost more).
SMALL_INPUT_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LoadedLists:
    """A list set and the problems found in user list files (rows skipped, with reasons)."""

    lists: ListSet
    errors: tuple[RowError, ...] = ()


def _split_ids(ids: Sequence[str] | str | None) -> list[str] | None:
    if ids is None:
        return None
    parts = [ids] if isinstance(ids, str) else list(ids)
    out = [p.strip() for part in parts for p in part.split(",") if p.strip()]
    return out or None


def reference_lists(data_dir: Path | None = None) -> ListSet:
    """The bundled lists, with any copies stored by ``laborlens lists update`` / ``import`` in
    ``data_dir`` taking their place, marked stale where older than their publisher's cadence
    (see :mod:`laborlens.ops.lists`)."""
    from laborlens.ops.lists import reference_lists as in_use

    return in_use(data_dir)


def load_lists_checked(
    list_files: Sequence[str | Path] = (),
    lists: Sequence[str] | str | None = None,
    encoding: str | None = None,
    *,
    base: ListSet | None = None,
    data_dir: Path | None = None,
) -> LoadedLists:
    """Like :func:`load_lists`, also returning the user-list rows that were skipped.

    Raises:
        InputError: a list file cannot be read.
        ListError: an unknown id in ``lists``, or a user list reusing an id already in use.
    """
    result = base if base is not None else reference_lists(data_dir)
    from laborlens.ops.lists import read_list_files

    files = read_list_files(list_files, encoding, base=result)
    # an official list file (DHS page, CBP/OFAC/BIS file, FtM) stands in for the list in use
    result = result.replace(files.official).plus(files.user)
    problems: list[RowError] = list(files.errors)
    ids = _split_ids(lists)
    if ids is not None:
        result = result.select(list(dict.fromkeys(ids)))
    return LoadedLists(result, tuple(problems))


def load_lists(
    list_files: Sequence[str | Path] = (),
    lists: Sequence[str] | str | None = None,
    encoding: str | None = None,
    *,
    data_dir: Path | None = None,
) -> ListSet:
    """The reference lists to screen against.

    Args:
        list_files: user list files (CSV/XLSX/Parquet/JSONL with ``id,name,aliases,address,
            country,registration_id``; the list id is the file stem unless a ``list`` column
            says otherwise). Rows without a name are skipped (see :func:`load_lists_checked`).
        lists: restrict to these list ids (bundled or user), as a sequence or ``"a,b"``.
        encoding: text encoding of the list files (default: detected).
        data_dir: the data folder; lists downloaded there by ``laborlens lists update`` take
            the place of the bundled snapshots.

    Returns:
        An immutable :class:`~laborlens.core.lists.ListSet`.
    """
    return load_lists_checked(list_files, lists, encoding, data_dir=data_dir).lists


_CACHE: dict[int, tuple[ListSet, ScreeningIndex]] = {}
_CACHE_LOCK = Lock()
_CACHE_SIZE = 4


def index_for(lists: ListSet, cache_dir: Path | None = None) -> ScreeningIndex:
    """The compiled index for a list set: built once per list-set object, then cached (the one
    index cache of the package: screening, tracing, explaining and cases share it).

    With ``cache_dir`` the compiled index is also kept on disk, per version of the lists and of
    laborlens, so the next process loads it instead of compiling it (see
    ``adapters/engine/index_cache.py``).
    """
    with _CACHE_LOCK:
        hit = _CACHE.get(id(lists))
        if hit is not None and hit[0] is lists:
            return hit[1]
    index = None
    if cache_dir is not None:
        from laborlens.adapters.engine import index_cache

        key = index_cache.cache_key(lists)
        index = index_cache.load(cache_dir, key)
    if index is None:
        index = ScreeningIndex.build(lists)
        if cache_dir is not None:
            index_cache.store(cache_dir, key, index)
        gc.collect()  # the temporaries of the build, before freezing what is left
    # the index is large, immutable and kept: take it (and the lists) out of the collector's
    # scans, which otherwise revisit millions of objects during screening
    gc.freeze()
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(lists)] = (lists, index)
    return index


def forget_indexes() -> None:
    """Drop the compiled indexes kept in this process (the on-disk cache stays)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def engine_for(name: str = "local", workers: int = 1) -> Engine:
    """The engine called ``name`` (``local`` or ``spark``) with ``workers`` processes/cores.

    Raises:
        ValueError: an unknown engine name.
    """
    if name == "local":
        return LocalEngine(max(1, workers))
    if name == "spark":
        from laborlens.adapters.engine.spark import SparkEngine

        return SparkEngine(cores=max(1, workers))
    raise ValueError(f"--engine: unknown engine '{name}'; use {' or '.join(ENGINES)}")


def _resolve(lists: ListsArg, list_files: Sequence[str | Path]) -> ListSet:
    if isinstance(lists, ListSet):
        if list_files:
            return load_lists_checked(list_files, base=lists).lists
        return lists
    return load_lists(list_files, lists)


def _as_records(records: Iterable[Mapping[str, Any] | Record]) -> Iterator[Record]:
    cache: dict[tuple[str, ...], ColumnMap] = {}
    for n, item in enumerate(records, start=1):
        if isinstance(item, Record):
            yield item
            continue
        keys = tuple(str(k) for k in item)
        cmap = cache.get(keys) or cache.setdefault(keys, ColumnMap.from_headers(keys))
        yield build_record(list(item.values()), cmap, n, None)


def screen(
    records: Iterable[Mapping[str, Any] | Record],
    *,
    as_of: date | None = None,
    lists: ListsArg = None,
    list_files: Sequence[str | Path] = (),
    engine: str = "local",
    workers: int = 1,
) -> list[ScreenResult]:
    """Screen in-memory rows; one result per row, in order.

    Args:
        records: mappings with the record columns of docs/contracts.md (synonyms accepted;
            ``row`` is the 1-based position) or ready :class:`Record` objects.
        as_of: the evaluation date (default today).
        lists: a :class:`ListSet`, or list ids to restrict the bundled (+ user) lists to.
        list_files: user list files to add.
        engine: ``local`` (this machine) or ``spark``; results are identical.
        workers: processes (local) or cores (a local Spark session).

    Example:
        >>> from laborlens.ops.screening import screen
        >>> [r.risk for r in screen([{"name": "Xinjiang Daqo New Energy Co., Ltd."}])]
        ['high']
    """
    list_set = _resolve(lists, list_files)
    runner = engine_for(engine, workers)
    day = as_of or date.today()
    return list(runner.screen([list(_as_records(records))], index_for(list_set), day))


def screen_records(
    records: Iterable[Record],
    index: ScreeningIndex,
    as_of: date,
    memo: Distinct | None = None,
) -> list[ScreenResult]:
    """Screen records in this process, each distinct value once (see ``core/screen.py``).

    The fast path for callers that screen many records themselves (tracing a million-node
    chain): no engine, no copies. Pass one :class:`Distinct` memo to successive calls to carry
    the distinct values across them; results are identical with or without it.
    """
    return screen_batch(records, index, as_of, memo)


def open_inputs(
    paths: Sequence[str | Path],
    *,
    encoding: str | None = None,
    batch_size: int = 2000,
    sheet: str | None = None,
) -> list[RecordStream]:
    """Open every input eagerly, so that a bad file fails before any output is written.

    ``sheet`` (a worksheet name or 1-based number) applies to the XLSX inputs.
    """
    if not paths:
        raise InputError("no input file given")
    streams: list[RecordStream] = []
    try:
        for p in paths:
            is_xlsx = Path(p).suffix.lower() in (".xlsx", ".xlsm")
            streams.append(
                open_records(
                    p, encoding=encoding, batch_size=batch_size, sheet=sheet if is_xlsx else None
                )
            )
    except BaseException:
        for stream in streams:
            stream.close()
        raise
    return streams


def screen_pairs(
    streams: Sequence[RecordStream],
    index: ScreeningIndex,
    as_of: date,
    workers: int = 1,
    engine: str = "local",
) -> Iterator[tuple[Record, ScreenResult]]:
    """Screen opened inputs in order, yielding each record with its result."""
    return engine_for(engine, workers).screen_inputs(streams, index, as_of)


def screen_files(
    paths: Sequence[str | Path],
    *,
    as_of: date | None = None,
    lists: ListsArg = None,
    list_files: Sequence[str | Path] = (),
    encoding: str | None = None,
    settings: Settings | None = None,
    engine: str = "local",
) -> Iterator[ScreenResult]:
    """Screen files, streaming one result per input row in input order (file after file).

    Every file is opened (and checked) before the first result is produced.

    Raises:
        InputError: a file is missing, empty, header-only or cannot be decoded.
        ListError: ``lists`` names an unknown list id.
    """
    cfg = settings or Settings()
    list_set = _resolve(lists, list_files)
    streams = open_inputs(paths, encoding=encoding, batch_size=cfg.batch_size)
    pairs = screen_pairs(streams, index_for(list_set), as_of or date.today(), cfg.workers, engine)
    return (result for _, result in pairs)


def workers_for(requested: int | None, streams: Sequence[RecordStream], settings: Settings) -> int:
    """The worker count: as requested, else 1 for small inputs, else ``settings.workers``."""
    if requested is not None:
        return requested
    size = 0
    for stream in streams:
        try:
            size += stream.path.stat().st_size
        except OSError:
            size += SMALL_INPUT_BYTES
    return 1 if size < SMALL_INPUT_BYTES else settings.workers


@dataclass(slots=True)
class ScreenJob:
    """A screening run of files, ready to go: lists loaded, inputs opened, index compiled."""

    loaded: LoadedLists
    streams: list[RecordStream]
    index: ScreeningIndex
    as_of: date
    engine: Engine

    def meta(self) -> ReportMeta:
        """What every report states about this run."""
        extras: dict[str, None] = {}
        for stream in self.streams:
            extras.update(dict.fromkeys(stream.columns.extra_headers()))
        return ReportMeta(
            as_of=self.as_of,
            lists=tuple(rl.info for rl in self.loaded.lists.lists),
            inputs=tuple(s.name for s in self.streams),
            algorithms=self.index.algorithms(),
            extra_columns=tuple(extras),
        )

    def total_rows(self) -> int | None:
        """The inputs' rows when every input can tell (for progress bars), else ``None``."""
        estimates = [s.estimated_rows for s in self.streams]
        return sum(e for e in estimates if e is not None) if None not in estimates else None

    def pairs(self) -> Iterator[tuple[Record, ScreenResult]]:
        """Each input record with its result, in input order (file after file)."""
        return self.engine.screen_inputs(self.streams, self.index, self.as_of)

    def shape(self, fmt: str, *, full: bool = False, explain: bool = False) -> Shape:
        """The shape of an encoded output of this run (``jsonl`` or ``parquet``)."""
        regimes = tuple(r.id for r in self.index.regimes.regimes)
        return Shape(fmt, full, explain, regimes, self.meta().extra_columns)

    def chunks(self, shape: Shape, resume: Progress | None = None) -> Iterator[Chunk]:
        """The inputs screened and encoded by the engine's workers, chunk by chunk, in order
        (with ``resume``, from the first row a partial output does not hold)."""
        return self.engine.encode_inputs(self.streams, self.index, self.as_of, shape, resume)


def open_job(
    inputs: Sequence[str | Path],
    *,
    as_of: date,
    settings: Settings,
    list_files: Sequence[str | Path] = (),
    lists: Sequence[str] | str | None = None,
    encoding: str | None = None,
    engine: str = "local",
    workers: int | None = None,
    sheet: str | None = None,
    output: Path | None = None,
    build_index: Callable[[ListSet, Path | None], ScreeningIndex] = index_for,
) -> ScreenJob:
    """Load the lists, open (and check) every input and compile the index.

    ``build_index`` (called with the lists and the index cache folder of ``settings``) lets an
    interface show progress around :func:`index_for`; ``output``, the report to write, is checked
    before any work (its folder must exist).

    Raises:
        InputError, ListError, ResourceError, ValueError: unusable input or arguments.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"--workers: must be 1 or more, got {workers}")
    if engine not in ENGINES:
        raise ValueError(f"--engine: unknown engine '{engine}'; use {' or '.join(ENGINES)}")
    if output is not None and not output.absolute().parent.is_dir():
        raise ValueError(f"--output {output}: the folder {output.parent} does not exist")
    loaded = load_lists_checked(list_files, lists, encoding, data_dir=settings.data_dir)
    streams = open_inputs(inputs, encoding=encoding, batch_size=settings.batch_size, sheet=sheet)
    try:
        index = build_index(loaded.lists, settings.index_cache_dir)
    except BaseException:
        for stream in streams:
            stream.close()
        raise
    runner = engine_for(engine, workers_for(workers, streams, settings))
    return ScreenJob(loaded, streams, index, as_of, runner)
