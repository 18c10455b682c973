"""Explicit list updates from the official publishers (the only network use of laborlens).

``laborlens lists update`` downloads the UFLPA Entity List page (DHS) and OFAC's SDN legacy CSV
files, parses them with the same parsers that built the bundled snapshot
(:mod:`laborlens.core.sources`), and stores them in ``<data_dir>/lists`` with a manifest.
Screening then prefers these copies over the bundled ones. A download that parses to far fewer
entries than the copy it would replace is refused: a changed page layout must not silently
empty a list.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.core import sources
from laborlens.core.lists import ListSet, ReferenceList, lists_from_manifest, load_bundled

Fetch = Callable[[str], bytes]

UFLPA_URL = "https://www.dhs.gov/uflpa-entity-list"
OFAC_BASE = "https://www.treasury.gov/ofac/downloads/"
#: A new copy must keep at least this share of the entries of the copy it replaces.
MIN_KEEP = 0.8


class UpdateError(RuntimeError):
    """An update could not be completed; nothing was replaced."""


@dataclass(frozen=True, slots=True)
class UpdateReport:
    list_id: str
    entries: int
    previous: int
    path: Path


def http_fetch(url: str, timeout: float = 60.0) -> bytes:
    """GET a URL (the default fetcher)."""
    req = urllib.request.Request(url, headers={"User-Agent": "laborlens list updater"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return bytes(resp.read())
    except OSError as exc:
        raise UpdateError(f"could not download {url}: {exc}") from exc


def _download_uflpa(fetch: Fetch) -> tuple[list[dict[str, Any]], str]:
    html = fetch(UFLPA_URL).decode("utf-8", errors="replace")
    return sources.parse_uflpa_html(html, UFLPA_URL), UFLPA_URL


def _download_ofac(fetch: Fetch) -> tuple[list[dict[str, Any]], str]:
    texts = [fetch(OFAC_BASE + f).decode("latin-1") for f in ("sdn.csv", "add.csv", "alt.csv")]
    return sources.parse_ofac(*texts), OFAC_BASE + "{sdn,add,alt}.csv"


UPDATERS: dict[str, tuple[str, str, Callable[[Fetch], tuple[list[dict[str, Any]], str]]]] = {
    "us_uflpa_entity_list": (
        "UFLPA Entity List",
        "US Department of Homeland Security, Forced Labor Enforcement Task Force",
        _download_uflpa,
    ),
    "us_ofac_sdn": (
        "OFAC Specially Designated Nationals and Blocked Persons List",
        "US Department of the Treasury, Office of Foreign Assets Control",
        _download_ofac,
    ),
}


def _manifest_path(data_dir: Path) -> Path:
    return data_dir / "lists" / "manifest.json"


def _read_manifest(data_dir: Path) -> list[dict[str, Any]]:
    path = _manifest_path(data_dir)
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UpdateError(f"{path}: unreadable manifest ({exc})") from exc
    if not isinstance(data, list):
        raise UpdateError(f"{path}: manifest is not a list")
    return data


def load_updated(data_dir: Path) -> list[ReferenceList]:
    """Lists previously downloaded into ``data_dir`` (none when there are none)."""
    folder = data_dir / "lists"
    manifest = _read_manifest(data_dir)
    return lists_from_manifest(
        manifest, lambda f: (folder / f).read_text(encoding="utf-8"), where=str(folder)
    )


def with_updates(lists: ListSet, data_dir: Path) -> ListSet:
    """``lists`` with any downloaded copies in ``data_dir`` taking the place of bundled ones."""
    return lists.replace(load_updated(data_dir))


def update_lists(
    data_dir: Path,
    list_ids: Sequence[str] | None = None,
    *,
    fetch: Fetch | None = None,
    today: date | None = None,
) -> list[UpdateReport]:
    """Download, parse, check and store fresh copies of the updatable lists.

    Raises:
        UpdateError: a download failed, a page did not parse, or a copy shrank suspiciously.
    """
    get = fetch or http_fetch
    ids = list(list_ids) if list_ids else list(UPDATERS)
    unknown = [i for i in ids if i not in UPDATERS]
    if unknown:
        raise UpdateError(
            f"cannot update {', '.join(unknown)}; updatable lists: {', '.join(UPDATERS)}"
        )
    current = with_updates(load_bundled(), data_dir)
    manifest = {m["list_id"]: m for m in _read_manifest(data_dir)}
    folder = data_dir / "lists"
    folder.mkdir(parents=True, exist_ok=True)
    reports = []
    for list_id in ids:
        title, publisher, download = UPDATERS[list_id]
        try:
            entries, url = download(get)
        except sources.SourceError as exc:
            raise UpdateError(f"{list_id}: {exc}") from exc
        previous = current.info(list_id).entries
        if len(entries) < MIN_KEEP * previous:
            raise UpdateError(
                f"{list_id}: the download parsed to {len(entries)} entries, fewer than "
                f"{MIN_KEEP:.0%} of the {previous} in use; refusing to replace it"
            )
        body = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
        path = folder / f"{list_id}.jsonl"
        path.write_text(body, encoding="utf-8")
        manifest[list_id] = {
            "list_id": list_id,
            "title": title,
            "publisher": publisher,
            "source": url,
            "snapshot_date": (today or date.today()).isoformat(),
            "rows": len(entries),
            "entries": len(entries),
            "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
            "complete": True,
            "completeness_note": None,
            "kind": "entities",
            "file": path.name,
        }
        reports.append(UpdateReport(list_id, len(entries), previous, path))
    _manifest_path(data_dir).write_text(
        json.dumps(list(manifest.values()), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return reports
