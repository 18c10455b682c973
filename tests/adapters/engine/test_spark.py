"""The Spark engine gives exactly the local engine's results (skipped without pyspark/Java)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover
    pytest.skip("the Spark engine needs a Java runtime", allow_module_level=True)

from laborlens.adapters.engine.spark import local_session, screen_dataframe
from laborlens.core.records import records_from_mappings
from laborlens.core.screen import ScreeningIndex, screen_batch

pytestmark = pytest.mark.spark
TODAY = date(2026, 11, 27)

ROWS = [
    {"supplier_name": "Hoshine Silicon Industry Co., Ltd.", "address": "Shihezi", "po": "A1"},
    {"supplier_name": "Blue Harbour Garments", "address": "Chittagong, Bangladesh", "po": "A2"},
    {"supplier_name": "", "address": "", "po": "A3"},
    {"supplier_name": "新疆大全新能源股份有限公司", "address": "新疆石河子市", "po": "A4"},
    {"supplier_name": "Camel Group Co., Ltd.", "address": "Xiangyang, Hubei", "po": "A5"},
] * 7


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = local_session(cores=2)
    yield session
    session.stop()


def test_spark_equals_local(spark: Any, index: ScreeningIndex) -> None:
    df = spark.createDataFrame(ROWS)
    out = screen_dataframe(df, index, TODAY, source="po.csv").repartition(3)
    got = sorted(((r["row"], json.loads(r["result"])) for r in out.collect()), key=lambda g: g[0])
    # Spark may order dict keys into columns its own way: build local records the same way
    cols = df.columns
    records = list(records_from_mappings([{c: row[c] for c in cols} for row in ROWS], "po.csv"))
    expected = [r.to_dict() for r in screen_batch(records, index, TODAY)]
    assert [g[0] for g in got] == list(range(1, len(ROWS) + 1))
    assert [g[1] for g in got] == expected


def test_cli_engine_spark_equals_local(spark: Any, tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from laborlens.interfaces.cli.main import app

    src = tmp_path / "po.csv"
    src.write_text(
        "supplier_name,address,po\n"
        '"Hoshine Silicon Industry Co., Ltd.",Shihezi,A1\n'
        "新疆大全新能源股份有限公司,新疆石河子市,A2\n"
        ",,A3\n"
        'Blue Harbour Garments,"Chittagong, Bangladesh",A4\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    outs = {}
    for engine in ("local", "spark"):
        out = tmp_path / f"{engine}.jsonl"
        res = runner.invoke(
            app,
            ["screen", str(src), "--engine", engine, "--as-of", "2026-11-27", "-q", "-o", str(out)],
        )
        assert res.exit_code == 0, res.output
        outs[engine] = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(outs["local"]) == 4
    assert outs["spark"] == outs["local"]


def test_python_api_engine_spark_equals_local(spark: Any) -> None:
    import laborlens

    rows = [{k: v for k, v in r.items() if k != "po"} for r in ROWS[:10]]
    local = laborlens.screen(rows, as_of=TODAY)
    on_spark = laborlens.screen(rows, as_of=TODAY, engine="spark", workers=2)
    assert [r.to_dict() for r in on_spark] == [r.to_dict() for r in local]
