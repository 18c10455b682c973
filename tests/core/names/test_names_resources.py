"""The names resources: every lexicon row sourced, manifest in step with the files."""

from __future__ import annotations

import hashlib
import json

from laborlens.core import resources


def test_every_lexicon_row_has_kind_rendering_and_source() -> None:
    rows = [
        line.split("\t")
        for line in resources.read_text("names/lexicon.tsv").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    header, body = rows[0], rows[1:]
    assert header[:4] == ["kind", "han", "latin", "source"]
    assert len(body) >= 400
    for cols in body:
        assert cols[0] in {"legal", "generic", "stop", "industry", "region"}, cols
        assert cols[2].strip(), cols
        assert cols[3].strip(), cols
        if cols[1]:
            assert len(cols) >= 5 and cols[4].strip(), f"pinyin missing for {cols[1]}"


def test_manifest_matches_the_resource_files() -> None:
    manifest = json.loads(resources.read_text("names/manifest.json"))
    for name, facts in manifest["files"].items():
        digest = hashlib.sha256(resources.read_bytes(f"names/{name}")).hexdigest()
        assert digest == facts["sha256"], f"{name} changed: rerun scripts/build_names_lexicon.py"
        assert facts["source"]
