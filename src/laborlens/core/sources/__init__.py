"""Parsers for the official list formats (pure: text in, list-entry objects out).

The build script (``scripts/build_lists.py``), the updater (``laborlens lists update``) and the
importer (``laborlens lists import`` / ``--list-file``) share these, so a bundled snapshot, a
fresh download and a file an analyst saved by hand are read by the same code. Every row becomes
an entry or raises :class:`SourceError` naming the file, the row and what was expected: nothing
is skipped silently, and a truncated, reordered or changed file is refused.

| module | format |
|---|---|
| :mod:`.uflpa` | the DHS UFLPA Entity List page (HTML) |
| :mod:`.cbp` | CBP's Withhold Release Orders and Findings (CSV, or its JSON parse) |
| :mod:`.ofac` | OFAC's SDN list (legacy CSV) |
| :mod:`.bis` | the BIS Entity List (JSON parse of the eCFR text; trade.gov CSL CSV) |
| :mod:`.dol` | the DOL List of Goods (research CSV) |
| :mod:`.ftm` | FollowTheMoney JSON lines and OpenSanctions' simple CSV; FtM export |
| :mod:`.detect` | which of these a file is |
"""

from __future__ import annotations

from laborlens.core.sources.bis import parse_bis_json, parse_csl_csv
from laborlens.core.sources.cbp import parse_cbp_csv, parse_cbp_json
from laborlens.core.sources.common import SourceError, country_code, name_key
from laborlens.core.sources.dol import parse_dol_csv
from laborlens.core.sources.ftm import parse_ftm_json, parse_simple_csv, to_ftm
from laborlens.core.sources.ofac import parse_ofac
from laborlens.core.sources.uflpa import parse_uflpa_html

__all__ = [
    "SourceError",
    "country_code",
    "name_key",
    "parse_bis_json",
    "parse_cbp_csv",
    "parse_cbp_json",
    "parse_csl_csv",
    "parse_dol_csv",
    "parse_ftm_json",
    "parse_ofac",
    "parse_simple_csv",
    "parse_uflpa_html",
    "to_ftm",
]
