"""The dossier's XLSX exhibit index (and its gaps), byte-for-byte reproducible."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from laborlens.core.cells import xlsx_row


def render_xlsx(ctx: dict[str, Any], when: datetime | None) -> bytes:
    """The exhibit index and the gaps as an XLSX workbook (times pinned to ``when``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Exhibits"
    header = [
        "Exhibit",
        "Group",
        "Document id",
        "Type",
        "Type label",
        "Title",
        "Date",
        "Issuer / producer",
        "Covers",
        "Quantity",
        "Language",
        "File",
        "sha256",
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for g in ctx["exhibit_groups"]:
        for x in g["exhibits"]:
            ws.append(
                xlsx_row(
                    [
                        x["exhibit"],
                        g["title"],
                        x["doc_id"],
                        x["type"],
                        x["type_label"],
                        x["title"],
                        x["date"],
                        x["parties"],
                        x["covers"],
                        x["quantity"],
                        x["language"],
                        x["path"],
                        x["sha256"],
                    ]
                )
            )
    for col, width in zip(
        "ABCDEFGHIJKLM", (9, 22, 11, 22, 40, 36, 11, 30, 30, 14, 9, 50, 66), strict=True
    ):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    gs = wb.create_sheet("Gaps")
    gs.append(["#", "Severity", "Kind", "Subject", "What"])
    for cell in gs[1]:
        cell.font = Font(bold=True)
    for i, g in enumerate(ctx["gaps"], start=1):
        gs.append(xlsx_row([i, g["severity"], g["kind"], g["subject"], g["message"]]))
    if when is not None:
        naive = when.replace(tzinfo=None)
        wb.properties.created = naive
        wb.properties.modified = naive
    wb.properties.creator = "laborlens"
    buf = io.BytesIO()
    wb.save(buf)
    return _pin_zip(buf.getvalue(), when)


def _pin_zip(data: bytes, when: datetime | None) -> bytes:
    """Rewrite a zip with every entry's time set to ``when`` (zip entries carry write times)."""
    stamp = (when or datetime(1980, 1, 1)).timetuple()[:6]
    stamp = (max(stamp[0], 1980), *stamp[1:])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml" and when is not None:
                # openpyxl stamps "modified" with the wall clock on save; pin it too.
                fixed = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                blob = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + fixed + rb"\g<2>",
                    blob,
                )
            dst.writestr(zi, blob)
    return out.getvalue()
