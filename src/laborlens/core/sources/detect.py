"""Which list format a file is, from its content (not its name), and reading it.

A file an analyst downloads by hand (``lists import``, ``--list-file``) is recognised as one of
the official formats or an OpenSanctions format; anything else is a plain user list (a table
with ``name``, ``aliases`` … columns) and is left to :func:`laborlens.core.lists.user_list`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from laborlens.core.sources import bis, cbp, dol, ftm, ofac, uflpa
from laborlens.core.sources.common import SourceError


@dataclass(frozen=True, slots=True)
class Format:
    """A recognised list format.

    Attributes:
        id: short name (``dhs_uflpa_page``, ``cbp_csv``, ``ftm_json`` …).
        label: what it is, for messages.
        list_id: the official list it is a copy of (``None`` for generic formats such as FtM).
        third_party: the file is a third party's parse of the official publication.
    """

    id: str
    label: str
    list_id: str | None
    third_party: bool = False


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("dhs_uflpa_page", "DHS UFLPA Entity List page (HTML)", uflpa.LIST_ID),
        Format("cbp_csv", "CBP Withhold Release Orders and Findings (CSV)", cbp.LIST_ID),
        Format(
            "cbp_json", "CBP Withhold Release Orders and Findings (JSON parse)", cbp.LIST_ID, True
        ),
        Format("ofac_sdn_csv", "OFAC SDN list (legacy sdn.csv)", ofac.LIST_ID),
        Format("bis_json", "BIS Entity List (JSON parse of the eCFR text)", bis.LIST_ID, True),
        Format(
            "csl_csv", "trade.gov Consolidated Screening List (CSV), Entity List rows", bis.LIST_ID
        ),
        Format("dol_csv", "DOL List of Goods (research CSV)", dol.LIST_ID),
        Format("ftm_json", "FollowTheMoney entities (JSON lines)", None),
        Format("simple_csv", "OpenSanctions simple CSV", None),
    )
}


def _header(text: str) -> list[str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return [h.strip().strip('"').strip() for h in first.split(",")]


def detect(data: bytes) -> Format | None:
    """The format of a file's bytes, or ``None`` for a plain user list (or unknown)."""
    head = data[:65536].decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if head[:1] == "<":
        page = data[:4_000_000].decode("utf-8", errors="replace").lower()
        if "<table" in page and "uflpa" in page:
            return FORMATS["dhs_uflpa_page"]
        return None
    if head.startswith("{"):
        found = _json_format(head)
        if found is not None:
            return found
    return _csv_format(head)


def _json_format(head: str) -> Format | None:
    first = head.split("\n", 1)[0]
    try:
        obj = json.loads(first)
    except json.JSONDecodeError:
        obj = None
    if isinstance(obj, dict) and "schema" in obj and "properties" in obj:
        return FORMATS["ftm_json"]
    if '"entities"' in head:
        if re.search(r'"notes"\s*:\s*"(?:WRO|Finding)\b', head):
            return FORMATS["cbp_json"]
        if '"federal_register"' in head:
            return FORMATS["bis_json"]
    return None


_CSV_HEADERS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"Country", "Entity", "WRO/Finding"}), "cbp_csv"),
    (frozenset({"source", "name", "federal_register_notice"}), "csl_csv"),
    (frozenset({"id", "schema", "name", "aliases"}), "simple_csv"),
    (frozenset({"good", "country", "forced_labor"}), "dol_csv"),
)


def _csv_format(head: str) -> Format | None:
    header = set(_header(head))
    for needed, fmt in _CSV_HEADERS:
        if needed <= header:
            return FORMATS[fmt]
    if re.match(r'^\d+,"[^"]*",(?:-0- ?|"[^"]*"),', head):
        return FORMATS["ofac_sdn_csv"]
    return None


def _text(data: bytes, fmt: Format, source: str) -> str:
    if fmt.id == "ofac_sdn_csv":
        return data.decode("latin-1")  # OFAC's legacy files are Latin-1
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{source}: expected UTF-8 text ({fmt.label}), found an invalid byte at "
            f"offset {exc.start}"
        ) from exc


_PARSERS: dict[str, Callable[[str, str], list[dict[str, Any]]]] = {
    "dhs_uflpa_page": uflpa.parse_uflpa_html,
    "cbp_csv": cbp.parse_cbp_csv,
    "cbp_json": cbp.parse_cbp_json,
    "ofac_sdn_csv": lambda text, source: ofac.parse_ofac(text),
    "bis_json": bis.parse_bis_json,
    "csl_csv": bis.parse_csl_csv,
    "dol_csv": dol.parse_dol_csv,
}


def parse(data: bytes, fmt: Format, list_id: str, source: str) -> list[dict[str, Any]]:
    """Entries of a file in a recognised format, as list ``list_id``.

    Raises:
        SourceError: the file does not hold what its format promises (naming what was
            expected and what was found).
    """
    text = _text(data, fmt, source)
    if fmt.id == "ftm_json":
        entries = ftm.parse_ftm_json(text, list_id, source)
    elif fmt.id == "simple_csv":
        entries = ftm.parse_simple_csv(text, list_id, source)
    else:
        entries = _PARSERS[fmt.id](text, source)
    for e in entries:
        e["list_id"] = list_id
    return entries
