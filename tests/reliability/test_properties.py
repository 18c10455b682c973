"""Hypothesis properties of the readers, the address parser and the name analyser.

Each runs under the ``reliability`` profile (tests/conftest.py): at least 1,000 examples. The
properties: nothing crashes (only :class:`InputError` for a file that cannot be used), and the
number of rows is preserved — every data row of a file gives exactly one record, every record
given to screening gives exactly one result, in order.
"""

from __future__ import annotations

import atexit
import csv
import io
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.adapters.io.readers import InputError, open_records
from laborlens.core.geo import locate, normalise_country
from laborlens.core.model import Record
from laborlens.core.names import analyse, compare_names
from laborlens.core.records import clean_text
from laborlens.core.screen import ScreeningIndex, screen_batch

PROFILE = settings.get_profile("reliability")
_FOLDER = Path(tempfile.mkdtemp(prefix="laborlens-properties-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
AS_OF = date(2026, 6, 30)

# printable text of the kinds supplier files hold, plus quotes and delimiters
_CHARS = st.sampled_from([*"abcXYZ 0129éüÑ,;|\t'-.()&新疆乌鲁木齐有限公司", '"', "\n", "\r"])
_CELL = st.text(alphabet=_CHARS, max_size=20)


def _read(path: Path, **kw: object) -> list[Record]:
    return list(open_records(path, **kw).records())  # type: ignore[arg-type]


@PROFILE
@given(
    rows=st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_written_csv_keeps_every_row(
    rows: list[tuple[str, str, str]], encoding: str, delimiter: str
) -> None:
    """A file any CSV writer produces (quotes, line breaks in cells, any delimiter or encoding)
    gives one record per non-blank row, with each value intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["name", "address", "notes"])
    writer.writerows(rows)
    path = _FOLDER / "written.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    kept = [r for r in rows if any(v.strip() for v in r)]
    given_encoding = encoding if encoding == "gb18030" else None
    if not kept:
        with pytest.raises(InputError):
            _read(path, encoding=given_encoding)
        return
    records = _read(path, encoding=given_encoding)
    assert len(records) == len(kept)
    for record, (name, address, notes) in zip(records, kept, strict=True):
        assert record.name == clean_text(name)[0]
        assert record.address == clean_text(address)[0]
        assert record.extra == (("notes", notes),)


_PLAIN = st.text(alphabet=st.sampled_from([*"abcXYZ 0129éü'-.()&新疆有限公司"]), max_size=12)
_WORD = st.text(alphabet=st.sampled_from([*"abcXYZ0129新疆"]), min_size=1, max_size=8)


@st.composite
def _raw_lines(draw: st.DrawFn) -> tuple[list[str], int]:
    """Hand-typed CSV lines (never quoted by a writer) where some fields start with a stray
    quote; returns the lines and how many hold one."""
    n = draw(st.integers(min_value=1, max_value=15))
    lines, stray = [], 0
    for i in range(n):
        cells = [f"R{i}", draw(_WORD) + draw(_PLAIN), draw(_PLAIN)]
        if draw(st.booleans()) and draw(st.booleans()):
            field = draw(st.integers(min_value=1, max_value=2))
            cells[field] = '"' + draw(_WORD) + cells[field]
            stray += 1
        lines.append(",".join(cells))
    return lines, stray


@PROFILE
@given(_raw_lines(), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_stray_quotes_never_swallow_rows(
    data: tuple[list[str], int], newline: str, final_newline: bool
) -> None:
    lines, stray = data
    path = _FOLDER / "stray.csv"
    text = newline.join(["id,name,address", *lines]) + (newline if final_newline else "")
    path.write_text(text, encoding="utf-8", newline="")
    records = _read(path)
    assert [r.id for r in records] == [f"R{i}" for i in range(len(lines))]
    flagged = [r for r in records if any("quoted field opens here" in e.message for e in r.errors)]
    assert len(flagged) == stray


_JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=15)
)
_JSON = st.recursive(
    _JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=5,
)
_OBJECT = st.dictionaries(
    st.sampled_from(["name", "address", "country", "hs_code", "notes", "aliases", "名称"]),
    _JSON,
    min_size=1,
)


@PROFILE
@given(
    st.lists(st.one_of(_OBJECT, _JSON_SCALAR), min_size=1, max_size=8),
    st.sampled_from([None, 1, 2]),
    st.sampled_from(["json", "jsonl"]),
)
def test_json_keeps_every_element(items: list[object], indent: int | None, fmt: str) -> None:
    path = _FOLDER / f"items.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(items, indent=indent, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    records = _read(path)
    assert [r.row for r in records] == list(range(1, len(items) + 1))
    not_objects = sum(not isinstance(i, dict) for i in items)
    assert sum(any("expected a JSON object" in e.message for e in r.errors) for r in records) == (
        not_objects
    )


@PROFILE
@given(st.binary(max_size=400), st.sampled_from(["csv", "tsv", "jsonl", "json", "xlsx", "gz"]))
def test_any_bytes_give_records_or_one_input_error(data: bytes, kind: str) -> None:
    path = _FOLDER / ("bytes.csv.gz" if kind == "gz" else f"bytes.{kind}")
    path.write_bytes(data)
    try:
        stream = open_records(path)
        records = list(stream.records())
    except InputError as exc:
        assert str(path) in str(exc)
        return
    assert [r.row for r in records] == list(range(1, len(records) + 1))


_ANY = st.text(max_size=120)
_COORD = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@PROFILE
@given(_ANY, _ANY, _ANY, _ANY, _ANY, _COORD, _COORD)
def test_address_parser_takes_any_record(  # noqa: PLR0917 - one argument per drawn field
    index: ScreeningIndex,
    address: str,
    name: str,
    phone: str,
    registration: str,
    country: str,
    lat: float | None,
    lon: float | None,
) -> None:
    record = Record(
        row=1,
        id="1",
        name=name,
        address=address,
        phone=phone,
        registration_id=registration,
        country=country,
        lat=lat,
        lon=lon,
    )
    first = locate(index.gazetteer, record)
    assert locate(index.gazetteer, record) == first  # deterministic
    for finding in first.findings:
        assert finding.kind == "region" and finding.region and finding.region.startswith("CN-")
        assert 0.0 <= finding.score <= 1.0 and finding.why
    normalise_country(index.gazetteer, country)


@PROFILE
@given(st.text(max_size=200), st.text(max_size=80))
def test_name_analyser_takes_any_text(index: ScreeningIndex, a: str, b: str) -> None:
    first = analyse(a, index.names.lexicon)
    assert analyse(a, index.names.lexicon) == first
    assert all(t for t in first.tokens)
    comparison = compare_names(index.names, a, b)
    assert 0.0 <= comparison.score <= 1.0


_RECORD = st.builds(
    Record,
    row=st.just(0),
    id=st.just(""),
    name=st.one_of(st.none(), _ANY),
    address=st.one_of(st.none(), _ANY),
    aliases=st.lists(st.text(max_size=30), max_size=3).map(tuple),
    hs_code=st.one_of(st.none(), st.text(alphabet="0123456789. ", max_size=12)),
    product=st.one_of(st.none(), st.text(max_size=40)),
)


@PROFILE
@given(st.lists(_RECORD, max_size=4))
def test_screening_keeps_every_record_in_order(index: ScreeningIndex, drawn: list[Record]) -> None:
    from dataclasses import replace

    records = [replace(r, row=i, id=f"R{i}") for i, r in enumerate(drawn, start=1)]
    results = screen_batch(records, index, AS_OF)
    assert [(r.row, r.id) for r in results] == [(r.row, r.id) for r in records]
