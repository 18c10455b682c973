"""``laborlens alternatives``: who could take the volume, and a plan to move it.

Thin: parse the options, call :func:`laborlens.ops.alternatives.alternatives`, render with
:func:`laborlens.ops.alternatives.render_alternatives` (with the scenario chart). Unusable
files or options exit with code 2.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from laborlens.interfaces.cli.common import fail, parse_as_of
from laborlens.ops.alternatives import alternatives, render_alternatives
from laborlens.ops.exposure import (
    ExposureError,
    ListError,
    OutputError,
    ResourceError,
    choose_format,
)
from laborlens.settings import Settings


def _fail(message: str) -> typer.Exit:
    return fail("alternatives", message)


Paths = list[Path] | None


SectorOpt = Annotated[
    str,
    typer.Option(
        "--sector",
        help="Sector group or sector: cotton_apparel (cotton, apparel), "
        "polysilicon_solar, tomatoes, aluminium, pvc, seafood, steel, copper, lithium, "
        "caustic_soda, red_dates.",
        show_default=False,
    ),
]
CountryOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--country",
        help="Keep candidates in this country (name or ISO code). Repeatable.",
        show_default=False,
    ),
]
HsOpt = Annotated[
    str | None,
    typer.Option(
        "--hs",
        help="Keep supplier-master candidates whose HS code starts with this.",
        show_default=False,
    ),
]
SuppliersOpt = Annotated[
    Path | None,
    typer.Option(
        "--suppliers",
        help="Supplier master (as for `screen`; optional capacity and "
        "capacity_unit columns, per year).",
        show_default=False,
    ),
]
OrdersOpt = Annotated[
    Paths,
    typer.Option(
        "--orders", help="Order-line files (as for `exposure`). Repeatable.", show_default=False
    ),
]
FacilitiesOpt = Annotated[
    Paths,
    typer.Option(
        "--facilities",
        help="Facility list in Open Supply Hub's download format. Repeatable.",
        show_default=False,
    ),
]
ChainOpt = Annotated[
    Paths,
    typer.Option(
        "--chain",
        help="Traced chains of the order suppliers (as for `exposure`). Repeatable.",
        show_default=False,
    ),
]
ReplacePctOpt = Annotated[
    float | None,
    typer.Option(
        "--replace",
        help="Plan: move this percentage of the sector's tainted volume …",
        show_default=False,
    ),
]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="… by this date (YYYY-MM-DD).", show_default=False)
]
OutcomesOpt = Annotated[
    str,
    typer.Option("--outcomes", help="Outcomes counted as tainted in the plan (comma-separated)."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate lists and regimes as of YYYY-MM-DD (default today).",
        show_default=False,
    ),
]
RegimeOpt = Annotated[str, typer.Option("--regime", help="The regime that decides eligibility.")]
ListFileOpt = Annotated[
    Paths, typer.Option("--list-file", help="Add a user list. Repeatable.", show_default=False)
]
FmtOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="table, json, csv, xlsx or html (default: from --output, else table "
        "on a terminal and json otherwise).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the result here.", show_default=False),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Screening processes.", show_default=False),
]


def alternatives_command(  # noqa: PLR0917 - one parameter per CLI option
    sector: SectorOpt,
    country: CountryOpt = None,
    hs: HsOpt = None,
    suppliers: SuppliersOpt = None,
    orders: OrdersOpt = None,
    facilities: FacilitiesOpt = None,
    chain: ChainOpt = None,
    replace_pct: ReplacePctOpt = None,
    by: ByOpt = None,
    outcomes: OutcomesOpt = "presumption,prohibited_entity",
    as_of: AsOfOpt = None,
    regime: RegimeOpt = "us_uflpa",
    list_file: ListFileOpt = None,
    fmt: FmtOpt = None,
    output: OutputOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Rank replacement suppliers for a sector from your order history, supplier master and open
    facility lists; with --replace and --by, plan moving the tainted volume."""
    try:
        day = parse_as_of(as_of)
        chosen = choose_format(fmt, output, sys.stdout.isatty())
    except (ValueError, OutputError) as exc:
        raise _fail(str(exc)) from None
    try:
        target = date.fromisoformat(by.strip()) if by is not None else None
    except ValueError:
        raise _fail(f"--by: '{by}' is not a date in the form YYYY-MM-DD") from None
    if output is not None and not output.parent.is_dir():
        raise _fail(f"{output}: the folder {output.parent} does not exist")
    settings = Settings.from_env()
    try:
        result = alternatives(
            sector=sector,
            countries=list(country or ()),
            hs=hs,
            suppliers=suppliers,
            orders=orders or (),
            facilities=facilities or (),
            chains=chain or (),
            as_of=day,
            regime=regime.strip(),
            list_files=list_file or (),
            replace_pct=replace_pct,
            by=target,
            outcomes=[o.strip() for o in outcomes.split(",") if o.strip()],
            workers=workers or settings.workers,
        )
    except (ExposureError, ListError, ResourceError) as exc:
        raise _fail(str(exc)) from None
    try:
        render_alternatives(result, chosen, output, sys.stdout)
    except OutputError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{output}: cannot write ({exc.strerror or exc})") from None
    if output is not None:
        typer.echo(
            f"alternatives: {len(result['candidates'])} candidates, {result['eligible']} "
            f"eligible; written to {output}",
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``alternatives`` to the app."""
    app.command("alternatives")(alternatives_command)
