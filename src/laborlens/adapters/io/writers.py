"""Writers: screening results as JSON Lines, CSV, XLSX, a terminal table or an HTML report.

Every writer takes an iterable of ``(ScreenResult, Record | None)`` pairs (the record, when
known, supplies the input name and file for people to read) and a :class:`ReportMeta` (as-of
date, list versions and completeness, inputs). JSON Lines, CSV and XLSX stream row by row: one
output row per input row, in input order. The table and HTML report show the rows with findings
or errors, worst first, plus counts of every row; to keep memory flat on huge inputs they hold
at most ``limit`` such rows (the worst) and say how many more there were.

``jsonl`` writes exactly ``ScreenResult.to_dict()`` per line (docs/contracts.md). ``csv``/``xlsx``
flatten the findings into readable columns (see :data:`FLAT_COLUMNS`), one ``regime_<id>`` column
per regime, then the input's extra columns, untouched.
"""

from __future__ import annotations

import csv
import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

import orjson

from laborlens.core.cells import safe_row
from laborlens.core.model import (
    RISK_ORDER,
    Finding,
    ListInfo,
    Parts,
    Record,
    RowError,
    ScreenResult,
)
from laborlens.version import __version__

#: Output formats of ``laborlens screen``.
FORMATS: tuple[str, ...] = ("table", "jsonl", "csv", "xlsx", "html", "parquet")
#: Formats whose rows workers encode themselves (see ``adapters/io/encode.py``).
ENCODED_FORMATS: tuple[str, ...] = ("jsonl", "parquet")
#: Output suffix -> format, for ``--output`` without ``--format``.
SUFFIX_FORMATS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: The fixed leading columns of the CSV and XLSX outputs.
FLAT_COLUMNS: tuple[str, ...] = (
    "source",
    "row",
    "id",
    "name",
    "country",
    "risk",
    "listed_entities",
    "related_parties",
    "regions",
    "sectors",
    "goods",
    "explanation",
    "errors",
)
_RISKS = ("high", "medium", "low", "none")

Pair = tuple[ScreenResult, Record | None]


class OutputError(ValueError):
    """The output cannot be written as asked (unknown format, xlsx to a terminal …)."""


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """Facts about a screening run that every report states.

    Attributes:
        as_of: the evaluation date.
        lists: the lists screened against (versions and completeness warnings).
        inputs: the input files.
        algorithms: versioned algorithm names.
        extra_columns: the input's extra columns (CSV/XLSX headers), in order.
        generated: when the report was made.
        version: the laborlens version.
    """

    as_of: date
    lists: tuple[ListInfo, ...] = ()
    inputs: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: str = __version__

    def warnings(self) -> list[str]:
        """The completeness note of every list (partial, unverified, stale), incomplete first."""
        ordered = sorted(self.lists, key=lambda i: i.complete)
        return [f"{i.list_id}: {i.completeness_note}" for i in ordered if i.completeness_note]


@dataclass
class Summary:
    """Counts gathered while writing."""

    rows: int = 0
    by_risk: Counter[str] = field(default_factory=Counter)
    with_findings: int = 0
    with_errors: int = 0

    def add(self, result: ScreenResult) -> None:
        self.rows += 1
        self.by_risk[result.risk] += 1
        self.with_findings += bool(result.findings)
        self.with_errors += bool(result.errors)

    def line(self) -> str:
        """``120 rows: 3 high, 5 medium, 0 low, 112 none; 2 rows with errors``."""
        return f"{self.rows} row{'s' if self.rows != 1 else ''}: {self.counts()}"

    def counts(self) -> str:
        """``3 high, 5 medium, 0 low, 112 none; 2 rows with errors``."""
        counts = ", ".join(f"{self.by_risk.get(r, 0)} {r}" for r in _RISKS)
        return f"{counts}; {self.with_errors} row{'s' if self.with_errors != 1 else ''} with errors"


def choose_format(requested: str | None, output: str | Path | None, to_terminal: bool) -> str:
    """The output format: as requested, else from the output suffix, else table/jsonl.

    Without ``--format`` and ``--output`` the table is written to a terminal and JSON Lines to
    a pipe or file redirect.

    Raises:
        OutputError: unknown format or suffix, or xlsx without an output file.
    """
    if requested:
        fmt = requested.strip().lower()
        if fmt not in FORMATS:
            raise OutputError(f"--format: unknown format '{requested}'; use {', '.join(FORMATS)}")
    elif output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in SUFFIX_FORMATS:
            raise OutputError(
                f"--output {output}: cannot tell the format from '{suffix or 'no suffix'}'; "
                f"pass --format ({', '.join(FORMATS)})"
            )
        fmt = SUFFIX_FORMATS[suffix]
    else:
        fmt = "table" if to_terminal else "jsonl"
    if fmt in ("xlsx", "parquet") and output is None:
        raise OutputError(f"--format {fmt} needs --output FILE.{fmt}")
    return fmt


# --- flattening -------------------------------------------------------------------------------


def finding_label(f: Finding) -> str:
    """A short one-line label of a finding (what matched, where)."""
    if f.kind in ("listed_entity", "related_party"):
        band = f" {f.match}" if f.match else ""
        return f"{f.entry_name} [{f.list}{band} {f.score:.2f}]"
    if f.kind == "region":
        return f"{f.region} {f.label or ''}".strip()
    if f.kind == "sector":
        regime = f" ({f.regime})" if f.regime else ""
        return f"{f.sector}{regime}"
    if f.kind == "goods_list":
        return f"{f.good}, {f.country} [{f.list}]"
    return f.kind


def error_label(error: RowError) -> str:
    """A row error without the file/row prefix (shown next to the row already)."""
    return f"column '{error.column}': {error.message}" if error.column else error.message


def _join(items: Iterable[str]) -> str:
    return " | ".join(dict.fromkeys(i for i in items if i))


def flatten(
    result: ScreenResult, record: Record | None, regimes: Sequence[str], extras: Sequence[str]
) -> list[str]:
    """One output row: :data:`FLAT_COLUMNS`, ``regime_<id>`` outcomes, then extra columns."""

    def of(*kinds: str) -> str:
        return _join(finding_label(f) for f in result.findings if f.kind in kinds)

    outcomes = {o.regime: o.outcome for o in result.regimes}
    extra = dict(result.extra)
    return [
        (record.source or "") if record else "",
        str(result.row),
        result.id,
        (record.name or "") if record else "",
        result.country or ((record.country or "") if record else ""),
        result.risk,
        of("listed_entity"),
        of("related_party"),
        of("region"),
        of("sector"),
        of("goods_list"),
        _join(f.why for f in result.findings),
        _join(str(e) for e in result.errors),
        *(outcomes.get(r, "") for r in regimes),
        *(extra.get(h, "") for h in extras),
    ]


def _header(regimes: Sequence[str], extras: Sequence[str]) -> list[str]:
    clash = set(FLAT_COLUMNS)
    return [
        *FLAT_COLUMNS,
        *(f"regime_{r}" for r in regimes),
        *(f"input_{h}" if h in clash else h for h in extras),
    ]


def _pairs(items: Iterable[ScreenResult | Pair]) -> Iterator[Pair]:
    for item in items:
        yield (item, None) if isinstance(item, ScreenResult) else item


def _peek(pairs: Iterator[Pair]) -> tuple[Pair | None, Iterator[Pair]]:
    first = next(pairs, None)
    return first, (chain([first], pairs) if first is not None else pairs)


def _extras_of(meta: ReportMeta, first: Pair | None) -> tuple[str, ...]:
    if meta.extra_columns:
        return meta.extra_columns
    if first is None:
        return ()
    return tuple(h for h, _ in first[0].extra)


# --- streaming writers ------------------------------------------------------------------------


def write_jsonl(items: Iterable[ScreenResult | Pair], out: TextIO) -> Summary:
    """One JSON object per input row: exactly ``ScreenResult.to_dict()``."""
    summary = Summary()
    parts = Parts()
    for result, _ in _pairs(items):
        out.write(orjson.dumps(result.to_dict(parts)).decode())
        out.write("\n")
        summary.add(result)
    return summary


def write_csv(items: Iterable[ScreenResult | Pair], out: TextIO, meta: ReportMeta) -> Summary:
    """CSV with findings flattened into readable columns, then the extra input columns."""
    summary = Summary()
    first, pairs = _peek(_pairs(items))
    regimes = [o.regime for o in first[0].regimes] if first else []
    extras = _extras_of(meta, first)
    # CRLF as RFC 4180 says: csv quotes a cell holding any character of the line terminator,
    # so a bare CR inside a cell can never end the row early
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(_header(regimes, extras)))
    for result, record in pairs:
        writer.writerow(safe_row(flatten(result, record, regimes, extras)))
        summary.add(result)
    return summary


_XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet


def write_xlsx(
    items: Iterable[ScreenResult | Pair],
    path: str | Path,
    meta: ReportMeta,
    *,
    max_rows: int = _XLSX_MAX_ROWS,
) -> Summary:
    """An XLSX workbook: Results, Findings, Summary and Sources sheets, streamed; a sheet that
    reaches ``max_rows`` continues in a numbered sheet (see ``adapters/io/xlsx_out.py``)."""
    from laborlens.adapters.io.xlsx_out import write_screen_xlsx

    return write_screen_xlsx(items, path, meta, max_rows=max_rows)


# --- reports (rows with findings, worst first) ------------------------------------------------


@dataclass
class Collected:
    """Rows worth showing (findings or errors), worst first, plus the counts of all rows."""

    summary: Summary
    rows: list[Pair]
    hidden: int


def collect(items: Iterable[ScreenResult | Pair], limit: int) -> Collected:
    """Keep the ``limit`` worst rows that have findings or errors; count everything."""
    summary = Summary()
    heap: list[tuple[int, int, int, Pair]] = []  # (risk, -seq, seq, pair): min-heap = least bad
    interesting = 0
    for seq, (result, record) in enumerate(_pairs(items)):
        summary.add(result)
        if not result.findings and not result.errors:
            continue
        interesting += 1
        key = (RISK_ORDER[result.risk], -seq, seq, (result, record))
        if len(heap) < limit:
            heapq.heappush(heap, key)
        elif key[:2] > heap[0][:2]:
            heapq.heapreplace(heap, key)
    ordered = sorted(heap, key=lambda k: (-k[0], k[2]))
    return Collected(summary, [k[3] for k in ordered], interesting - len(ordered))


_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "none": "green"}


def _who(record: Record | None, meta: ReportMeta, sep: str) -> str:
    if record is None:
        return ""
    who = record.name or record.address or record.product or ""
    if len(meta.inputs) > 1 and record.source:
        who = f"{who}{sep}({Path(record.source).name})"
    return who


def _triggered(result: ScreenResult) -> list[str]:
    return [
        f"{o.regime}: {o.outcome}"
        for o in result.regimes
        if o.outcome not in ("no_trigger", "not_in_force")
    ]


def top_reason(result: ScreenResult) -> str:
    """The first finding (the strongest: listed entities first) or else the first error."""
    if result.findings:
        f = result.findings[0]
        more = f" (+{len(result.findings) - 1})" if len(result.findings) > 1 else ""
        return f"{f.kind}: {finding_label(f)}{more}"
    return f"error: {error_label(result.errors[0])}" if result.errors else ""


def write_table(
    items: Iterable[ScreenResult | Pair],
    out: TextIO,
    meta: ReportMeta,
    *,
    limit: int = 500,
    color: bool | None = None,
    width: int | None = None,
    explain: bool = False,
) -> Summary:
    """A terminal table of the rows with findings or errors (worst first) and a summary.

    One line per row (risk, row, id, name, top reason, triggered regimes); with ``explain``
    every finding with its explanation and every error.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    got = collect(items, limit)
    console = Console(
        file=out,
        width=width,
        force_terminal=color,
        no_color=color is False,
        highlight=False,
        soft_wrap=False,
    )
    title = f"laborlens screening as of {meta.as_of.isoformat()}"
    table = Table(title=title, show_lines=explain)
    table.add_column("risk", no_wrap=True, min_width=6)
    table.add_column("row", justify="right", no_wrap=True, min_width=3)
    if explain:
        table.add_column("id", overflow="fold")
        table.add_column("input", overflow="fold", ratio=1)
        table.add_column("findings", overflow="fold", ratio=3)
        table.add_column("regimes", overflow="fold", ratio=1)
    else:  # one line per row: long cells are cut, never wrapped
        table.add_column("id", no_wrap=True, overflow="ellipsis", min_width=4, max_width=12)
        table.add_column("name", no_wrap=True, overflow="ellipsis", max_width=28)
        table.add_column("top reason", no_wrap=True, overflow="ellipsis", max_width=40)
        table.add_column("regimes", no_wrap=True, overflow="ellipsis", max_width=40)
    for result, record in got.rows:
        if explain:
            lines = [f"{finding_label(f)}\n  {f.why}" for f in result.findings]
            lines += [f"error: {error_label(e)}" for e in result.errors]
            cells = (_who(record, meta, "\n"), "\n".join(lines), "\n".join(_triggered(result)))
        else:
            cells = (_who(record, meta, " "), top_reason(result), ", ".join(_triggered(result)))
        table.add_row(
            Text(result.risk, style=_STYLE.get(result.risk, "")), str(result.row), result.id, *cells
        )
    if got.rows:
        console.print(table)
    else:
        console.print("No findings and no row errors.")
    if got.hidden:
        console.print(
            f"… {got.hidden} more rows with findings or errors are not shown; "
            "use --format csv, xlsx, html or parquet for all of them."
        )
    if got.rows and not explain:
        console.print("Each finding with its explanation: --explain.")
    console.print(Text(got.summary.line() + f"; as of {meta.as_of.isoformat()}", style="bold"))
    for info in meta.lists:
        note = f" — {info.completeness_note}" if info.completeness_note else ""
        style = "yellow" if not info.complete or info.stale else ""
        console.print(Text(f"list {info.list_id} {info.version}{note}", style=style))
    return got.summary


def write_html(
    items: Iterable[ScreenResult | Pair],
    out: TextIO,
    meta: ReportMeta,
    *,
    limit: int = 5000,
) -> Summary:
    """A self-contained HTML report (inline CSS, no scripts or external resources)."""
    from jinja2 import Environment, PackageLoader

    env = Environment(
        loader=PackageLoader("laborlens.adapters.io", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["label"] = finding_label
    env.filters["error_label"] = error_label
    got = collect(items, limit)
    rows = []
    for result, record in got.rows:
        rows.append(
            {
                "result": result,
                "record": record,
                "triggered": [
                    o for o in result.regimes if o.outcome not in ("no_trigger", "not_in_force")
                ],
                "source": Path(record.source).name if record and record.source else "",
            }
        )
    html = env.get_template("report.html.j2").render(
        meta=meta,
        summary=got.summary,
        rows=rows,
        hidden=got.hidden,
        risks=_RISKS,
        warnings=meta.warnings(),
        incomplete=[i for i in meta.lists if not i.complete or i.stale],
        generated=meta.generated.strftime("%Y-%m-%d %H:%M UTC"),
    )
    out.write(html)
    return got.summary


def write_results(
    items: Iterable[ScreenResult | Pair],
    fmt: str,
    out: TextIO | str | Path,
    meta: ReportMeta,
    **options: Any,
) -> Summary:
    """Write results in ``fmt`` to a stream or a file path (XLSX needs a path).

    Files are written in UTF-8; CSV files get a byte-order mark so that Excel reads Chinese
    names correctly (CSV on a stream does not).
    """
    if fmt not in FORMATS:
        raise OutputError(f"unknown format '{fmt}'; use {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if not isinstance(out, str | Path):
            raise OutputError("xlsx output needs a file path")
        return write_xlsx(items, out, meta)
    if fmt == "parquet":
        if not isinstance(out, str | Path):
            raise OutputError("parquet output needs a file path")
        from laborlens.adapters.io.parquet_out import write_parquet

        return write_parquet(_pairs(items), out, meta, **options)
    if isinstance(out, str | Path):
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with Path(out).open("w", encoding=encoding, newline="") as handle:
            return write_results(items, fmt, handle, meta, **options)
    if fmt == "jsonl":
        return write_jsonl(items, out)
    if fmt == "csv":
        return write_csv(items, out, meta)
    if fmt == "html":
        return write_html(items, out, meta, **options)
    return write_table(items, out, meta, **options)
