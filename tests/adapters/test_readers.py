"""Readers: formats, encodings, streaming and file-level errors (laborlens.adapters.io.readers)."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from laborlens.adapters.io.readers import (
    InputError,
    detect_encoding,
    open_records,
    read_rows,
)
from laborlens.core.model import Record

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CSV_TEXT = (
    "供应商编号,供应商名称,地址,国家,采购员\n"
    "S-1,新疆大全新能源股份有限公司,新疆石河子市,中国,张三\n"
    "S-2,广州珠江制衣有限公司,广州市番禺区,中国,李四\n"
)


def _all(path: Path, **kw: object) -> list[Record]:
    return [r for batch in open_records(path, **kw) for r in batch]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16", b""),
        ("utf-16-le", b""),
    ],
)
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(bom + CSV_TEXT.encode(encoding))
    stream = open_records(path)
    records = [r for b in stream for r in b]
    assert [r.name for r in records] == ["新疆大全新能源股份有限公司", "广州珠江制衣有限公司"]
    assert records[0].id == "S-1"
    assert records[0].extra == (("采购员", "张三"),)
    assert records[0].errors == ()
    if encoding in ("gbk", "gb18030"):
        assert stream.encoding == "gb18030"


def test_encoding_override_and_bad_override(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(CSV_TEXT.encode("gbk"))
    assert _all(path, encoding="GBK")[1].name == "广州珠江制衣有限公司"
    with pytest.raises(InputError, match=r"s\.csv: line 1: .*not valid utf-8"):
        open_records(path, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        open_records(path, encoding="klingon")


def test_cp1252_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    text = "name,address\nCafé Société Générale SA,Rue de l'Église 12\nMüller GmbH,Köln\n" * 20
    path.write_bytes(text.encode("cp1252"))
    recs = _all(path)
    assert recs[0].name == "Café Société Générale SA"
    assert recs[1].address == "Köln"


def test_detect_encoding() -> None:
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding("名称".encode("utf-16-le") * 50) == "utf-16-le"
    assert detect_encoding(b"\xef\xbb\xbfname") == "utf-8-sig"
    # a multi-byte character cut at the end of a sample is not an error in a partial sample
    assert detect_encoding("名称".encode()[:-1], complete=False) == "utf-8"


def test_undecodable_bytes_later_in_file_flag_the_row(tmp_path: Path) -> None:
    # the detection sample (the first MiB) is clean UTF-8; a bad byte comes after it
    path2 = tmp_path / "big.csv"
    filler = ("name,address\n" + "Foo Ltd,Shanghai\n" * 70_000).encode()
    path2.write_bytes(filler + b"Bad \xff Co,Beijing\nLast Ltd,Tianjin\n")
    out = _all(path2)
    assert len(out) == 70_002
    bad = out[-2]
    assert bad.name is not None and "\ufffd" in bad.name
    assert [e.column for e in bad.errors] == ["name"]
    assert out[-1].errors == ()


def test_semicolon_and_tab_delimiters(tmp_path: Path) -> None:
    semi = tmp_path / "s.csv"
    semi.write_text("name;address;lat;lon\nFoo GmbH;Berlin;52,5;13,4\n", encoding="utf-8")
    rec = _all(semi)[0]
    assert (rec.name, rec.address, rec.lat, rec.lon) == ("Foo GmbH", "Berlin", 52.5, 13.4)
    tsv = tmp_path / "s.tsv"
    tsv.write_text("name\taddress\nFoo, Inc.\tUrumqi\n", encoding="utf-8")
    assert _all(tsv)[0].name == "Foo, Inc."


def test_blank_lines_skipped_and_quoted_newlines_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('name,address\n\nFoo,"line one\nline two"\n\n,\nBar,x\n', encoding="utf-8")
    recs = _all(path)
    assert [r.name for r in recs] == ["Foo", "Bar"]
    assert recs[0].address == "line one line two"
    assert [r.row for r in recs] == [1, 2]


def test_row_with_empty_cells_still_yields_a_record(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("name,buyer\n,Bob\nFoo,\n", encoding="utf-8")
    recs = _all(path)
    assert len(recs) == 2
    assert not recs[0].is_screenable()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"name,address\n", "header row but no data rows"),
        (b"name,address\n\n\n", "header row but no data rows"),
        (b"buyer,spend\nBob,1\n", "no column to screen"),
    ],
)
def test_file_level_errors_name_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        open_records(path)
    assert str(path) in str(info.value)


def test_missing_file_and_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope.csv: file not found"):
        open_records(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"unsupported file type '.pdf'"):
        open_records(tmp_path / "x.pdf")
    with pytest.raises(InputError, match=r"legacy .xls"):
        open_records(tmp_path / "x.xls")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        open_records(tmp_path / "dir.csv")


def test_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Supplier Name", "HTS", "Lat", "Lon", "Spend", None])
    sheet.append(["Foo Ltd", 520812, 43.8, 87.6, 1200.0, None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["=HYPERLINK(1)", "6109.10", None, None, None, None])
    path = tmp_path / "s.xlsx"
    book.save(path)
    recs = _all(path)
    assert len(recs) == 2
    assert recs[0].hs_code == "520812"
    assert (recs[0].lat, recs[0].lon) == (43.8, 87.6)
    assert recs[0].extra == (("Spend", "1200"),)
    assert recs[1].row == 2


def test_xlsx_errors(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(InputError, match=r"empty.xlsx: sheet 'Sheet' is empty"):
        open_records(path)
    header_only = tmp_path / "h.xlsx"
    book = Workbook()
    book.active.append(["name", "address"])
    book.save(header_only)
    with pytest.raises(InputError, match="header row but no data rows"):
        open_records(header_only)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name\nFoo\n")
    with pytest.raises(InputError, match=r"fake.xlsx: not a readable .xlsx"):
        open_records(fake)


def test_parquet_streams_by_batches(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 5000
    table = pa.table(
        {
            "company_name": [f"Company {i}" for i in range(n)],
            "latitude": [43.8] * n,
            "longitude": [87.6] * n,
            "spend": list(range(n)),
        }
    )
    path = tmp_path / "s.parquet"
    pq.write_table(table, path, row_group_size=1000)
    stream = open_records(path, batch_size=700)
    sizes = [len(b) for b in stream]
    assert sum(sizes) == n and max(sizes) == 700
    recs = _all(path)
    assert recs[-1].name == f"Company {n - 1}" and recs[-1].row == n
    assert recs[10].extra == (("spend", "10"),)
    empty = tmp_path / "e.parquet"
    pq.write_table(table.slice(0, 0), empty)
    with pytest.raises(InputError, match="no data rows"):
        open_records(empty)


def test_jsonl_with_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(
        json.dumps({"name": "Foo", "aliases": ["A", "B"], "tier": 2}) + "\n"
        "\n"
        "{not json\n"
        "[1, 2]\n" + json.dumps({"supplier_name": "Bar", "lat": 1, "lon": 2}) + "\n",
        encoding="utf-8",
    )
    recs = _all(path)
    assert [r.row for r in recs] == [1, 2, 3, 4]
    assert recs[0].aliases == ("A", "B") and recs[0].extra == (("tier", "2"),)
    assert "line 3: not valid JSON" in recs[1].errors[0].message
    assert "expected a JSON object" in recs[2].errors[0].message
    assert recs[3].name == "Bar" and recs[3].lat == 1.0


def test_gzip_csv(tmp_path: Path) -> None:
    path = tmp_path / "s.csv.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(CSV_TEXT.encode("gbk"))
    assert len(_all(path)) == 2


def test_read_rows_for_list_files(tmp_path: Path) -> None:
    path = tmp_path / "mylist.csv"
    path.write_text(
        "entity_name,aliases,list,effective_date\nFoo Ltd,Foo; F Co,watch,2024-01-01\n",
        encoding="utf-8",
    )
    rows = list(read_rows(path))
    assert rows == [
        {"name": "Foo Ltd", "aliases": "Foo; F Co", "list": "watch", "effective_date": "2024-01-01"}
    ]


def test_examples_read_identically_in_every_variant() -> None:
    utf8 = _all(EXAMPLES / "suppliers.csv")
    xlsx = _all(EXAMPLES / "suppliers.xlsx")
    gbk = open_records(EXAMPLES / "suppliers_gbk.csv")
    gbk_recs = [r for b in gbk for r in b]
    assert gbk.encoding == "gb18030"
    assert len(utf8) == len(xlsx) >= 50
    assert [r.name for r in utf8] == [r.name for r in xlsx]
    by_id = {r.id: r for r in utf8}
    for rec in gbk_recs:
        assert rec.name == by_id[rec.id].name
        assert rec.address == by_id[rec.id].address


def _generated_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,name,address,country,hs_code,notes\n")
        for i in range(rows):
            handle.write(
                f"R{i},Supplier {i} Co. Ltd,{i} Industrial Road Shenzhen,CN,6109.10,{'x' * 40}\n"
            )


def test_large_csv_is_streamed_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    rows = 20_000
    _generated_csv(path, rows)
    tracemalloc.start()
    try:
        stream = open_records(path, batch_size=1000)
        count = 0
        batches: Iterator[list[Record]] = iter(stream)
        for batch in batches:
            count += len(batch)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == rows
    # all 20,000 Records at once would take over 12 MB; streaming holds one batch plus the
    # 1 MiB detection sample
    assert peak < 6 * 1024 * 1024


def test_truncated_gzip_fails_naming_the_file_and_row(tmp_path: Path) -> None:
    data = ("name,address\n" + "Foo Ltd,Shanghai\n" * 150_000).encode()
    packed = gzip.compress(data)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(packed[: len(packed) // 2])
    stream = open_records(path)
    with pytest.raises(InputError, match=r"cut\.csv\.gz: unreadable after row \d+"):
        for _ in stream:
            pass


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "erp.csv"
    path.write_text(
        "Supplier master report\nExported 2025-05-01;;\n\n"
        "Supplier Name;City;Buyer\nFoo Ltd;Urumqi;Ann\n",
        encoding="utf-8",
    )
    recs = _all(path)
    assert [(r.row, r.name, r.address) for r in recs] == [(1, "Foo Ltd", "Urumqi")]
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["供应商主数据"])
    book.active.append([])
    book.active.append(["供应商名称", "地址"])
    book.active.append(["甲有限公司", "新疆乌鲁木齐"])
    xlsx = tmp_path / "erp.xlsx"
    book.save(xlsx)
    assert [(r.row, r.name) for r in _all(xlsx)] == [(1, "甲有限公司")]


def test_delimiter_is_taken_from_the_header_not_from_commas_in_addresses(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text(
        "name;address\n"
        "Foo GmbH;Room 5, Building 3, 12 Industrial Road, Ningbo, Zhejiang\n"
        "Bar SA;Unit 2, 8 Harbour Street, Qingdao, Shandong\n",
        encoding="utf-8",
    )
    recs = _all(path)
    assert recs[0].address == "Room 5, Building 3, 12 Industrial Road, Ningbo, Zhejiang"


def test_estimated_rows_for_progress(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _generated_csv(path, 5000)
    estimate = open_records(path).estimated_rows
    assert estimate is not None and 4500 <= estimate <= 5500
    gz = tmp_path / "s.csv.gz"
    gz.write_bytes(gzip.compress(b"name\nFoo\n"))
    assert open_records(gz).estimated_rows is None
