"""The dossier manifest: file hashes and the manifest's own hash."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.evidence.manifest import (
    ManifestFile,
    build_manifest,
    manifest_hash,
    verify_manifest,
)

FILES = [
    ManifestFile("report.html", "a" * 64, 10, "report"),
    ManifestFile(
        "exhibits/E001_x.txt", "b" * 64, 5, "exhibit", "E001", "D0001", "commercial_invoice"
    ),
]


def test_manifest_is_sorted_and_self_hashed() -> None:
    m = build_manifest(FILES, {"case_id": "C1"})
    assert [f["path"] for f in m["files"]] == ["exhibits/E001_x.txt", "report.html"]
    assert m["manifest_sha256"] == manifest_hash(m)
    actual = {f.path: f.sha256 for f in FILES}
    assert verify_manifest(m, actual) == ()


def test_tampering_is_reported() -> None:
    m = build_manifest(FILES, {"case_id": "C1"})
    actual = {f.path: f.sha256 for f in FILES}
    assert "content changed" in verify_manifest(m, {**actual, "report.html": "c" * 64})[0]
    assert "missing" in verify_manifest(m, {"report.html": "a" * 64})[0]
    assert "not listed" in verify_manifest(m, {**actual, "extra.txt": "d" * 64})[0]
    edited = copy.deepcopy(m)
    edited["case_id"] = "C2"
    assert any("edited" in p for p in verify_manifest(edited, actual))


@settings(max_examples=40, deadline=None)
@given(
    st.permutations(FILES), st.dictionaries(st.sampled_from(["a", "b", "c"]), st.text(max_size=5))
)
def test_same_inputs_same_manifest(files: list[ManifestFile], header: dict[str, str]) -> None:
    assert build_manifest(files, header) == build_manifest(FILES, header)
