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
