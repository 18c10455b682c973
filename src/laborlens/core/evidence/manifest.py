"""The dossier manifest: every file of a submission package with its sha256, and its own hash.

The manifest's own hash (``manifest_sha256``) is the sha256 of the canonical JSON of the manifest
*without* that field, so anyone can recompute it: drop the key, serialise with sorted keys and no
spaces, hash. Files are listed sorted by path so the same package gives the same manifest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from laborlens.core.canonical import canonical_json, sha256_text

MANIFEST_FORMAT = "laborlens-dossier-manifest-v1"


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """One file of the package: relative POSIX path, hash, size, role and (for exhibits) ids."""

    path: str
    sha256: str
    size: int
    role: str  # report | index | exhibit | data
    exhibit: str | None = None
    doc_id: str | None = None
    doc_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "size": self.size,
            "role": self.role,
        }
        for k in ("exhibit", "doc_id", "doc_type"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        return out


def build_manifest(files: Iterable[ManifestFile], header: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest object, including ``manifest_sha256``.

    Args:
        files: every file of the package except the manifest itself.
        header: case facts (case id, path, generated-at, list and algorithm versions …).
    """
    body: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        **dict(header),
        "files": [f.to_dict() for f in sorted(files, key=lambda f: f.path)],
    }
    body.pop("manifest_sha256", None)
    body["manifest_sha256"] = manifest_hash(body)
    return body


def manifest_hash(manifest: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of the manifest without its ``manifest_sha256`` field."""
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return sha256_text(canonical_json(body))


def verify_manifest(manifest: Mapping[str, Any], actual: Mapping[str, str]) -> tuple[str, ...]:
    """Problems found comparing a manifest with the package's files (empty = verified).

    Args:
        manifest: the parsed manifest.json.
        actual: relative path → sha256 of every file present in the package (manifest excluded).
    """
    problems: list[str] = []
    if manifest.get("format") != MANIFEST_FORMAT:
        problems.append(
            f"manifest format is '{manifest.get('format')}', expected {MANIFEST_FORMAT}"
        )
    if manifest_hash(manifest) != manifest.get("manifest_sha256"):
        problems.append("manifest.json was edited: its manifest_sha256 does not match its content")
    listed: dict[str, str] = {}
    for f in manifest.get("files", []):
        listed[str(f.get("path"))] = str(f.get("sha256"))
    for path, digest in sorted(listed.items()):
        if path not in actual:
            problems.append(f"{path}: listed in the manifest but missing from the package")
        elif actual[path] != digest:
            problems.append(
                f"{path}: content changed (sha256 {actual[path][:12]}… ≠ {digest[:12]}…)"
            )
    for path in sorted(set(actual) - set(listed)):
        problems.append(f"{path}: present in the package but not listed in the manifest")
    return tuple(problems)
