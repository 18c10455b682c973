"""Write the exposure report: JSON, CSV (figures, long form), XLSX, a terminal table, HTML.

Every format renders the same report dict (:mod:`laborlens.core.exposure.summary`); the HTML
report embeds the charts of :mod:`laborlens.adapters.io.charts` as PNG images, so the page is
self-contained (no scripts, no external resources). Files are written under a temporary name
and renamed when complete, so a failed run never leaves half a report.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from laborlens.adapters.io.atomic import atomic_output
from laborlens.core.cells import safe_cell, xlsx_row
from laborlens.core.exposure.keys import REPORT_OUTCOMES

FORMATS: tuple[str, ...] = ("table", "json", "csv", "xlsx", "html")
SUFFIX_FORMATS: Mapping[str, str] = {
    ".json": "json",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}

#: The views of the report written as rows, with the report key and the row's key field.
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("sector", "by_sector", "sector"),
    ("outcome", "by_outcome", "outcome"),
    ("supplier", "by_supplier", "supplier"),
    ("month", "by_month", "month"),
    ("tier", "by_tier", "tier"),
)


class OutputError(ValueError):
    """The output cannot be written as asked (the message names the option or the file)."""


def choose_format(requested: str | None, output: str | Path | None, to_terminal: bool) -> str:
    """The output format: ``--format``, else from the output's suffix, else ``table`` on a
    terminal and ``json`` otherwise."""
    if requested:
        fmt = requested.strip().lower()
        if fmt not in FORMATS:
            raise OutputError(f"--format: '{requested}' is not one of {', '.join(FORMATS)}")
        if fmt == "xlsx" and output is None:
            raise OutputError("--format xlsx needs --output FILE.xlsx")
        return fmt
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix in SUFFIX_FORMATS:
            return SUFFIX_FORMATS[suffix]
        raise OutputError(
            f"--output: cannot tell the format from '{Path(output).name}'; add --format"
        )
    return "table" if to_terminal else "json"


def units_of(report: Mapping[str, Any]) -> list[str]:
    return sorted(report["totals"]["quantity"])


def figure_rows(report: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The report's figures as flat rows: one per (view, key, outcome) plus the key's total
    (outcome ``all``), then every regime's outcome rows and the grand total."""
    units = units_of(report)

    def flat(
        view: str, key: str, label: str, outcome: str, fig: Mapping[str, Any]
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "view": view,
            "key": key,
            "label": label,
            "outcome": outcome,
            "lines": fig["lines"],
            "lines_share": fig.get("lines_share"),
            "value": fig["value"],
            "value_share": fig.get("value_share"),
            "value_lines": fig.get("value_lines"),
            "quantity_lines": fig.get("quantity_lines"),
        }
        for unit in units:
            row[f"quantity_{unit}"] = fig.get("quantity", {}).get(unit)
            row[f"quantity_share_{unit}"] = fig.get("quantity_share", {}).get(unit)
        return row

    totals = report["totals"]
    yield flat(
        "total",
        "",
        "all lines in scope",
        "all",
        {**totals, "lines_share": 1.0, "value_share": 1.0 if totals["value"] else None},
    )
    for view, name, key in VIEWS:
        for item in report[name]:
            label = str(item.get("label", item[key]))
            if view == "outcome":
                yield flat(view, str(item[key]), label, str(item[key]), item)
                continue
            yield flat(view, str(item[key]), label, "all", item)
            for outcome, fig in item.get("by_outcome", {}).items():
                yield flat(view, str(item[key]), label, outcome, fig)
    for regime, rows in report["by_regime"].items():
        for item in rows:
            yield flat(f"regime:{regime}", str(item["outcome"]), regime, str(item["outcome"]), item)


def render_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"


def write_csv(report: Mapping[str, Any], out: TextIO) -> None:
    rows = list(figure_rows(report))
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)


def _sheet_rows(report: Mapping[str, Any]) -> dict[str, list[list[Any]]]:
    figures = list(figure_rows(report))
    head = list(figures[0])
    sheets: dict[str, list[list[Any]]] = {
        "Summary": [
            ["report", "laborlens exposure"],
            ["regime", report["regime"]],
            ["as of", report["as_of"]],
            ["currency", report["currency"]],
            *[
                [k, v if not isinstance(v, dict) else json.dumps(v)]
                for k, v in report["totals"].items()
            ],
            ["reconciled", "yes" if report["reconciliation"]["ok"] else "NO"],
            *[["warning", w] for w in report["warnings"]],
        ],
        "Figures": [head, *[[r[h] for h in head] for r in figures]],
    }
    quality = [["issue", "label", "effect", "lines", "file", "row", "column", "message"]]
    for issue in report["data_quality"]["issues"]:
        quality.append([issue["issue"], issue["label"], issue["effect"], issue["lines"]])
        for e in issue["examples"]:
            quality.append(["", "", "", "", e["file"], e["row"], e["column"], e["message"]])
    sheets["Data quality"] = quality
    sheets["Rates"] = [
        ["currency", "rate", "basis", "lines", "value in currency"],
        *[
            [x["currency"], x["rate"], x["basis"], x["lines"], x["original_value"]]
            for x in report["rates"]["used"]
        ],
    ]
    return sheets


def write_xlsx(report: Mapping[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in _sheet_rows(report).items():
        sheet = book.create_sheet(title)
        for row in rows:
            # text cells never become formulas
            sheet.append(xlsx_row(row))
    book.save(path)


def _money(value: Any) -> str:
    return "" if value is None else f"{float(value):,.2f}"


def _pct(value: Any) -> str:
    return "" if value is None else f"{100 * float(value):.1f}%"


def _qty(value: Any) -> str:
    return "" if value is None else f"{float(value):,.1f}"


def render_table(report: Mapping[str, Any], out: TextIO, width: int | None = None) -> None:
    """A terminal summary: totals, sectors by outcome, the largest suppliers, data quality."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=width or 140, highlight=False)
    t = report["totals"]
    console.print(
        f"[bold]Exposure[/bold] — {report['regime']} as of {report['as_of']}, "
        f"values in {report['currency']}"
    )
    console.print(
        f"{t['lines']:,} lines in scope of {t['lines_read']:,} read; value "
        f"{_money(t['value'])} over {t['value_lines']:,} lines "
        f"({t['value_excluded_lines']:,} without a usable value)"
    )
    outcomes = [
        o for o in REPORT_OUTCOMES if any(o in r["by_outcome"] for r in report["by_sector"])
    ]
    table = Table(title="By sector (share of all value per outcome)")
    for col in ("sector", "lines", "value", "share", *outcomes):
        table.add_column(col, justify="left" if col == "sector" else "right")
    for r in report["by_sector"]:
        table.add_row(
            str(r.get("label", r["sector"])),
            f"{r['lines']:,}",
            _money(r["value"]),
            _pct(r["value_share"]),
            *[_pct(r["by_outcome"].get(o, {}).get("value_share")) for o in outcomes],
        )
    console.print(table)
    suppliers = Table(title="Largest suppliers")
    for col in ("supplier", "country", "risk", "lines", "value", "share"):
        suppliers.add_column(
            col, justify="left" if col in ("supplier", "country", "risk") else "right"
        )
    for r in report["by_supplier"][:10]:
        suppliers.add_row(
            str(r.get("label") or r["supplier"])[:50],
            str(r.get("country") or ""),
            str(r.get("risk") or ""),
            f"{r['lines']:,}",
            _money(r["value"]),
            _pct(r["value_share"]),
        )
    console.print(suppliers)
    for issue in report["data_quality"]["issues"]:
        console.print(
            f"[yellow]{issue['lines']:,} line(s): {issue['label']}[/yellow] — {issue['effect']}"
        )
    for w in report["warnings"]:
        console.print(f"[yellow]{w}[/yellow]")
    if not report["reconciliation"]["ok"]:
        console.print("[bold red]reconciliation failed: see the JSON output[/bold red]")


def render_html(
    report: Mapping[str, Any],
    charts: Mapping[str, bytes],
    title: str = "Forced-labour exposure of purchases",
) -> str:
    """The self-contained HTML report with the charts embedded as PNG images."""
    from jinja2 import Environment, PackageLoader

    from laborlens.adapters.io.charts import COLOURS

    env = Environment(
        loader=PackageLoader("laborlens.adapters.io", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=_money, pct=_pct, qty=_qty, int_=lambda v: "" if v is None else f"{int(v):,}"
    )
    outcomes = [o for o in REPORT_OUTCOMES if any(r["outcome"] == o for r in report["by_outcome"])]
    regime_outcomes = [
        o
        for o in REPORT_OUTCOMES
        if any(r["outcome"] == o for rows in report["by_regime"].values() for r in rows)
    ]
    return env.get_template("exposure.html.j2").render(
        r=report,
        t=report["totals"],
        title=title,
        units=units_of(report),
        outcomes=outcomes,
        regime_outcomes=regime_outcomes,
        colours=COLOURS,
        supplier_limit=50,
        charts={k: base64.b64encode(v).decode("ascii") for k, v in charts.items()},
    )


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file next to ``path``, renamed when complete
    (:func:`laborlens.adapters.io.atomic.atomic_output`)."""
    with atomic_output(path) as tmp:
        write(tmp)


def write_output(
    fmt: str,
    output: Path | None,
    out: TextIO,
    *,
    text: Callable[[TextIO], None],
    workbook: Callable[[Path], None],
) -> None:
    """Write a report in ``fmt``: XLSX through ``workbook(path)``, every other format through
    ``text(stream)``, to ``output`` (atomically; CSV with a byte-order mark for Excel) or to
    the stream ``out``."""
    if fmt == "xlsx":
        if output is None:
            raise OutputError("--format xlsx needs --output FILE.xlsx")
        atomic_write(output, workbook)
        return
    if output is None:
        text(out)
        return
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"

    def to_file(p: Path) -> None:
        with p.open("w", encoding=encoding, newline="") as handle:
            text(handle)

    atomic_write(output, to_file)


def write_report(
    report: Mapping[str, Any],
    fmt: str,
    output: Path | None,
    out: TextIO,
    charts: Callable[[], Mapping[str, bytes]] | None = None,
) -> None:
    """Render ``report`` as ``fmt`` to ``output`` (a file) or ``out`` (a stream)."""

    def text(stream: TextIO) -> None:
        if fmt == "json":
            stream.write(render_json(report))
        elif fmt == "csv":
            write_csv(report, stream)
        elif fmt == "html":
            stream.write(render_html(report, charts() if charts else {}))
        else:
            render_table(report, stream)

    write_output(fmt, output, out, text=text, workbook=lambda p: write_xlsx(report, p))
