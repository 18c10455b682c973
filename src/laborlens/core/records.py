"""Records to screen: column synonyms and turning a row of text into a :class:`Record`.

Pure: readers (adapters) hand in header names and cell values; this module decides which column
means what (docs/contracts.md) and cleans each value, reporting every problem as a per-row
:class:`RowError` instead of failing the file.

Column matching. A header is normalised (Unicode NFKC, case-folded, runs of spaces and
punctuation turned into ``_``) and then compared with the canonical field names and the synonyms
of ``resources/columns.yaml`` (with and without underscores, so ``SupplierName``,
``supplier name`` and ``supplier-name`` all mean ``name``). A canonical name beats a synonym;
otherwise the first column wins and any later column for the same field is carried through as an
extra column.
Two fields gather several columns instead: ``address`` joins every address-part column (street,
city, province, postal code … in input order, separated by ``", "``) so that a separate ``City``
column still reaches place detection, and ``aliases`` joins every alternative-name column
(``aliases``, ``english_name``, ``former_names`` …).

Cleaning. Text is stripped; line breaks and tabs inside a cell become spaces; zero-width and
byte-order marks are dropped; other control characters are removed with a row error. A value
longer than :data:`MAX_FIELD_CHARS` characters is cut to that length with a row error (the row is
still screened on the first part). ``lat``/``lon`` must be decimal degrees in range; otherwise
both are dropped with a row error naming the column. When a row has no ``name`` but has aliases,
the first alias is used as the name.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from laborlens.core import columns
from laborlens.core.model import RECORD_FIELDS, Record, RowError

#: Longest value screened in one field; longer values are cut with a row error. Real names and
#: addresses are far shorter; the cap keeps a malformed 10,000-character cell from slowing the
#: matchers down or flooding reports.
MAX_FIELD_CHARS = 2000
#: Most aliases taken from one row (the rest are dropped with a row error).
MAX_ALIASES = 50

#: Canonical field -> header synonyms (already in normalised form: case-folded, ``_`` for
#: spaces and punctuation), from ``resources/columns.yaml``.
COLUMN_SYNONYMS: Mapping[str, tuple[str, ...]] = columns.synonyms("record")

#: Fields that collect several input columns (joined with the separator) instead of first-wins.
_MERGED: Mapping[str, str] = {"address": ", ", "aliases": "; "}
_ALIAS_SPLIT = re.compile(r"\s*[;；]\s*")
_HEADER_PUNCT = re.compile(r"[^\w]+")
# whitespace-like control characters: turned into a space without complaint
_SOFT_SPACE = re.compile(r"[\t\n\r\v\f\u0085\u2028\u2029]+")
# invisible marks that copy-paste and Excel leave behind: dropped without complaint
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# every other C0/C1 control character (category Cc): removed with a row error
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def normalize_header(header: object) -> str:
    """A header in comparable form: NFKC, case-folded, punctuation runs as ``_``."""
    text = unicodedata.normalize("NFKC", str(header if header is not None else "")).casefold()
    text = text.replace("\ufeff", "")
    return _HEADER_PUNCT.sub("_", text).strip("_")


def _build_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for fld, synonyms in COLUMN_SYNONYMS.items():
        for syn in synonyms:
            for key in (syn, syn.replace("_", "")):
                table.setdefault(key, fld)
    return table


_LOOKUP = _build_lookup()
_CANONICAL = {f: f for f in RECORD_FIELDS} | {f.replace("_", ""): f for f in RECORD_FIELDS}


def field_for_header(header: object) -> tuple[str | None, bool]:
    """The canonical field a header names, and whether it was named exactly (not a synonym)."""
    key = normalize_header(header)
    if key in _CANONICAL:
        return _CANONICAL[key], True
    squashed = key.replace("_", "")
    if squashed in _CANONICAL:
        return _CANONICAL[squashed], True
    found = _LOOKUP.get(key) or _LOOKUP.get(squashed)
    return found, False


def assign_fields(
    headers: Sequence[object],
    guess: Callable[[str], tuple[str | None, bool]],
    merged: Collection[str],
) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """Header names (blank ones named ``column_N``) and the field each column feeds.

    ``guess`` maps a header to ``(field, exact)``. Exact names claim their field before any
    synonym can; otherwise the first column wins, except for the ``merged`` fields, whose
    columns are all used.
    """
    names = tuple(
        str(h).replace("\ufeff", "").strip() if h is not None and str(h).strip() else f"column_{i}"
        for i, h in enumerate(headers, start=1)
    )
    guesses = [guess(h) for h in names]
    fields: list[str | None] = [None] * len(names)
    taken: set[str] = set()
    for exact_pass in (True, False):
        for i, (fld, exact) in enumerate(guesses):
            if fld is None or exact is not exact_pass:
                continue
            if fld in merged or fld not in taken:
                fields[i] = fld
                taken.add(fld)
    return names, tuple(fields)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """How the columns of one input map onto record fields.

    Attributes:
        headers: the input headers as given (blank headers named ``column_N``).
        fields: for each column, the field it feeds, or ``None`` when carried as an extra column.
    """

    headers: tuple[str, ...]
    fields: tuple[str | None, ...]

    @classmethod
    def from_headers(cls, headers: Sequence[object]) -> ColumnMap:
        """Map headers to fields (canonical names first, then synonyms, first column wins)."""
        names, fields = assign_fields(headers, field_for_header, _MERGED)
        return cls(names, fields)

    def mapped(self) -> dict[str, tuple[str, ...]]:
        """Field -> the input headers feeding it (for messages such as 'Supplier Name → name')."""
        out: dict[str, list[str]] = {}
        for header, fld in zip(self.headers, self.fields, strict=True):
            if fld:
                out.setdefault(fld, []).append(header)
        return {k: tuple(v) for k, v in out.items()}

    def extra_headers(self) -> tuple[str, ...]:
        """Headers carried through untouched, in input order."""
        return tuple(h for h, f in zip(self.headers, self.fields, strict=True) if f is None)

    def has_screenable_column(self) -> bool:
        """Whether any column feeds a field that screening can use."""
        return any(
            f in ("name", "aliases", "address", "registration_id", "hs_code", "product")
            for f in self.fields
        )


def to_text(value: object) -> str | None:  # noqa: PLR0912 - one branch per cell type
    """A cell value as text: numbers without a spurious ``.0``, dates in ISO form, lists joined.

    ``None`` (and NaN) give ``None``; strings are returned unchanged.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple):
        parts = [to_text(v) for v in value]
        return "; ".join(p for p in parts if p)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def clean_text(value: str | None, *, limit: int = MAX_FIELD_CHARS) -> tuple[str | None, list[str]]:
    """Strip, unify whitespace, drop control characters and cap the length.

    Returns:
        The cleaned text (``None`` when empty) and plain-words problems found (empty when fine).
    """
    if value is None:
        return None, []
    problems: list[str] = []
    text = _INVISIBLE.sub("", _SOFT_SPACE.sub(" ", value))
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
        problems.append("control characters removed")
    text = " ".join(text.split()) if "  " in text else text.strip()
    if len(text) > limit:
        problems.append(
            f"value is {len(text):,} characters long; only the first {limit:,} were screened"
        )
        text = text[:limit].rstrip()
    return (text or None), problems


def _coordinate(text: str, low: float, high: float) -> float | None:
    candidate = text.strip().replace("°", "")
    if candidate.count(",") == 1 and "." not in candidate:
        candidate = candidate.replace(",", ".")  # decimal comma (European spreadsheets)
    try:
        number = float(candidate)
    except ValueError:
        return None
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return number


def build_record(
    values: Sequence[object],
    columns: ColumnMap,
    row: int,
    source: str | None = None,
) -> Record:
    """Build one :class:`Record` from a row's cell values (any Python scalar).

    Args:
        values: the cells, in the order of ``columns.headers``; missing cells count as empty.
        columns: the column map of the input.
        row: the 1-based data row number (also the default ``id``).
        source: the file name, recorded on the record and its errors.
    """
    errors: list[RowError] = []
    collected: dict[str, list[tuple[str, str]]] = {}
    extra: list[tuple[str, str]] = []
    width = len(columns.headers)
    if len(values) > width and any(to_text(v) for v in values[width:]):
        errors.append(
            RowError(
                f"row has {len(values)} values but the header has {width} columns; "
                "the values past the last column were kept as column_N",
                None,
                row,
                source,
            )
        )
    for i, raw in enumerate(values):
        header = columns.headers[i] if i < width else f"column_{i + 1}"
        fld = columns.fields[i] if i < width else None
        text = to_text(raw)
        if fld is None:
            if i < width or text:
                extra.append((header, text if text is not None else ""))
            continue
        cleaned, problems = clean_text(text)
        errors.extend(RowError(p, header, row, source) for p in problems)
        if cleaned is not None:
            collected.setdefault(fld, []).append((header, cleaned))
    for i in range(len(values), width):  # short rows: carry the missing extras as empty
        if columns.fields[i] is None:
            extra.append((columns.headers[i], ""))

    def first(fld: str) -> str | None:
        got = collected.get(fld)
        return got[0][1] if got else None

    aliases = _aliases(collected.get("aliases", ()), errors, row, source)
    name = first("name")
    if name is None and aliases:
        name, aliases = aliases[0], aliases[1:]
    address_parts = [text for _, text in collected.get("address", ())]
    address = ", ".join(dict.fromkeys(address_parts)) if address_parts else None
    lat, lon = _coordinates(collected, errors, row, source)

    return Record(
        row=row,
        id=first("id") or str(row),
        name=name,
        aliases=tuple(aliases),
        address=address,
        country=first("country"),
        registration_id=first("registration_id"),
        phone=first("phone"),
        hs_code=first("hs_code"),
        product=first("product"),
        lat=lat,
        lon=lon,
        extra=tuple(extra),
        errors=tuple(errors),
        source=source,
    )


def _aliases(
    cells: Iterable[tuple[str, str]], errors: list[RowError], row: int, source: str | None
) -> list[str]:
    """The alias cells split on ``;``, without repeats, at most :data:`MAX_ALIASES`."""
    aliases: list[str] = []
    for header, text in cells:
        for alias in _ALIAS_SPLIT.split(text):
            if alias and alias not in aliases:
                aliases.append(alias)
        if len(aliases) > MAX_ALIASES:
            errors.append(
                RowError(
                    f"more than {MAX_ALIASES} aliases; the rest were ignored", header, row, source
                )
            )
            return aliases[:MAX_ALIASES]
    return aliases


def _coordinates(
    collected: Mapping[str, list[tuple[str, str]]],
    errors: list[RowError],
    row: int,
    source: str | None,
) -> tuple[float | None, float | None]:
    """``lat``/``lon`` in decimal degrees, both or neither (problems become row errors)."""
    lat_lon: list[float | None] = []
    for fld, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        got = collected.get(fld)
        if not got:
            lat_lon.append(None)
            continue
        header, text = got[0]
        number = _coordinate(text, low, high)
        if number is None:
            errors.append(
                RowError(
                    f"'{text[:40]}' is not a {'latitude' if fld == 'lat' else 'longitude'} "
                    f"in decimal degrees ({low:g} to {high:g}); coordinates ignored",
                    header,
                    row,
                    source,
                )
            )
        lat_lon.append(number)
    lat, lon = lat_lon
    if (lat is None) != (lon is None):
        if (collected.get("lat") is None) != (collected.get("lon") is None):
            missing = "lon" if lat is not None else "lat"
            errors.append(
                RowError(
                    f"{missing} is missing; coordinates need both lat and lon", missing, row, source
                )
            )
        return None, None
    return lat, lon


def record_from_mapping(
    mapping: Mapping[str, Any],
    row: int,
    source: str | None = None,
    *,
    columns: ColumnMap | None = None,
) -> Record:
    """Build a :class:`Record` from a ``{column: value}`` mapping (JSON object, dict row).

    Args:
        mapping: column name -> value; names are matched like file headers.
        row: the 1-based row number (default ``id``).
        source: where the row came from.
        columns: a precomputed map for ``list(mapping)`` (speeds up many rows with equal keys).
    """
    keys = list(mapping)
    cmap = columns if columns is not None and list(columns.headers) == keys else None
    if cmap is None:
        cmap = ColumnMap.from_headers(keys)
    return build_record([mapping[k] for k in keys], cmap, row, source)


def records_from_mappings(
    rows: Iterable[Mapping[str, Any]], source: str | None = None, start: int = 1
) -> Iterable[Record]:
    """Records from mappings, numbering rows from ``start`` and reusing column maps."""
    cache: dict[tuple[str, ...], ColumnMap] = {}
    for n, mapping in enumerate(rows, start=start):
        key = tuple(mapping)
        cmap = cache.get(key)
        if cmap is None:
            cmap = cache.setdefault(key, ColumnMap.from_headers(list(key)))
        yield build_record([mapping[k] for k in key], cmap, n, source)
