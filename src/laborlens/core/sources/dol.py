"""The US DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA), in the CSV layout of
the project's research extract of DOL's own app data (one row per good and country)."""

from __future__ import annotations

import csv
import io
from typing import Any

from laborlens.core.sources.common import SourceError, clean, country_code, entry, slug

LIST_ID = "us_dol_tvpra"


def parse_dol_csv(text: str, file_name: str = "dol.csv") -> list[dict[str, Any]]:
    """Good-country entries of the DOL TVPRA List of Goods (research CSV layout)."""
    entries = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        good, country = clean(row.get("good")), clean(row.get("country"))
        if not good or not country:
            raise SourceError(f"{file_name} row {n}: empty good or country")
        iso = country_code(country)
        if iso is None:
            raise SourceError(f"{file_name} row {n}: unknown country {country!r}")
        flags = {
            k: clean(row.get(k))
            for k in (
                "child_labor",
                "forced_labor",
                "forced_child_labor",
                "derived_labor_exploitation",
                "derived_input_country",
            )
        }
        for k, v in flags.items():
            if k != "derived_input_country" and v not in ("Yes", "No"):
                raise SourceError(f"{file_name} row {n}: column {k} is {v!r}, not Yes/No")
        entries.append(
            entry(
                "us_dol_tvpra",
                f"dol-{iso.lower()}-{slug(good, fold=False)}",  # ids as first published
                good,
                schema="Good",
                countries=[iso],
                properties={
                    "good_sector": clean(row.get("good_sector")),
                    "country_as_listed": country,
                    "country_region": clean(row.get("country_region")),
                    **flags,
                    "list_edition": clean(row.get("list_edition")),
                },
                source=clean(row.get("source")),
            )
        )
    return entries
