"""Exposure of purchases: order lines joined with screening and traced chains (Python API).

``analyse(paths, ...)`` reads the order-line files, screens each distinct (supplier, product)
once with the ``screen`` pipeline, joins traced chains where given, converts currencies and
units, and returns an :class:`Analysis` whose ``report`` is the exposure report (a JSON-able
dict; layout in :mod:`laborlens.core.exposure.summary`). ``exposure(paths, ...)`` returns just
the report. The heavy table work runs in DuckDB (:mod:`laborlens.adapters.engine.lines`); every
decision is the core's (:mod:`laborlens.core.exposure`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from laborlens.adapters.engine.lines import LineEngine
from laborlens.adapters.engine.local import screen_stream
from laborlens.adapters.io.chain import ChainInputError
from laborlens.adapters.io.charts import report_charts
from laborlens.adapters.io.exposure_report import (
    OutputError,
    atomic_write,
    choose_format,
    write_report,
)
from laborlens.adapters.io.orders import OrderFile, read_orders, read_plain_rows
from laborlens.adapters.io.readers import InputError, detect_format
from laborlens.core import products
from laborlens.core.exposure import keys as keyfacts
from laborlens.core.exposure.quality import ISSUES, load_limits
from laborlens.core.exposure.rates import RateTable, default_rates, rate_table
from laborlens.core.exposure.summary import ALGORITHM, build_report
from laborlens.core.exposure.values import (
    DMY,
    MDY,
    infer_date_order,
    parse_amount,
    parse_currency,
    parse_day,
    parse_unit,
)
from laborlens.core.lists import ListError, ListSet
from laborlens.core.model import RECORD_FIELDS, Record, RowError
from laborlens.core.records import ColumnMap, build_record
from laborlens.core.resources import ResourceError
from laborlens.core.rules.schema import REGIME_IDS
from laborlens.core.screen import ScreeningIndex
from laborlens.ops.screening import index_for, load_lists
from laborlens.ops.tracing import load_chain, trace

__all__ = [
    "Analysis",
    "ExposureError",
    "ListError",
    "OutputError",
    "ResourceError",
    "analyse",
    "choose_format",
    "exposure",
    "render_report",
    "screen_keys",
]

_RECORD_MAP = ColumnMap.from_headers(list(RECORD_FIELDS))
_EXAMPLES = 20


class ExposureError(ValueError):
    """Unusable input or options (the CLI exits with code 2 and this message)."""


@dataclass
class Analysis:
    """An exposure analysis: the report plus the line engine (for drill-down and history)."""

    engine: LineEngine
    report: dict[str, Any]
    files: list[str]
    as_of: date
    regime: str
    index: ScreeningIndex
    extra: dict[str, Any] = field(default_factory=dict)

    def history(self, sector: str, months: int = 12) -> list[dict[str, Any]]:
        """Per supplier, its in-scope lines of a sector group over the last ``months``."""
        since = self.as_of - timedelta(days=round(months * 365.25 / 12))
        return self.engine.history(sector, since)

    def write_drilldown(self, out: Path) -> int:
        """Write the drill-down CSV (one row per input line); returns the rows written."""
        written: list[int] = []
        atomic_write(
            Path(out), lambda p: written.append(self.engine.drilldown(p, self.files, self.regime))
        )
        return written[0]

    def lines(self) -> Iterator[dict[str, Any]]:
        return self.engine.iter_lines(self.regime)

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Analysis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_inputs(paths: Sequence[str | Path], encoding: str | None) -> list[OrderFile]:
    if not paths:
        raise ExposureError("no input file given")
    try:
        return [read_orders(p, i, encoding=encoding) for i, p in enumerate(paths)]
    except InputError as exc:
        raise ExposureError(str(exc)) from None


def _rates(rates_file: str | Path | None, currency: str) -> tuple[RateTable, list[RowError]]:
    table = default_rates()
    problems: list[RowError] = []
    if rates_file is not None:
        try:
            rows = read_plain_rows(rates_file)
        except InputError as exc:
            raise ExposureError(str(exc)) from None
        user, errors = rate_table(rows, source=str(rates_file), table=Path(rates_file).name)
        if not user.rates:
            first = f" ({errors[0]})" if errors else ""
            raise ExposureError(f"{rates_file}: no usable rate{first}")
        problems.extend(errors)
        table = user.plus(table)
    code, why = parse_currency(currency)
    if code is None or code not in table.currencies():
        raise ExposureError(f"--currency: {why or f'no rates for {currency} in the rate table'}")
    return table, problems


def screen_keys(
    keys: pa.Table, index: ScreeningIndex, as_of: date, workers: int
) -> tuple[list[dict[str, Any]], list[Record], list[Any]]:
    """Screen each distinct key once; returns the key rows, their records and results."""
    rows = keys.to_pylist()
    records = [
        build_record(
            [r["supplier_id"] or f"K{r['k']}", *(r[f] for f in RECORD_FIELDS[1:])],
            _RECORD_MAP,
            int(r["k"]),
            None,
        )
        for r in rows
    ]
    batches = [records[i : i + 2000] for i in range(0, len(records), 2000)]
    # a few thousand keys screen faster in this process than the workers take to start
    results = list(screen_stream(batches, index, as_of, workers if len(records) > 4000 else 1))
    return rows, records, results


def _chain_index(
    chains: Sequence[str | Path], index: ScreeningIndex, as_of: date
) -> keyfacts.ChainIndex | None:
    if not chains:
        return None
    entries = []
    for path in chains:
        try:
            built = load_chain(path)
            traced = trace(built, as_of=as_of, index=index)
        except ChainInputError as exc:
            raise ExposureError(f"--chain {path}: {exc}") from None
        for node, nt in zip(built.nodes, traced.nodes, strict=True):
            entries.append((nt, (node.record.name or "", *node.record.aliases)))
    return keyfacts.ChainIndex.build(entries)


def _facts_table(
    rows: list[dict[str, Any]],
    *,
    records: list[Record],
    results: list[Any],
    index: ScreeningIndex,
    regimes: Sequence[str],
    chains: keyfacts.ChainIndex | None,
) -> pa.Table:
    out: dict[str, list[Any]] = {
        k: []
        for k in (
            "k",
            "sector",
            "sectors",
            "risk",
            "risk_rank",
            "tier",
            "reason",
            "chain_node",
            "chain_share",
            "problems",
            "supplier_key",
            "party_known",
            "screened_country",
            *(f"o_{r}" for r in regimes),
        )
    }
    for row, record, result in zip(rows, records, results, strict=True):
        party = keyfacts.party_known(row)
        prod = keyfacts.product_known(row)
        node = chains.find(row["supplier_id"], (record.name, *record.aliases)) if chains else None
        facts = keyfacts.key_facts(
            result,
            products.sectors_of(index.products, record) if prod else None,
            regimes=regimes,
            party_known=party,
            product_known=prod,
            node=node,
        )
        for name, value in (
            ("k", row["k"]),
            ("sector", facts.sector),
            ("sectors", facts.sectors),
            ("risk", facts.risk),
            ("risk_rank", keyfacts.RISK_RANK.get(facts.risk, -1)),
            ("tier", facts.tier),
            ("reason", facts.reason),
            ("chain_node", facts.chain_node),
            ("chain_share", facts.chain_share),
            ("problems", facts.problems),
            ("supplier_key", keyfacts.supplier_key(row)),
            ("party_known", party),
            ("screened_country", result.country),
        ):
            out[name].append(value)
        for regime, outcome in zip(regimes, facts.outcomes, strict=True):
            out[f"o_{regime}"].append(outcome)
    return pa.table(out)


def _parsed_tables(engine: LineEngine, date_order: str | None) -> dict[str, pa.Table]:
    amounts = engine.distinct_amounts()
    parsed = [parse_amount(t) for t in amounts]
    units = engine.distinct("unit")
    unit_info = [parse_unit(t) for t in units]
    currencies = engine.distinct("currency")
    codes = [parse_currency(t) for t in currencies]
    dates = engine.distinct_dates()
    orders: dict[int, str | None] = {}
    for file in {f for f, _ in dates}:
        orders[file] = date_order or infer_date_order(t for f, t in dates if f == file)
    days = [parse_day(t, orders[f]) for f, t in dates]
    return {
        "parsed_amounts": pa.table(
            {"t": amounts, "num": [v for v, _ in parsed], "problem": [p for _, p in parsed]},
            schema=pa.schema([("t", pa.string()), ("num", pa.float64()), ("problem", pa.string())]),
        ),
        "units": pa.table(
            {
                "t": units,
                "base": [u.base if u else None for u, _ in unit_info],
                "factor": [u.factor if u else None for u, _ in unit_info],
                "problem": [p for _, p in unit_info],
            },
            schema=pa.schema(
                [
                    ("t", pa.string()),
                    ("base", pa.string()),
                    ("factor", pa.float64()),
                    ("problem", pa.string()),
                ]
            ),
        ),
        "currencies": pa.table(
            {"t": currencies, "code": [c for c, _ in codes], "problem": [p for _, p in codes]},
            schema=pa.schema([("t", pa.string()), ("code", pa.string()), ("problem", pa.string())]),
        ),
        "dates": pa.table(
            {
                "file": [f for f, _ in dates],
                "t": [t for _, t in dates],
                "day": [d for d, _ in days],
                "problem": [p for _, p in days],
            },
            schema=pa.schema(
                [
                    ("file", pa.int32()),
                    ("t", pa.string()),
                    ("day", pa.date32()),
                    ("problem", pa.string()),
                ]
            ),
        ),
    }


def _rate_rows(
    pairs: Sequence[tuple[str, date | None]], table: RateTable, currency: str
) -> pa.Table:
    cols: dict[str, list[Any]] = {k: [] for k in ("code", "day", "fx", "usd", "label", "basis")}
    for code, day in pairs:
        choice, target = table.choose(code, day), table.choose(currency, day)
        per_usd = None if choice is None else (choice.per_usd or 1.0)
        target_per_usd = None if target is None else (target.per_usd or 1.0)
        usable = per_usd is not None and target_per_usd is not None
        label = (
            (choice.rate.label() if choice.rate else f"{code} (no conversion)") if choice else None
        )
        basis = choice.basis if choice else None
        if usable and currency != "USD" and target and target.rate:
            basis = f"{basis}; to {currency}: {target.rate.label()}"
        for name, value in (
            ("code", code),
            ("day", day),
            ("fx", target_per_usd / per_usd if usable and per_usd and target_per_usd else None),
            ("usd", 1.0 / per_usd if per_usd else None),
            ("label", label),
            ("basis", basis),
        ):
            cols[name].append(value)
    schema = pa.schema(
        [
            ("code", pa.string()),
            ("day", pa.date32()),
            ("fx", pa.float64()),
            ("usd", pa.float64()),
            ("label", pa.string()),
            ("basis", pa.string()),
        ]
    )
    return pa.table(cols, schema=schema)


def _concat(files: Sequence[OrderFile]) -> pa.Table:
    return pa.concat_tables([f.table for f in files])


def _meta(
    files: Sequence[OrderFile],
    *,
    day: date,
    regime: str,
    currency: str,
    index: ScreeningIndex,
    options: Mapping[str, Any],
) -> dict[str, Any]:
    infos = {rl.info.list_id: rl.info for rl in index.lists.lists}
    warnings = [
        f"{i.list_id}: {i.completeness_note}"
        for i in infos.values()
        if not i.complete and i.completeness_note
    ]
    return {
        "report": "laborlens exposure",
        "as_of": day.isoformat(),
        "regime": regime,
        "currency": currency,
        "inputs": [
            {
                "file": str(f.path),
                "format": f.format,
                "encoding": f.encoding,
                "rows": int(f.table.num_rows),
                "columns": dict(f.columns.mapped()),
            }
            for f in files
        ],
        "options": dict(options),
        "list_versions": {k: v.version for k, v in infos.items()},
        "warnings": warnings,
        "algorithms": [*index.algorithms(), ALGORITHM],
    }


def analyse(
    paths: Sequence[str | Path],
    *,
    as_of: date | None = None,
    regime: str = "us_uflpa",
    currency: str = "USD",
    rates: str | Path | None = None,
    chains: Sequence[str | Path] = (),
    suppliers: str | Path | None = None,
    lists: ListSet | None = None,
    list_files: Sequence[str | Path] = (),
    encoding: str | None = None,
    date_order: str | None = None,
    workers: int = 1,
) -> Analysis:
    """Read, screen, join and aggregate order lines (see the module docstring).

    Raises:
        ExposureError: an input or option cannot be used (the message names file/row/option).
    """
    day = as_of or date.today()
    if regime not in REGIME_IDS:
        raise ExposureError(f"--regime: '{regime}' is not one of {', '.join(REGIME_IDS)}")
    if date_order is not None and date_order.upper() not in (DMY, MDY):
        raise ExposureError(f"--date-order: '{date_order}' is not DMY or MDY")
    code = (parse_currency(currency)[0] or currency).upper()
    table, rate_problems = _rates(rates, code)
    _precheck([*paths, *([suppliers] if suppliers is not None else [])])
    list_set = lists or load_lists(list_files)
    regimes = (regime, *(r for r in REGIME_IDS if r != regime))
    # the screening index (seconds of pure Python) is built while the files are read and
    # crunched (pyarrow and DuckDB release the interpreter lock)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(index_for, list_set)
        loaded = _load(paths, suppliers, encoding, date_order, table, code, workers)
        engine, files = loaded.engine, loaded.files
        try:
            index = pending.result()
        except BaseException:
            engine.close()
            raise
    try:
        rows, records, results = screen_keys(loaded.keys, index, day, workers)
        chain_index = _chain_index(chains, index, day)
        facts = _facts_table(
            rows,
            records=records,
            results=results,
            index=index,
            regimes=regimes,
            chains=chain_index,
        )
        engine.attach("facts_k", facts)
        engine.finalise(day, load_limits(), regime)
        report = _report(
            engine,
            files=files,
            day=day,
            regime=regime,
            currency=code,
            index=index,
            regimes=regimes,
            rate_problems=rate_problems,
            options={
                "rates": str(rates) if rates else "default",
                "chains": [str(c) for c in chains],
                "suppliers": str(suppliers) if suppliers else None,
                "date_order": date_order,
                "keys_screened": len(rows),
            },
        )
    except Exception:
        engine.close()
        raise
    return Analysis(engine, report, [str(f.path) for f in files], day, regime, index)


def _precheck(paths: Sequence[str | Path | None]) -> None:
    """Fail fast on a missing file or an unknown type, before any heavy work starts."""
    if not paths:
        raise ExposureError("no input file given")
    for p in paths:
        if p is None:
            continue
        path = Path(p)
        try:
            detect_format(path)
        except InputError as exc:
            raise ExposureError(str(exc)) from None
        if not path.exists():
            raise ExposureError(f"{path}: file not found")


@dataclass
class _Loaded:
    engine: LineEngine
    files: list[OrderFile]
    keys: pa.Table


def _load(  # noqa: PLR0917 - internal: the options of analyse, passed through
    paths: Sequence[str | Path],
    suppliers: str | Path | None,
    encoding: str | None,
    date_order: str | None,
    table: RateTable,
    currency: str,
    workers: int,
) -> _Loaded:
    """Read the inputs into a line engine with every mapping table but the key facts."""
    files = _read_inputs(paths, encoding)
    master = None
    if suppliers is not None:
        try:
            master = read_orders(suppliers, encoding=encoding, require_measure=False).table
        except InputError as exc:
            raise ExposureError(f"--suppliers: {exc}") from None
    engine = LineEngine(_concat(files), master, threads=max(2, workers))
    try:
        keys = engine.keys()
        order = date_order.upper() if date_order else None
        for name, tbl in _parsed_tables(engine, order).items():
            if name == "parsed_amounts":
                engine.attach_amounts(tbl)
            else:
                engine.attach(name, tbl)
        engine.attach("rates", _rate_rows(engine.currency_days(), table, currency))
    except BaseException:
        engine.close()
        raise
    return _Loaded(engine, files, keys)


def _report(
    engine: LineEngine,
    *,
    files: Sequence[OrderFile],
    day: date,
    regime: str,
    currency: str,
    index: ScreeningIndex,
    regimes: Sequence[str],
    rate_problems: Sequence[RowError],
    options: Mapping[str, Any],
) -> dict[str, Any]:
    names = [str(f.path) for f in files]
    counts = engine.issue_counts()
    examples = {
        code: engine.issue_examples(code, _EXAMPLES) for code, _, _ in counts if code in ISSUES
    }
    suppliers = {
        s["supplier_key"]: {
            "label": s["label"] or "(no supplier)",
            "supplier_id": s["supplier_id"],
            "country": s["country"],
            "risk": next(
                (k for k, v in keyfacts.RISK_RANK.items() if v == s["risk_rank"]),
                keyfacts.UNDETERMINED,
            ),
        }
        for s in engine.suppliers()
    }
    report = build_report(
        engine.cells(regimes),
        regimes=regimes,
        suppliers=suppliers,
        issue_counts=counts,
        issue_examples=examples,
        unreadable=[e for f in files for e in f.unreadable],
        warnings=[e for f in files for e in f.warnings],
        files=names,
        meta=_meta(files, day=day, regime=regime, currency=currency, index=index, options=options),
    )
    report["rates"] = {
        "used": [
            {
                "currency": r["code"],
                "rate": r["rate_label"] or "no conversion",
                "basis": r["rate_basis"],
                "lines": int(r["lines"]),
                "original_value": round(float(r["original"] or 0), 2),
            }
            for r in engine.rates_used()
        ],
        "table_problems": [str(e) for e in rate_problems],
    }
    return report


def exposure(paths: Sequence[str | Path], **options: Any) -> dict[str, Any]:
    """The exposure report of order-line files (see :func:`analyse` for the options)."""
    with analyse(paths, **options) as analysis:
        return analysis.report


def render_report(report: dict[str, Any], fmt: str, output: Path | None, stream: TextIO) -> None:
    """Write an exposure report as ``fmt`` to ``output`` (atomically) or ``stream``; HTML
    reports carry their charts.

    Raises:
        OutputError: the format cannot be written where asked.
        OSError: the file cannot be written.
    """
    write_report(report, fmt, output, stream, charts=lambda: report_charts(report))
