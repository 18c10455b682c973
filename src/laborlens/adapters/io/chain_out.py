"""Writing a trace: compact JSON Lines or Parquet (one row per node, built from arrays), the full
record per node (JSON Lines), HTML or SVG views, and the input problems as CSV.

The compact JSON Lines row (see :mod:`laborlens.core.chain.compact`)::

    {"id", "row", "name", "role", "country", "risk", "tainted",
     "regimes": {"us_uflpa": "presumption", ...},
     "findings": ["region:CN-XJ", ...],
     "inherited": {"region:CN-XJ": [nearest source, via, hops, sources_total], ...},
     "balance": {"unit", "status", "periods", "shortfall", "shortfall_periods": [...]},
     "exposure": {"by_quantity", "by_value", "quantity_complete"},
     "errors": n}

``via`` is the next node upstream on the source's shortest path (follow the ``via`` of that
node for the same channel to walk the path); ``sources_total`` is null when more sources reach the
node than were counted. The Parquet row lists, per channel, up to ``MAX_SOURCES`` nearest sources
with their ``via`` and ``hops`` (``inherited``: list of structs), and carries ``as_of``.

A file is written next to its target and renamed at the end (a failed run leaves no half file);
the run's metadata (as-of date, algorithms, list versions, counts) goes to ``<output>.meta.json``
and, for Parquet, into the file's metadata too.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from laborlens.adapters.io.atomic import atomic_output
from laborlens.adapters.io.chain_views import render_html, render_svg
from laborlens.core.cells import safe_row
from laborlens.core.chain import GraphTrace, full_result
from laborlens.core.chain.balance import STATUSES
from laborlens.core.chain.compact import compact
from laborlens.core.chain.expand import edge_errors
from laborlens.core.chain.verdicts import OUTCOMES, RISKS
from laborlens.core.model import RowError

#: ``jsonl`` and ``parquet`` are compact; ``full`` spells every node out (small chains).
OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "parquet", "full", "html", "svg")


class OutputError(ValueError):
    """The output cannot be written; the message names it."""


def _strings(values: Any) -> Any:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pa.array(list(values), pa.string())


def _lists(ptr: Any, values: Any) -> Any:
    return pa.ListArray.from_arrays(pa.array(np.asarray(ptr, dtype=np.int32)), values)


def _nullable(x: Any, missing: Any) -> Any:
    arr = np.asarray(x)
    return pa.array(arr, mask=missing)


def compact_table(gt: GraphTrace) -> pa.Table:
    """One row per node (see the module docstring), built from the trace's arrays."""
    c = compact(gt)
    n = gt.n
    ids = pa.array(list(gt.table.ids), pa.string())
    t = gt.table
    role = pa.array([*t.role.values, None], pa.string()).take(
        pa.array(np.where(t.role.codes < 0, len(t.role.values), t.role.codes))
    )
    outcome_names = pa.array(list(OUTCOMES), pa.string())
    regimes = pa.StructArray.from_arrays(
        [
            outcome_names.take(pa.array(c.outcomes[:, j].astype(np.int64)))
            for j in range(len(gt.regime_ids))
        ],
        names=list(gt.regime_ids),
    )
    sources = pa.StructArray.from_arrays(
        [
            pa.array(c.chan_name, pa.string()),
            _lists(c.chan_src_ptr, ids.take(pa.array(c.src_node))),
            _lists(c.chan_src_ptr, ids.take(pa.array(c.src_via))),
            _lists(c.chan_src_ptr, pa.array(c.src_hops.astype(np.int32))),
            _nullable(c.chan_total.astype(np.int32), c.chan_total < 0),
        ],
        names=["channel", "sources", "via", "hops", "sources_total"],
    )
    status_names = pa.array(list(STATUSES), pa.string())
    no_bal = c.bal_status < 0
    balance = pa.StructArray.from_arrays(
        [
            pa.array(c.bal_unit, pa.string()),
            status_names.take(pa.array(np.maximum(c.bal_status, 0))),
            pa.array(c.bal_periods.astype(np.int32)),
            _nullable(np.round(np.nan_to_num(c.bal_shortfall), 6), np.isnan(c.bal_shortfall)),
            _lists(c.short_ptr, pa.array(c.short_period, pa.string())),
        ],
        names=["unit", "status", "periods", "shortfall", "shortfall_periods"],
        mask=pa.array(no_bal),
    )
    expo = gt.balance.expo
    by_value = np.asarray(expo.by_value, dtype=np.float64)
    exposure = pa.StructArray.from_arrays(
        [
            pa.array(np.round(expo.by_quantity, 6)),
            _nullable(np.round(np.nan_to_num(by_value), 6), np.isnan(by_value)),
            pa.array(~gt.balance.qmiss),
        ],
        names=["by_quantity", "by_value", "quantity_complete"],
    )
    errs = _error_counts(gt).astype(np.int32)
    return pa.table(
        {
            "id": ids,
            "row": pa.array(np.asarray(t.node_row, dtype=np.int64)),
            "name": _strings(t.records.column("name")),
            "role": role,
            "country": pa.array(gt.screened.countries, pa.string()),
            "risk": pa.array(list(RISKS), pa.string()).take(pa.array(c.risk.astype(np.int64))),
            "tainted": pa.array(gt.tainted),
            "regimes": regimes,
            "findings": _lists(c.findings_ptr, pa.array(c.findings, pa.string())),
            "inherited": _lists(c.chan_ptr, sources),
            "balance": balance,
            "exposure": exposure,
            "errors": pa.array(errs),
            "as_of": pa.array([gt.as_of] * n, pa.date32()) if n else pa.array([], pa.date32()),
        }
    )


def metadata(gt: GraphTrace) -> dict[str, Any]:
    """What every output of the run states about it."""
    return {
        "as_of": gt.as_of.isoformat(),
        "algorithms": list(gt.algorithms),
        "list_versions": dict(gt.list_versions),
        "stats": dict(gt.stats),
        "problems": len(gt.errors),
    }


@contextmanager
def _partial(output: Path) -> Iterator[Path]:
    """A temporary file next to ``output``, renamed to it when the block ends without an error
    (:func:`~laborlens.adapters.io.atomic.atomic_output`)."""
    try:
        with atomic_output(output) as partial:
            yield partial
    except OSError as exc:
        raise OutputError(f"{output}: cannot write ({exc.strerror or exc})") from exc


def _round(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 6)


def jsonl_lines(gt: GraphTrace) -> Iterator[bytes]:
    """The compact JSON Lines, one per node in input order (see the module docstring)."""
    c = compact(gt)
    t = gt.table
    names = _strings(t.records.column("name")).to_pylist()
    roles = [t.role.text(v) for v in range(gt.n)] if len(t.role.values) else [None] * gt.n
    ids, rows = t.ids, t.node_row.tolist()
    risks = [RISKS[int(r)] for r in c.risk]
    regime_of: dict[bytes, dict[str, str]] = {}
    f_ptr, ch_ptr, src_ptr = c.findings_ptr.tolist(), c.chan_ptr.tolist(), c.chan_src_ptr.tolist()
    src, via, hops = c.src_node.tolist(), c.src_via.tolist(), c.src_hops.tolist()
    totals = c.chan_total.tolist()
    status, periods = c.bal_status.tolist(), c.bal_periods.tolist()
    shortfall, short_ptr = c.bal_shortfall.tolist(), c.short_ptr.tolist()
    expo_q, expo_v = gt.balance.expo.by_quantity.tolist(), gt.balance.expo.by_value.tolist()
    complete = (~gt.balance.qmiss).tolist()
    tainted = gt.tainted.tolist()
    errors = _error_counts(gt).tolist()
    for v in range(gt.n):
        key = c.outcomes[v].tobytes()
        regimes = regime_of.get(key)
        if regimes is None:
            regimes = regime_of[key] = {
                r: OUTCOMES[int(o)] for r, o in zip(gt.regime_ids, c.outcomes[v], strict=True)
            }
        inherited = {}
        for k in range(ch_ptr[v], ch_ptr[v + 1]):
            s = src_ptr[k]
            total = totals[k]
            inherited[c.chan_name[k]] = [
                ids[src[s]],
                ids[via[s]],
                hops[s],
                total if total >= 0 else None,
            ]
        balance = None
        if status[v] >= 0:
            balance = {
                "unit": c.bal_unit[v],
                "status": STATUSES[status[v]],
                "periods": periods[v],
                "shortfall": _round(shortfall[v]),
                "shortfall_periods": c.short_period[short_ptr[v] : short_ptr[v + 1]],
            }
        yield orjson.dumps(
            {
                "id": ids[v],
                "row": rows[v],
                "name": names[v],
                "role": roles[v],
                "country": gt.screened.countries[v],
                "risk": risks[v],
                "tainted": tainted[v],
                "regimes": regimes,
                "findings": c.findings[f_ptr[v] : f_ptr[v + 1]],
                "inherited": inherited,
                "balance": balance,
                "exposure": {
                    "by_quantity": _round(expo_q[v]),
                    "by_value": _round(expo_v[v]),
                    "quantity_complete": complete[v],
                },
                "errors": errors[v],
            },
            option=orjson.OPT_APPEND_NEWLINE,
        )


def _error_counts(gt: GraphTrace) -> Any:
    errs = np.zeros(gt.n, dtype=np.int64)
    for v, found in gt.screened.errors.items():
        errs[v] += len(found)
    for v, delivered in edge_errors(gt).items():
        errs[v] += len(delivered)
    return errs


def _jsonl(gt: GraphTrace, sink: Any) -> None:
    buffer: list[bytes] = []
    for line in jsonl_lines(gt):
        buffer.append(line)
        if len(buffer) >= 4096:
            sink.write(b"".join(buffer))
            buffer.clear()
    sink.write(b"".join(buffer))


def _text(gt: GraphTrace, fmt: str) -> str:
    result = full_result(gt)
    if fmt == "svg":
        return render_svg(result)
    if fmt == "html":
        return render_html(result)
    return "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in result.iter_dicts())


def write_output(gt: GraphTrace, fmt: str, output: Path | None) -> int:
    """Write the trace in ``fmt`` to ``output`` (standard output when ``None``); the bytes
    written to the file (0 for standard output)."""
    if fmt not in OUTPUT_FORMATS:
        raise OutputError(f"unknown format '{fmt}'; use one of {', '.join(OUTPUT_FORMATS)}")
    if output is None:
        if fmt == "parquet":
            raise OutputError("Parquet is written to a file: give --output")
        if fmt == "jsonl":
            sys.stdout.flush()
            _jsonl(gt, sys.stdout.buffer)
        else:
            sys.stdout.write(_text(gt, fmt))
        sys.stdout.flush()
        return 0
    with _partial(output) as part:
        if fmt == "jsonl":
            with part.open("wb") as fh:
                _jsonl(gt, fh)
        elif fmt == "parquet":
            table = compact_table(gt)
            meta = {b"laborlens": json.dumps(metadata(gt)).encode("utf-8")}
            pq.write_table(table.replace_schema_metadata(meta), part, compression="zstd")
        else:
            part.write_text(_text(gt, fmt), encoding="utf-8")
    if fmt in ("jsonl", "parquet"):
        with _partial(output.with_name(output.name + ".meta.json")) as part:
            part.write_text(json.dumps(metadata(gt), indent=1) + "\n", encoding="utf-8")
    return output.stat().st_size


def write_errors(errors: Sequence[RowError], path: Path) -> int:
    """Every problem as a CSV row: source, row, column, message. Returns their number."""
    with _partial(path) as part, part.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "row", "column", "message"])
        for e in errors:
            w.writerow(safe_row([e.source or "", e.row, e.column or "", e.message]))
    return len(errors)
