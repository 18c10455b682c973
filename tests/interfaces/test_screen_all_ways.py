"""The same file screened every way gives the same full records: one worker or two, with or
without the on-disk index cache, JSON Lines or Parquet, full or compact, local or Spark."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from laborlens.interfaces.cli.main import app
from laborlens.ops.screening import forget_indexes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROWS = 4500  # three chunks of 2,000 rows and a bit


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example suppliers repeated to 4,500 rows with their own ids."""
    with (EXAMPLES / "suppliers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    path = tmp_path_factory.mktemp("ways") / "suppliers.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for i in range(ROWS):
            row = list(data[i % len(data)])
            row[0] = f"{row[0]}-{i}"
            out.writerow(row)
    return path


def _screen(source: Path, out: Path, *args: str, env: dict[str, str]) -> None:
    forget_indexes()  # as in a new process: the index comes from the disk cache or is compiled
    res = CliRunner().invoke(
        app,
        ["screen", str(source), "-o", str(out), "--as-of", "2026-06-30", "-q", *args],
        env=env,
    )
    assert res.exit_code == 0, res.output


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def reference(source: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("reference")
    out = folder / "one.jsonl"
    _screen(source, out, "--workers", "1", env={"LABORLENS_INDEX_CACHE": "0"})
    got = _lines(out)
    assert len(got) == ROWS and [g["row"] for g in got] == list(range(1, ROWS + 1))
    return got


@pytest.mark.parametrize(
    ("workers", "cache"), [("2", "0"), ("2", "1"), ("1", "1"), ("2", "1")]
)  # the last run finds the index the one before stored
def test_workers_and_index_cache_change_nothing(
    source: Path, reference: list[dict[str, Any]], tmp_path: Path, workers: str, cache: str
) -> None:
    out = tmp_path / "out.jsonl"
    data = tmp_path.parent / "shared-data"  # the same data folder for every case
    env = {"LABORLENS_INDEX_CACHE": cache, "LABORLENS_DATA_DIR": str(data)}
    _screen(source, out, "--workers", workers, env=env)
    assert _lines(out) == reference
    if cache == "1":
        assert list((data / "cache").glob("index-*.pickle"))


def test_parquet_full_records_and_compact_rows_agree(
    source: Path, reference: list[dict[str, Any]], tmp_path: Path
) -> None:
    env = {"LABORLENS_DATA_DIR": str(tmp_path / "data")}
    _screen(source, tmp_path / "o.parquet", "--full", "--workers", "2", env=env)
    table = pq.read_table(tmp_path / "o.parquet")
    assert [json.loads(r) for r in table.column("record").to_pylist()] == reference
    meta = pq.read_metadata(tmp_path / "o.parquet").metadata
    blocks = json.loads(meta[b"laborlens.explanations"])
    for ref, expected in zip(table.column("explanation").to_pylist(), reference, strict=True):
        assert blocks[ref] == expected["regimes"]

    _screen(source, tmp_path / "c.jsonl", "--compact", "--workers", "2", env=env)
    lines = _lines(tmp_path / "c.jsonl")
    assert lines[0]["run"]["format"] == "laborlens-compact-1"
    defined: dict[str, Any] = {}
    rows = []
    for line in lines[1:]:
        if "explanation" in line and "row" not in line:
            assert line["explanation"] not in defined, "an explanation is written once"
            defined[line["explanation"]] = line["regimes"]
        else:
            assert line["explanation"] in defined, "explanations come before their first use"
            rows.append(line)
    assert len(rows) == ROWS
    for row, full in zip(rows, reference, strict=True):
        assert (row["row"], row["id"], row["risk"]) == (full["row"], full["id"], full["risk"])
        assert row["outcomes"] == {r["regime"]: r["outcome"] for r in full["regimes"]}
        assert defined[row["explanation"]] == full["regimes"]
        assert [f["kind"] for f in row.get("findings", [])] == [f["kind"] for f in full["findings"]]


@pytest.mark.spark
def test_spark_gives_the_same_records(
    source: Path, reference: list[dict[str, Any]], tmp_path: Path
) -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("the Spark engine needs a Java runtime")
    out = tmp_path / "spark.jsonl"
    _screen(source, out, "--engine", "spark", "--workers", "2", env={})
    assert _lines(out) == reference
