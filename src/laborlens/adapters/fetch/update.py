"""Explicit list updates and imports (the only network use of laborlens is the download).

``laborlens lists update`` downloads each updatable list from its publisher, parses it with the
same parsers that built the bundled snapshot (:mod:`laborlens.core.sources`), verifies it, and
stores all of them as one new version of the data folder (:mod:`.store`): a download that fails,
does not parse, or shrank below :data:`MIN_KEEP` of the copy in use stops the whole update and
the lists in use stay as they were. ``laborlens lists import FILE --as LIST_ID`` does the same
with a file an analyst saved by hand, in an official or an OpenSanctions format.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.fetch import store
from laborlens.core import sources
from laborlens.core.lists import (
    ListSet,
    ReferenceList,
    load_bundled,
    user_list,
    with_freshness,
)
from laborlens.core.sources import bis, cbp, ofac, uflpa
from laborlens.core.sources.detect import FORMATS, Format, detect, parse

Fetch = Callable[[str], bytes]

UFLPA_URL = uflpa.URL
CBP_URL = cbp.URL
#: OFAC's current export service first, the legacy download folder second.
OFAC_SDN_URLS = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV",
    ofac.BASE_URL + "sdn.csv",
)
BIS_CSL_URL = bis.CSL_URL
#: A new copy must keep at least this share of the entries of the copy it replaces.
MIN_KEEP = 0.8


class UpdateError(ValueError):
    """An update or import could not be completed; nothing was replaced (a user error: the
    message says what was expected and found, or how to recover)."""


@dataclass(frozen=True, slots=True)
class UpdateReport:
    list_id: str
    entries: int
    previous: int
    path: Path
    source: str = ""


@dataclass(frozen=True, slots=True)
class Downloaded:
    """What one updater fetched: the raw files (name -> bytes), their format and URL."""

    raw: dict[str, bytes]
    fmt: Format
    url: str


def http_fetch(url: str, timeout: float = 60.0) -> bytes:
    """GET a URL (the default fetcher)."""
    req = urllib.request.Request(url, headers={"User-Agent": "laborlens list updater"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return bytes(resp.read())
    except (OSError, ValueError) as exc:
        raise UpdateError(f"could not download {url}: {exc}") from exc


def _first(fetch: Fetch, urls: Sequence[str]) -> tuple[bytes, str]:
    errors = []
    for url in urls:
        try:
            return fetch(url), url
        except UpdateError as exc:
            errors.append(str(exc))
    raise UpdateError("; ".join(errors))


def _uflpa(fetch: Fetch) -> Downloaded:
    return Downloaded(
        {"uflpa-entity-list.html": fetch(UFLPA_URL)}, FORMATS["dhs_uflpa_page"], UFLPA_URL
    )


_CSV_LINK = re.compile(r'href="([^"]+\.csv[^"]*)"', re.I)


def _cbp(fetch: Fetch) -> Downloaded:
    page = fetch(CBP_URL).decode("utf-8", errors="replace")
    links = [
        urllib.parse.urljoin(CBP_URL, m)
        for m in _CSV_LINK.findall(page)
        if re.search(r"withhold|wro|finding", m, re.I)
    ]
    if not links:
        raise UpdateError(
            f"{CBP_URL}: expected a link to CBP's Withhold Release Orders and Findings CSV "
            "on the page, found none; the page layout may have changed"
        )
    data = fetch(links[0])
    return Downloaded(
        {Path(urllib.parse.urlparse(links[0]).path).name: data}, FORMATS["cbp_csv"], links[0]
    )


def _ofac(fetch: Fetch) -> Downloaded:
    data, url = _first(fetch, OFAC_SDN_URLS)
    return Downloaded({"sdn.csv": data}, FORMATS["ofac_sdn_csv"], url)


def _bis(fetch: Fetch) -> Downloaded:
    return Downloaded({"consolidated.csv": fetch(BIS_CSL_URL)}, FORMATS["csl_csv"], BIS_CSL_URL)


UPDATERS: dict[str, Callable[[Fetch], Downloaded]] = {
    "us_uflpa_entity_list": _uflpa,
    "us_cbp_wro_findings": _cbp,
    "us_ofac_sdn": _ofac,
    "us_bis_entity_list": _bis,
}


def in_use(data_dir: Path) -> ListSet:
    """The lists in use: the bundled ones with the data folder's versions in their place."""
    try:
        return load_bundled().replace(store.load_current(data_dir))
    except store.StoreError as exc:
        raise UpdateError(str(exc)) from None


def load_updated(data_dir: Path) -> list[ReferenceList]:
    """The lists of the data folder's version in use (none when the bundled ones are used)."""
    try:
        return store.load_current(data_dir)
    except store.StoreError as exc:
        raise UpdateError(str(exc)) from None


def with_updates(lists: ListSet, data_dir: Path, today: date | None = None) -> ListSet:
    """``lists`` with the data folder's copies in place of bundled ones, freshness marked for
    ``today`` (default: the current date)."""
    try:
        stored = store.load_current(data_dir)
    except store.StoreError as exc:
        raise UpdateError(str(exc)) from None
    return with_freshness(lists.replace(stored), today or date.today())


def _entries_body(entries: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)


def _manifest(
    base: ReferenceList | None,
    list_id: str,
    entries: list[dict[str, Any]],
    body: str,
    *,
    source: str,
    fmt: Format | None,
    raw: dict[str, bytes],
    origin: str,
    today: date,
) -> dict[str, Any]:
    info = base.info if base else None
    third = bool(fmt and fmt.third_party)
    note = (
        f"{'THIRD-PARTY PARSE ' if third else ''}{origin} on {today.isoformat()} from {source}"
        + (f" ({fmt.label})" if fmt else " (user list)")
    )
    return {
        "list_id": list_id,
        "title": info.title if info else f"List {list_id}",
        "publisher": info.publisher if info else "user",
        "source": source,
        "snapshot_date": today.isoformat(),
        "published": None,
        "rows": len(entries),
        "entries": len(entries),
        "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
        "complete": True,
        "completeness_note": note,
        "cadence_days": info.cadence_days if info else None,
        "cadence": info.cadence if info else None,
        "kind": info.kind if info else "entities",
        "origin": origin,
        "file": f"{list_id}.jsonl",
        "sources": [
            {
                "file": name,
                "format": fmt.id if fmt else "user_table",
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "url": source,
            }
            for name, data in raw.items()
        ],
    }


def _check_size(list_id: str, new: int, current: ListSet, force: bool) -> int:
    previous = current.info(list_id).entries if list_id in current.ids() else 0
    if not force and previous and new < MIN_KEEP * previous:
        raise UpdateError(
            f"{list_id}: the new copy has {new} entries, fewer than {MIN_KEEP:.0%} of the "
            f"{previous} in use; refusing to replace it (a truncated or changed file?)"
        )
    return previous


def update_lists(
    data_dir: Path,
    list_ids: Sequence[str] | None = None,
    *,
    fetch: Fetch | None = None,
    today: date | None = None,
) -> list[UpdateReport]:
    """Download, parse, check and store fresh copies of the updatable lists, all or nothing.

    Raises:
        UpdateError: a download failed, a file did not parse, a copy shrank suspiciously, or
            the data folder cannot be written; the lists in use are unchanged.
    """
    get = fetch or http_fetch
    day = today or date.today()
    ids = list(dict.fromkeys(list_ids)) if list_ids else list(UPDATERS)
    unknown = [i for i in ids if i not in UPDATERS]
    if unknown:
        raise UpdateError(
            f"cannot update {', '.join(unknown)}; updatable lists: {', '.join(UPDATERS)}"
        )
    current = in_use(data_dir)
    new: list[store.NewList] = []
    reports = []
    for list_id in ids:
        got = UPDATERS[list_id](get)
        try:
            data = b"".join(got.raw.values())
            entries = parse(data, got.fmt, list_id, got.url)
        except sources.SourceError as exc:
            raise UpdateError(f"{list_id}: {exc}; the lists in use are unchanged") from None
        previous = _check_size(list_id, len(entries), current, force=False)
        body = _entries_body(entries)
        base = current.get(list_id) if list_id in current.ids() else None
        obj = _manifest(
            base,
            list_id,
            entries,
            body,
            source=got.url,
            fmt=got.fmt,
            raw=got.raw,
            origin="downloaded",
            today=day,
        )
        new.append(store.NewList(obj, body, got.raw))
        reports.append(UpdateReport(list_id, len(entries), previous, Path(), got.url))
    try:
        version = store.commit(data_dir, new, note=f"update: {', '.join(ids)}")
    except store.StoreError as exc:
        raise UpdateError(str(exc)) from None
    return [
        UpdateReport(
            r.list_id, r.entries, r.previous, version.path / f"{r.list_id}.jsonl", r.source
        )
        for r in reports
    ]


_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def read_list_file(
    path: Path, list_id: str | None, rows_reader: Callable[[Path], Any] | None = None
) -> tuple[list[dict[str, Any]], Format | None, str]:
    """Entries of a list file in any accepted format, as list ``list_id``.

    An official format names its own list (used when ``list_id`` is None); a file in another
    list's official format cannot be imported as ``list_id``. A table that is no known format
    is read as a plain user list by ``rows_reader`` (column names as in ``--list-file``).

    Returns:
        (entries, detected format or None, the list id used).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UpdateError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise UpdateError(f"{path}: the file is empty; expected a list file")
    fmt = detect(data)
    target = list_id or (fmt.list_id if fmt else None)
    if target is None or not _ID.match(target):
        raise UpdateError(
            f"{path}: say which list this is with --as LIST_ID (lower-case letters, digits, _)"
            if target is None
            else f"--as: '{target}' is not a list id (lower-case letters, digits and _)"
        )
    if fmt and fmt.list_id and fmt.list_id != target:
        raise UpdateError(
            f"{path}: this is the {fmt.label}, which is list {fmt.list_id}, not {target}"
        )
    if fmt is None:
        if rows_reader is None:
            raise UpdateError(f"{path}: not a known list format")
        lists, errors = user_list(target, rows_reader(path), source=str(path))
        if errors:
            raise UpdateError(f"{path}: {len(errors)} row(s) cannot be used, first: {errors[0]}")
        if not lists:
            raise UpdateError(f"{path}: no usable entry (every row lacks a name)")
        entries = [_entry_dict(e) for rl in lists for e in rl.entries]
        for e in entries:
            e["list_id"] = target
        return entries, None, target
    try:
        return parse(data, fmt, target, str(path)), fmt, target
    except sources.SourceError as exc:
        raise UpdateError(str(exc)) from None


def _entry_dict(e: Any) -> dict[str, Any]:
    return {
        "list_id": e.list_id,
        "entry_id": e.entry_id,
        "name": e.name,
        "aliases": list(e.aliases),
        "former_names": list(e.former_names),
        "schema": e.schema,
        "addresses": list(e.addresses),
        "countries": list(e.countries),
        "programs": list(e.programs),
        "effective_date": e.effective_date.isoformat() if e.effective_date else None,
        "end_date": e.end_date.isoformat() if e.end_date else None,
        "subsidiaries": e.subsidiaries,
        "properties": dict(e.properties),
        "name_since": {n: d.isoformat() for n, d in e.name_since},
        "source": e.source,
    }


def import_list(
    data_dir: Path,
    path: Path,
    list_id: str | None,
    *,
    rows_reader: Callable[[Path], Any] | None = None,
    force: bool = False,
    today: date | None = None,
) -> UpdateReport:
    """Store a list file as list ``list_id`` (replacing the bundled or downloaded copy).

    Raises:
        UpdateError: the file is unreadable, in another list's format, does not parse, or
            shrank below :data:`MIN_KEEP` of the copy in use (unless ``force``).
    """
    entries, fmt, target = read_list_file(path, list_id, rows_reader)
    # the copy is as old as the file the analyst saved, not as the import
    day = today or date.fromtimestamp(path.stat().st_mtime)
    current = in_use(data_dir)
    previous = _check_size(target, len(entries), current, force)
    body = _entries_body(entries)
    base = current.get(target) if target in current.ids() else None
    obj = _manifest(
        base,
        target,
        entries,
        body,
        source=str(path.name),
        fmt=fmt,
        raw={path.name: path.read_bytes()},
        origin="imported",
        today=day,
    )
    try:
        version = store.commit(
            data_dir,
            [store.NewList(obj, body, {path.name: path.read_bytes()})],
            note=f"import: {path.name} as {target}",
        )
    except store.StoreError as exc:
        raise UpdateError(str(exc)) from None
    return UpdateReport(target, len(entries), previous, version.path / obj["file"], path.name)
