"""``laborlens exposure``: how much of what we buy rests on Xinjiang or listed parties.

Thin: parse the options, call :func:`laborlens.ops.exposure.analyse`, render with
:func:`laborlens.ops.exposure.render_report`. Unusable files or options exit with code 2 and one
message naming the file, row or option; problems in single lines are counted and listed in the
report's data-quality section, never a reason to stop.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.exposure import (
    ExposureError,
    ListError,
    OutputError,
    ResourceError,
    analyse,
    choose_format,
    render_report,
)
from laborlens.settings import Settings


def _fail(message: str) -> typer.Exit:
    return fail("exposure", message)


Files = Annotated[
    list[Path],
    typer.Argument(
        help="Order-line or customs-entry files (CSV, TSV, XLSX, Parquet, JSON Lines).",
        show_default=False,
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate lists and regimes as of YYYY-MM-DD (default today); lines dated "
        "later are left out.",
        show_default=False,
    ),
]
Fmt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="table, json, csv, xlsx or html (default: from --output, else table on a "
        "terminal and json otherwise).",
        show_default=False,
    ),
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here.", show_default=False)
]
Rates = Annotated[
    Path | None,
    typer.Option(
        "--rates",
        help="Exchange-rate table (CSV/XLSX: currency, period, rate[, quote, source]); "
        "takes precedence over the bundled table.",
        show_default=False,
    ),
]
Chains = Annotated[
    list[Path] | None,
    typer.Option(
        "--chain",
        help="A traced supply chain (as for `laborlens trace`) whose nodes are "
        "suppliers of these lines. Repeatable.",
        show_default=False,
    ),
]
Suppliers = Annotated[
    Path | None,
    typer.Option(
        "--suppliers",
        help="Supplier master joined by supplier id (name, address, country … for "
        "lines that carry only the id).",
        show_default=False,
    ),
]
Regime = Annotated[
    str,
    typer.Option(
        "--regime",
        help="The regime whose outcomes the report breaks down (every regime is in by_regime).",
    ),
]
Currency = Annotated[str, typer.Option("--currency", help="Report currency (ISO 4217).")]
Drill = Annotated[
    Path | None,
    typer.Option(
        "--drilldown",
        help="Write one CSV row per input line with its sector, outcome, tier, "
        "converted value and whether it is in the figures.",
        show_default=False,
    ),
]
ListFiles = Annotated[
    list[Path] | None,
    typer.Option(
        "--list-file",
        help="Add a user list (as for `laborlens screen`). Repeatable.",
        show_default=False,
    ),
]
DateOrder = Annotated[
    str | None,
    typer.Option(
        "--date-order",
        help="DMY or MDY for dates like 03/04/2025 (default: inferred per file).",
        show_default=False,
    ),
]
Encoding = Annotated[
    str | None,
    typer.Option(
        "--encoding", help="Text encoding of CSV inputs (default: detected).", show_default=False
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Screening processes (default: CPU count, at most 8).",
        show_default=False,
    ),
]


def exposure_command(  # noqa: PLR0917 - one parameter per CLI option
    files: Files,
    as_of: AsOf = None,
    regime: Regime = "us_uflpa",
    currency: Currency = "USD",
    rates: Rates = None,
    chain: Chains = None,
    suppliers: Suppliers = None,
    list_file: ListFiles = None,
    fmt: Fmt = None,
    output: Output = None,
    drilldown: Drill = None,
    date_order: DateOrder = None,
    encoding: Encoding = None,
    workers: Workers = None,
) -> None:
    """Exposure of purchases per sector, regime outcome, supplier and month, by value and
    quantity, with the undetermined share and a data-quality section."""
    try:
        day = parse_as_of(as_of)
        chosen = choose_format(fmt, output, sys.stdout.isatty())
    except (ValueError, OutputError) as exc:
        raise _fail(str(exc)) from None
    for target in (output, drilldown):
        if target is not None and not target.parent.is_dir():
            raise _fail(f"{target}: the folder {target.parent} does not exist")
    settings = Settings.from_env()
    try:
        analysis = analyse(
            files,
            as_of=day,
            regime=regime.strip(),
            currency=currency.strip(),
            rates=rates,
            chains=chain or (),
            suppliers=suppliers,
            list_files=list_file or (),
            encoding=encoding,
            date_order=date_order,
            workers=workers or settings.workers,
        )
    except (ExposureError, ListError, ResourceError) as exc:
        raise _fail(str(exc)) from None
    with analysis:
        report = analysis.report
        if drilldown is not None:
            report["drilldown"] = str(drilldown)
        try:
            render_report(report, chosen, output, sys.stdout)
            if drilldown is not None:
                analysis.write_drilldown(drilldown)
        except OutputError as exc:
            raise _fail(str(exc)) from None
        except OSError as exc:
            target = drilldown if drilldown and str(drilldown) in str(exc) else output
            raise _fail(f"{target}: cannot write ({exc.strerror or exc})") from None
    if output is not None or drilldown is not None:
        t = report["totals"]
        written = ", ".join(str(p) for p in (output, drilldown) if p is not None)
        typer.echo(
            f"exposure: {t['lines']:,} lines in scope of {t['lines_read']:,}, value "
            f"{t['value']:,.2f} {report['currency']}; "
            f"{sum(i['lines'] for i in report['data_quality']['issues']):,} line issue(s); "
            f"written to {written}",
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``exposure`` to the app."""
    app.command("exposure")(exposure_command)
