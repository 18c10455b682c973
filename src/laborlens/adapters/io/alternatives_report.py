"""Write the replacement-candidates report (and its scenario): JSON, CSV, table, HTML, XLSX."""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from laborlens.adapters.io.exposure_report import write_output
from laborlens.core.cells import safe_cell, xlsx_row

CSV_COLUMNS: tuple[str, ...] = (
    "rank",
    "name",
    "sources",
    "supplier_id",
    "country",
    "eligible",
    "why_not",
    "risk",
    "outcome",
    "sector_fit",
    "capacity_available",
    "capacity_unit",
    "capacity_basis",
    "history_value",
    "last_order",
    "allocated",
    "allocated_unit",
    "why_ranked",
    "reasons",
    "citation",
)


def _rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    scenario = result.get("scenario") or {}
    allocated = {c["rank"]: c for c in scenario.get("candidates", [])}
    out = []
    for c in result["candidates"]:
        row = {k: c.get(k) for k in CSV_COLUMNS}
        row["sources"] = "+".join(c["sources"])
        row["reasons"] = " | ".join(c["reasons"])
        extra = allocated.get(c["rank"], {})
        row["allocated"] = extra.get("allocated")
        row["allocated_unit"] = extra.get("allocated_unit")
        out.append(row)
    return out


def write_csv(result: Mapping[str, Any], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in _rows(result))


def write_xlsx(result: Mapping[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Candidates")
    sheet.append(list(CSV_COLUMNS))
    for row in _rows(result):
        sheet.append(xlsx_row(row[k] for k in CSV_COLUMNS))
    scenario = result.get("scenario")
    if scenario:
        plan = book.create_sheet("Scenario")
        for key in ("baseline", "to_move", "covered", "gap", "after"):
            for k, v in scenario[key].items():
                plan.append(xlsx_row([key, k, json.dumps(v) if isinstance(v, dict) else v]))
        timeline = book.create_sheet("Timeline")
        timeline.append(["month", "phase", "remaining", "moved_covered", "moved_uncovered"])
        for m in scenario["timeline"]:
            timeline.append(
                xlsx_row(
                    [
                        m["month"],
                        m["phase"],
                        m["remaining"],
                        m["moved_covered"],
                        m["moved_uncovered"],
                    ]
                )
            )
    book.save(path)


def render_table(result: Mapping[str, Any], out: TextIO, limit: int = 25) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=150, highlight=False)
    console.print(
        f"[bold]Replacement candidates[/bold] — {result['label']} "
        f"({result['regime']} as of {result['as_of']}); {result['eligible']} eligible "
        f"of {len(result['candidates'])}"
    )
    table = Table()
    for col in ("#", "candidate", "from", "country", "risk", "outcome", "capacity/yr", "why"):
        table.add_column(col)
    for c in result["candidates"][:limit]:
        cap = (
            f"{c['capacity_available']:,.0f} {c['capacity_unit']}"
            if c["capacity_available"] is not None
            else "unknown"
        )
        style = "" if c["eligible"] else "dim"
        table.add_row(
            str(c["rank"]),
            str(c["name"])[:40],
            "+".join(c["sources"]),
            str(c["country"] or ""),
            c["risk"],
            c["outcome"],
            cap,
            c["why_not"] or c["sector_fit_why"][:50],
            style=style,
        )
    console.print(table)
    scenario = result.get("scenario")
    if scenario:
        b, t, cov, after = (
            scenario["baseline"],
            scenario["to_move"],
            scenario["covered"],
            scenario["after"],
        )
        console.print(f"[bold]{scenario['title']}[/bold]")
        console.print(
            f"tainted run rate {b['tainted_value_per_year']:,.2f} per year "
            f"({(b['tainted_share'] or 0) * 100:.1f} % of the sector); to move "
            f"{t['value_per_year']:,.2f} per year; covered by candidates with a stated "
            f"capacity {cov['value_per_year']:,.2f} "
            f"({(cov['share_of_target'] or 0) * 100:.1f} % of the target)"
        )
        console.print(
            f"tainted share after the plan: "
            f"{(after['tainted_share_if_all_moved'] or 0) * 100:.1f} % if all is moved, "
            f"{(after['tainted_share_if_covered_moved'] or 0) * 100:.1f} % with the "
            "covered part only"
        )


def render_html(result: Mapping[str, Any], chart: bytes | None) -> str:
    from jinja2 import Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("laborlens.adapters.io", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=lambda v: "" if v is None else f"{float(v):,.2f}",
        pct=lambda v: "" if v is None else f"{100 * float(v):.1f}%",
        qty=lambda v: "" if v is None else f"{float(v):,.0f}",
    )
    return env.get_template("alternatives.html.j2").render(
        r=result,
        s=result.get("scenario"),
        chart=base64.b64encode(chart).decode("ascii") if chart else None,
    )


def write_alternatives(
    result: Mapping[str, Any], fmt: str, output: Path | None, out: TextIO, chart: bytes | None
) -> None:
    """Render ``result`` as ``fmt`` to ``output`` (a file) or ``out`` (a stream)."""

    def text(stream: TextIO) -> None:
        if fmt == "json":
            stream.write(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
        elif fmt == "csv":
            write_csv(result, stream)
        elif fmt == "html":
            stream.write(render_html(result, chart))
        else:
            render_table(result, stream)

    write_output(fmt, output, out, text=text, workbook=lambda p: write_xlsx(result, p))
