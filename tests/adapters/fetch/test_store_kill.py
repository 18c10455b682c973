"""A ``lists import`` killed at any moment leaves the data folder usable: the old lists or the
new ones, never half of them; leftovers of the killed run are removed by the next one."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from laborlens.adapters.fetch import store, update

_IMPORT = (
    "import sys; from pathlib import Path; from laborlens.adapters.fetch import update; "
    "update.import_list(Path(sys.argv[1]), Path(sys.argv[2]), 'watch')"
)


@pytest.mark.slow
def test_killed_imports_never_leave_half_a_version(tmp_path: Path) -> None:
    source = tmp_path / "watch.ftm.json"
    source.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"c{i}",
                    "schema": "Company",
                    "properties": {"name": [f"Example Watch Company {i} Co., Ltd."]},
                }
            )
            for i in range(40_000)
        ),
        encoding="utf-8",
    )
    data = tmp_path / "data"
    update.import_list(data, source, "watch")  # a first version to fall back on
    first = store.current(data)
    assert first is not None
    for delay in (0.2, 0.5, 0.9, 1.4, 2.0, 3.0):
        proc = subprocess.Popen([sys.executable, "-c", _IMPORT, str(data), str(source)])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        version = store.current(data)  # never raises: the pointer names a complete version
        assert version is not None
        (lists,) = store.load(version)
        assert lists.info.entries == 40_000
    update.import_list(data, source, "watch")  # the next run removes what killed runs left
    assert not list((data / "lists" / "versions").glob(".tmp-*"))
    assert len(store.versions(data)) <= store.KEEP + 1
