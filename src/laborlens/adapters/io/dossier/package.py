"""Write and verify a submission dossier.

Layout of the output folder::

    report.html         summary, chain map, exhibits by tier, mass balance, screening, gaps
    report.pdf          the same report (non-Latin text transliterated; the HTML keeps it)
    exhibits.xlsx       the exhibit index
    gaps.json           the gap analysis as data
    exhibits/E001_…     the registered documents, copied from the store
    manifest.json       every file's sha256 and the manifest's own hash

Reproducible: the same case, documents and versions give the same bytes — the report's only
timestamp is the case's latest event, entries are sorted, the PDF creation date and the XLSX
zip entry times are pinned to it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2

from laborlens.adapters.io.atomic import atomic_folder, sweep_leftovers
from laborlens.adapters.io.chain_views import draw_svg
from laborlens.adapters.io.dossier.context import DossierInput, Exhibit, context, exhibits
from laborlens.adapters.io.dossier.pdf import render_pdf
from laborlens.adapters.io.dossier.xlsx import render_xlsx
from laborlens.adapters.store.base import sha256_file
from laborlens.core.evidence.manifest import ManifestFile, build_manifest, verify_manifest
from laborlens.version import __version__

MANIFEST = "manifest.json"
_ROLES = {
    "report.html": "report",
    "report.pdf": "report",
    "exhibits.xlsx": "index",
    "gaps.json": "data",
}


class DossierError(ValueError):
    """The dossier cannot be written or verified (the message says why)."""


@dataclass(frozen=True, slots=True)
class DossierResult:
    output: Path
    manifest_sha256: str
    files: int
    exhibits: tuple[str, ...] = field(default=())


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("laborlens.adapters.io", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    return env.get_template("dossier.html.j2")


def _prepare(output: Path, force: bool) -> None:
    """A new or empty folder, or (with ``force``) a previous dossier to replace."""
    if not output.exists():
        return
    if not output.is_dir():
        raise DossierError(f"{output}: exists and is not a folder")
    if any(output.iterdir()):
        if not (output / MANIFEST).is_file():
            raise DossierError(f"{output}: folder is not empty and is not a dossier")
        if not force:
            raise DossierError(f"{output}: a dossier is already there (use --force to replace it)")


def _copy_exhibits(
    output: Path, listed: Sequence[Exhibit], object_path: Callable[[str], Path]
) -> list[ManifestFile]:
    for x in listed:
        src = object_path(x.doc.sha256)
        if not src.is_file():
            raise DossierError(f"{x.doc.doc_id}: stored file is missing")
        if sha256_file(src)[0] != x.doc.sha256:
            raise DossierError(
                f"{x.doc.doc_id}: stored file no longer matches its registered sha256"
            )
    (output / "exhibits").mkdir(parents=True, exist_ok=True)
    files: list[ManifestFile] = []
    for x in listed:
        shutil.copyfile(object_path(x.doc.sha256), output / x.path)
        files.append(
            ManifestFile(
                x.path, x.doc.sha256, x.doc.size, "exhibit", x.exhibit, x.doc.doc_id, x.doc.doc_type
            )
        )
    return files


def _header(data: DossierInput) -> dict[str, Any]:
    return {
        "case_id": data.case.case_id,
        "path": data.report.path,
        "as_of": data.report.as_of.isoformat(),
        "generated_at": data.generated_at.isoformat() if data.generated_at else None,
        "laborlens_version": __version__,
        "chain_sha256": data.case.chain.sha256(),
        "list_versions": dict(data.list_versions),
        "algorithms": [*data.algorithms, data.report.algorithm],
        "vocabulary_version": data.vocabulary.version,
        "audit_anchor": (
            {"seq": data.audit_head[0], "hash": data.audit_head[1]} if data.audit_head else None
        ),
        "ready": data.report.ready,
        "gap_counts": data.report.counts(),
    }


def write_dossier(
    output: Path, data: DossierInput, object_path: Callable[[str], Path], *, force: bool = False
) -> DossierResult:
    """Write the package into ``output`` (a new or empty folder, or a previous dossier).

    Args:
        output: target folder.
        data: what to show.
        object_path: sha256 → path of the stored file (the store's content-addressed copy).
        force: replace an existing dossier in ``output`` (a folder holding a manifest.json).

    Raises:
        DossierError: the folder holds other files, or a stored exhibit is missing or altered.
    """
    output = Path(output)
    _prepare(output, force)
    # written in a staging folder next to the target and swapped in when complete: a failed or
    # killed build never leaves half a dossier, and a replaced one stays until then; what a
    # killed build left next to it is removed first
    output.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(output)
    with atomic_folder(output) as stage:
        result = _write_into(stage, data, object_path)
    return replace(result, output=output)


def _write_into(
    output: Path, data: DossierInput, object_path: Callable[[str], Path]
) -> DossierResult:
    listed = exhibits(data)
    files = _copy_exhibits(output, listed, object_path)
    view = data.view()
    ctx = context(data, listed, draw_svg(view))
    outputs = {
        "report.html": _template().render(r=ctx).encode("utf-8"),
        "report.pdf": render_pdf(ctx, view, data.generated_at),
        "exhibits.xlsx": render_xlsx(ctx, data.generated_at),
        "gaps.json": (
            json.dumps(data.report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode("utf-8"),
    }
    for name, blob in outputs.items():
        (output / name).write_bytes(blob)
        files.append(ManifestFile(name, hashlib.sha256(blob).hexdigest(), len(blob), _ROLES[name]))
    manifest = build_manifest(files, _header(data))
    (output / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return DossierResult(
        output=output,
        manifest_sha256=str(manifest["manifest_sha256"]),
        files=len(files) + 1,
        exhibits=tuple(x.exhibit for x in listed),
    )


def verify_dossier(output: Path) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Re-hash a dossier folder against its manifest: (manifest, problems; empty = intact).

    Raises:
        DossierError: no readable manifest.json in the folder.
    """
    output = Path(output)
    mpath = output / MANIFEST
    if not mpath.is_file():
        raise DossierError(f"{output}: no {MANIFEST} (not a dossier folder)")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DossierError(f"{mpath}: unreadable ({exc})") from exc
    if not isinstance(manifest, dict):
        raise DossierError(f"{mpath}: not a manifest object")
    actual = {
        p.relative_to(output).as_posix(): sha256_file(p)[0]
        for p in sorted(output.rglob("*"))
        if p.is_file() and p != mpath
    }
    return manifest, verify_manifest(manifest, actual)
