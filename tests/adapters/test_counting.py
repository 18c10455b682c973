"""Counting rows before screening: exact for ordinary files, quoted line breaks respected."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laborlens.adapters.io.counting import count_rows
from laborlens.adapters.io.readers import InputError, open_records

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def records(path: Path) -> int:
    return sum(1 for _ in open_records(path).records())


@pytest.mark.parametrize("name", ["suppliers.csv", "suppliers_gbk.csv", "suppliers.xlsx"])
def test_examples_count_as_the_reader_reads(name: str) -> None:
    n, fmt, _ = count_rows(EXAMPLES / name)
    assert n == records(EXAMPLES / name) and fmt in ("csv", "xlsx")


def test_formats_and_quoting(tmp_path: Path) -> None:
    semi = tmp_path / "s.csv"
    semi.write_text('name;address\n"A; B";"line\none"\n\nC;x\n', encoding="utf-8")
    assert count_rows(semi)[0] == records(semi) == 2
    gz = tmp_path / "s.csv.gz"
    gz.write_bytes(gzip.compress(semi.read_bytes()))
    assert count_rows(gz)[0] == 2
    jl = tmp_path / "r.jsonl"
    jl.write_text('{"name": "a"}\n\n{"name": "b"}\n', encoding="utf-8")
    assert count_rows(jl) == (2, "jsonl", "utf-8")
    pqf = tmp_path / "r.parquet"
    pq.write_table(pa.table({"name": ["a", "b", "c"]}), str(pqf))
    assert count_rows(pqf) == (3, "parquet", None)
    latin = tmp_path / "l.csv"
    latin.write_bytes("name\nEspaña\n".encode("latin-1"))
    assert count_rows(latin, "latin-1") == (1, "csv", "iso8859-1")


def test_unreadable_files(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        count_rows(empty)
    with pytest.raises(InputError, match="unsupported file type"):
        count_rows(tmp_path / "x.exe")
    bad = tmp_path / "b.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(InputError, match="Parquet"):
        count_rows(bad)
