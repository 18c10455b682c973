"""Exposure of uploaded order-line files (the server's ``/api/exposure`` and its web page).

An upload arrives under a temporary name; the reader chooses the format from the file's
extension and every message names the file. :func:`analyse_uploads` therefore gives each
upload its own name back (in a private folder), runs :func:`laborlens.ops.exposure.analyse`,
and takes the private folder out of the report and of any error message, so that the user
reads ``orders.csv row 12`` and the server's folders are never shown.
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.adapters.io.charts import report_charts
from laborlens.core.lists import ListSet
from laborlens.core.rules.schema import REGIME_IDS
from laborlens.ops.exposure import ExposureError, analyse

__all__ = ["REGIME_IDS", "ExposureError", "SavedFile", "analyse_uploads", "chart_images"]

_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class SavedFile:
    """An upload on disk and the name the user gave it."""

    path: Path
    name: str


def _safe_name(name: str, taken: set[str]) -> str:
    base = _UNSAFE.sub("_", Path(name).name).strip(" .") or "upload.csv"
    chosen, n = base, 1
    while chosen.lower() in taken:  # two uploads of the same name stay two files
        n += 1
        chosen = f"{n}-{base}"
    taken.add(chosen.lower())
    return chosen


def _strip(value: Any, prefix: str) -> Any:
    """``value`` with every occurrence of the private folder ``prefix`` removed."""
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, dict):
        return {_strip(k, prefix): _strip(v, prefix) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v, prefix) for v in value]
    return value


def analyse_uploads(
    files: Sequence[SavedFile],
    folder: Path,
    *,
    suppliers: SavedFile | None = None,
    as_of: date | None = None,
    regime: str = "us_uflpa",
    currency: str = "USD",
    lists: ListSet | None = None,
) -> dict[str, Any]:
    """The exposure report of uploaded order-line files (and an optional supplier master).

    The uploads are moved into a private folder under ``folder`` and removed afterwards.

    Raises:
        ExposureError: an unusable file or option; the message names the uploaded file.
    """
    if not files:
        raise ExposureError("no order-line file sent")
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="exposure-", dir=folder))
    prefix = str(work) + "/"
    try:
        taken: set[str] = set()
        paths = []
        for f in files:
            target = work / _safe_name(f.name, taken)
            shutil.move(f.path, target)
            paths.append(target)
        master = None
        if suppliers is not None:
            master = work / "suppliers" / _safe_name(suppliers.name, set())
            master.parent.mkdir()
            shutil.move(suppliers.path, master)
        try:
            with analyse(
                paths, as_of=as_of, regime=regime, currency=currency, suppliers=master,
                lists=lists,
            ) as analysis:  # fmt: skip
                report = analysis.report
        except ExposureError as exc:
            raise ExposureError(_strip(str(exc), prefix)) from None
        out: dict[str, Any] = _strip(report, prefix)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def chart_images(report: dict[str, Any]) -> dict[str, str]:
    """The HTML report's charts (sectors over time, suppliers, tiers) as base64 PNG, by name."""
    return {k: base64.b64encode(v).decode("ascii") for k, v in report_charts(report).items()}
