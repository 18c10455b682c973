"""The bundled lists are exactly what scripts/build_lists.py makes from shared/data."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("LABORLENS_SHARED_DIR", ROOT.parent / "shared"))
BUNDLED = ROOT / "src" / "laborlens" / "resources" / "lists"


def _load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_lists", ROOT / "scripts" / "build_lists.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SHARED / "data").is_dir(), reason="shared research folder not present")
def test_build_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _load_script()
    monkeypatch.setattr(script, "OUT", tmp_path)
    assert script.main(["--shared", str(SHARED)]) == 0
    built = json.loads((tmp_path / "manifest.json").read_text())
    shipped = json.loads((BUNDLED / "manifest.json").read_text())
    assert built == shipped
