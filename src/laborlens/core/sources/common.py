"""Shared pieces of the list parsers: the error type, entry records, country codes, dates."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from laborlens.core import resources


class SourceError(ValueError):
    """A list file cannot be parsed; the message names the file, the row and what was expected."""


@cache
def _countries() -> dict[str, str]:
    table: dict[str, str] = resources.read_json("lists/countries.json")
    return table


def country_code(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name as the lists write it, or None when unknown."""
    key = " ".join(name.strip().lower().split())
    if not key:
        return None
    if len(key) == 2 and key.isalpha():
        return key.upper()
    return _countries().get(key) or None


def clean(value: object) -> str:
    """Text of a cell, stripped; OFAC's ``-0-`` (empty) and None become ''."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return "" if text == "-0-" else text


def slug(text: str, *, fold: bool = True) -> str:
    """A short ASCII id fragment of a name (``fold``: accented letters lose their accents
    instead of splitting the word, ``Açaí`` -> ``acai``)."""
    if fold:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def name_key(text: str) -> str:
    """The identity key of a printed name: case, punctuation and spacing ignored.

    ``Xinjiang Daqo New Energy, Co. Ltd`` and ``Xinjiang Daqo New Energy Co., Ltd.`` share a key.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y")


def parse_day(text: str) -> date | None:
    """A date in any of the forms the lists print (ISO, US numeric, ``June 21, 2022``)."""
    value = text.strip().rstrip(".")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def entry(
    list_id: str,
    entry_id: str,
    name: str,
    *,
    aliases: list[str] | None = None,
    former_names: list[str] | None = None,
    schema: str = "Company",
    addresses: list[str] | None = None,
    countries: list[str] | None = None,
    programs: list[str] | None = None,
    effective_date: str | None = None,
    end_date: str | None = None,
    subsidiaries: bool = False,
    properties: dict[str, str] | None = None,
    name_since: dict[str, str] | None = None,
    source: str = "",
) -> dict[str, Any]:
    """One list entry as the JSON object the bundled ``*.jsonl`` files hold.

    Aliases equal to the name or to each other (ignoring case) are dropped; former names are
    kept among the aliases and named again in ``former_names``.
    """
    seen: set[str] = {name.strip().casefold()}
    alias_out: list[str] = []
    for a in [*(aliases or []), *(former_names or [])]:
        a = a.strip().strip(";,").strip()
        if a and a.casefold() not in seen:
            seen.add(a.casefold())
            alias_out.append(a)
    fka = {f.strip().strip(";,").strip().casefold() for f in former_names or []}
    return {
        "list_id": list_id,
        "entry_id": entry_id,
        "name": name.strip(),
        "aliases": alias_out,
        "former_names": [a for a in alias_out if a.casefold() in fka],
        "schema": schema,
        "addresses": [a for a in (addresses or []) if a],
        "countries": sorted({c for c in (countries or []) if c}),
        "programs": [p for p in (programs or []) if p],
        "effective_date": effective_date,
        "end_date": end_date,
        "subsidiaries": subsidiaries,
        "properties": {k: v for k, v in (properties or {}).items() if v},
        "name_since": dict(sorted((name_since or {}).items())),
        "source": source,
    }


def unique_ids(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries with their ids made unique (``-2``, ``-3`` … appended to repeats, in order)."""
    seen: dict[str, int] = {}
    for e in entries:
        base = e["entry_id"]
        n = seen.get(base, 0) + 1
        seen[base] = n
        if n > 1:
            e["entry_id"] = f"{base}-{n}"
    return entries


def csv_rows(
    text: str, source: str, required: Sequence[str], *, label: str = ""
) -> Iterator[tuple[int, dict[str, str]]]:
    """(data row number, cleaned row) of a publisher's CSV file whose header must hold
    ``required``; ``label`` names the file kind in the error ("Consolidated Screening List ").

    Raises:
        SourceError: a required column is missing (the message names what was found).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or ()]
    missing = [c for c in required if c not in header]
    if missing:
        raise SourceError(
            f"{source}: expected the {label}columns {', '.join(required)}; missing "
            f"{', '.join(missing)} (found {', '.join(header) or 'no header'})"
        )
    for n, raw in enumerate(reader, start=1):
        yield n, {str(k).strip(): clean(v) for k, v in raw.items() if k is not None}
