"""The screening operations of the Python API (DESIGN.md §3.4), shared by the CLI.

``load_lists`` assembles the reference lists (bundled, plus user lists, optionally restricted),
``screen`` screens in-memory rows, and ``screen_files`` streams files through the local engine.
The compiled screening index is cached per list set, so calling ``screen`` in a loop does not
rebuild it.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Any

from laborlens.adapters.engine.local import screen_stream
from laborlens.adapters.io.readers import InputError, RecordStream, open_records
from laborlens.core.lists import ListError, ListSet
from laborlens.core.model import Record, RowError, ScreenResult
from laborlens.core.records import ColumnMap, build_record
from laborlens.core.screen import ScreeningIndex, screen_batch
from laborlens.settings import Settings

__all__ = [
    "InputError",
    "ListError",
    "LoadedLists",
    "index_for",
    "load_lists",
    "load_lists_checked",
    "open_inputs",
    "screen",
    "screen_files",
    "screen_pairs",
]

ListsArg = ListSet | Sequence[str] | str | None


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


def index_for(lists: ListSet) -> ScreeningIndex:
    """The compiled index for a list set (built once per list-set object, then cached)."""
    with _CACHE_LOCK:
        hit = _CACHE.get(id(lists))
        if hit is not None and hit[0] is lists:
            return hit[1]
    index = ScreeningIndex.build(lists)
    # the index is large, immutable and kept: take it (and the lists) out of the collector's
    # scans, which otherwise revisit millions of objects during screening
    gc.collect()
    gc.freeze()
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(lists)] = (lists, index)
    return index


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
) -> list[ScreenResult]:
    """Screen in-memory rows; one result per row, in order.

    Args:
        records: mappings with the columns of DESIGN.md §3.1 (synonyms accepted; ``row`` is the
            1-based position) or ready :class:`Record` objects.
        as_of: the evaluation date (default today).
        lists: a :class:`ListSet`, or list ids to restrict the bundled (+ user) lists to.
        list_files: user list files to add.

    Example:
        >>> from laborlens.ops.screening import screen
        >>> [r.risk for r in screen([{"name": "Xinjiang Daqo New Energy Co., Ltd."}])]
        ['high']
    """
    list_set = _resolve(lists, list_files)
    return screen_batch(_as_records(records), index_for(list_set), as_of or date.today())


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
    streams = []
    for p in paths:
        is_xlsx = Path(p).suffix.lower() in (".xlsx", ".xlsm")
        streams.append(
            open_records(
                p, encoding=encoding, batch_size=batch_size, sheet=sheet if is_xlsx else None
            )
        )
    return streams


def screen_pairs(
    streams: Sequence[RecordStream],
    index: ScreeningIndex,
    as_of: date,
    workers: int = 1,
) -> Iterator[tuple[Record, ScreenResult]]:
    """Screen opened inputs in order, yielding each record with its result.

    The records of the batches in flight are kept (a bounded window: the engine's look-ahead)
    so that writers can show the input name and file next to the result.
    """
    in_flight: deque[Record] = deque()

    def batches() -> Iterator[list[Record]]:
        for stream in streams:
            for batch in stream:
                in_flight.extend(batch)
                yield batch

    for result in screen_stream(batches(), index, as_of, workers):
        record = in_flight.popleft()
        yield record, result


def screen_files(
    paths: Sequence[str | Path],
    *,
    as_of: date | None = None,
    lists: ListsArg = None,
    list_files: Sequence[str | Path] = (),
    encoding: str | None = None,
    settings: Settings | None = None,
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
    index = index_for(list_set)
    day = as_of or date.today()

    def gen() -> Iterator[ScreenResult]:
        for _, result in screen_pairs(streams, index, day, cfg.workers):
            yield result

    return gen()
