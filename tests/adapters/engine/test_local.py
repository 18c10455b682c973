from __future__ import annotations

from datetime import date

from laborlens.adapters.engine.local import screen_stream
from laborlens.core.model import Record
from laborlens.core.screen import ScreeningIndex, screen_batch

TODAY = date(2026, 11, 27)


def _records(n: int) -> list[Record]:
    names = ["Hoshine Silicon Industry Co., Ltd.", "Blue Sky Garments", "", "Camel Group Co., Ltd."]
    addrs = ["Shihezi, Xinjiang", "Dhaka, Bangladesh", "", "Xiangyang, Hubei"]
    return [
        Record(i, f"r{i}", name=names[i % 4] or None, address=addrs[i % 4] or None)
        for i in range(1, n + 1)
    ]


def test_multiprocess_results_equal_in_process_and_keep_order(index: ScreeningIndex) -> None:
    records = _records(403)
    batches = [records[i : i + 50] for i in range(0, len(records), 50)]
    parallel = list(screen_stream(iter(batches), index, TODAY, workers=2))
    serial = screen_batch(records, index, TODAY)
    assert parallel == serial
    assert [r.row for r in parallel] == list(range(1, 404))


def test_single_worker_streams(index: ScreeningIndex) -> None:
    out = list(screen_stream(iter([_records(3)]), index, TODAY, workers=1))
    assert len(out) == 3


def test_engines_are_chosen_by_name_in_ops() -> None:
    import pytest

    from laborlens.adapters.engine.local import LocalEngine
    from laborlens.ops.screening import engine_for

    assert engine_for("local", 3) == LocalEngine(3)
    assert engine_for("spark").name == "spark"
    with pytest.raises(ValueError, match="unknown engine 'dask'"):
        engine_for("dask")


def test_local_engine_pairs_records_with_results(index: ScreeningIndex, tmp_path: object) -> None:
    from pathlib import Path

    from laborlens.adapters.engine.local import LocalEngine
    from laborlens.adapters.io.readers import open_records

    path = Path(str(tmp_path)) / "s.csv"
    path.write_text('name\n"Hoshine Silicon Industry Co., Ltd."\nBlue Sky Garments\n', "utf-8")
    pairs = list(LocalEngine(1).screen_inputs([open_records(path)], index, TODAY))
    assert [(rec.name, res.row) for rec, res in pairs] == [
        ("Hoshine Silicon Industry Co., Ltd.", 1),
        ("Blue Sky Garments", 2),
    ]
    assert pairs[0][1].risk == "high"
