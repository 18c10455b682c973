"""Replacement suppliers and the replacement scenario (Python API behind ``laborlens
alternatives``).

``alternatives(sector=..., orders=..., suppliers=..., facilities=...)`` gathers candidates from
the buyer's order history, supplier master and Open Supply Hub facility downloads, screens each
with the ``screen`` pipeline, filters them by sector (and HS code and country), ranks them
(:mod:`laborlens.core.exposure.alternatives`) and, given ``replace_pct`` and ``by``, plans the
move of that share of the sector's tainted volume (:mod:`laborlens.core.exposure.scenario`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from laborlens.adapters.engine.local import screen_stream
from laborlens.adapters.io.alternatives_report import write_alternatives
from laborlens.adapters.io.charts import scenario_chart
from laborlens.adapters.io.readers import InputError, open_records
from laborlens.core import geo, products
from laborlens.core.exposure import alternatives as alt
from laborlens.core.exposure.keys import (
    RISK_RANK,
    SectorGroup,
    resolve_sector,
    sector_groups,
    stronger,
)
from laborlens.core.exposure.scenario import DEFAULT_OUTCOMES, plan, window_dates
from laborlens.core.lists import ListSet
from laborlens.core.model import Record, ScreenResult
from laborlens.core.screen import ScreeningIndex
from laborlens.ops.exposure import ExposureError, analyse
from laborlens.ops.screening import index_for, load_lists

__all__ = ["alternatives", "render_alternatives"]

_OSH_TEXT = (
    "product_type",
    "processing_type",
    "facility_type",
    "processing_type_facility_type_raw",
)
_CITATION = ("source", "citation")


def _group(sector: str) -> SectorGroup:
    found = resolve_sector(sector)
    if found is None:
        known = ", ".join(f"{g.id} ({'/'.join(g.sectors)})" for g in sector_groups())
        raise ExposureError(f"--sector: '{sector}' is not a sector; use one of {known}")
    return found


def _records(path: str | Path, label: str) -> list[Record]:
    try:
        return [r for batch in open_records(path) for r in batch]
    except InputError as exc:
        raise ExposureError(f"{label}: {exc}") from None


def _screen(
    records: Sequence[Record], index: ScreeningIndex, day: date, workers: int
) -> list[ScreenResult]:
    batches = [list(records[i : i + 2000]) for i in range(0, len(records), 2000)]
    return list(screen_stream(batches, index, day, workers))


def _outcome(result: ScreenResult, regime: str) -> str:
    return next((o.outcome for o in result.regimes if o.regime == regime), "no_trigger")


def _reasons(result: ScreenResult, regime: str) -> tuple[str, ...]:
    texts = [f.why for f in result.findings if f.kind != "region" or f.region == "CN-XJ"]
    for o in result.regimes:
        if o.regime == regime:
            texts.extend(r.text for r in o.reasons)
    return tuple(dict.fromkeys(texts))[:6]


def _fit(index: ScreeningIndex, record: Record, group: SectorGroup) -> tuple[str | None, str]:
    hits = [
        h for h in products.sectors_of(index.products, record).sectors if h.sector in group.sectors
    ]
    if not hits:
        return None, ""
    best = max(hits, key=lambda h: (h.strong, h.score))
    fit = "likely" if best.strong else "possible"
    return fit, f"{best.sector} from its HS code or product ({fit})"


def _hs_ok(record: Record, hs: str | None) -> bool:
    if not hs:
        return True
    want = re.sub(r"\D", "", hs)
    return any(
        re.sub(r"\D", "", code).startswith(want)
        for code in re.split(r"[;,/ ]+", record.hs_code or "")
        if code
    )


def _from_orders(
    history: Iterable[Mapping[str, Any]],
) -> tuple[list[alt.Candidate], dict[str, dict[str, float]]]:
    per: dict[str, dict[str, Any]] = {}
    for row in history:
        key = str(row["supplier_key"])
        cur = per.setdefault(key, {**row, "value": 0.0, "quantity": {}})
        cur["value"] += float(row["value"] or 0.0)
        if row["unit"] is not None:
            cur["quantity"][row["unit"]] = cur["quantity"].get(row["unit"], 0.0) + float(
                row["quantity"] or 0.0
            )
        cur["risk_rank"] = max(int(cur["risk_rank"] or 0), int(row["risk_rank"] or 0))
        cur["outcomes"] = ",".join(
            sorted(
                {*str(cur["outcomes"] or "").split(","), *str(row["outcomes"] or "").split(",")}
                - {""}
            )
        )
    cands, current = [], {}
    for row in per.values():
        outcome = "no_trigger"
        for o in str(row["outcomes"] or "").split(","):
            outcome = stronger(outcome, o) if o else outcome
        risk = next((k for k, v in RISK_RANK.items() if v == row["risk_rank"]), "none")
        sid = row["supplier_id"]
        cands.append(
            alt.Candidate(
                name=str(row["name"] or sid or row["supplier_key"]),
                sources=("orders",),
                key=str(row["supplier_key"]),
                country=row["country"],
                address=row["address"],
                supplier_id=sid,
                fit="likely",
                fit_why="ordered goods of this sector in the last 12 months",
                risk=risk,
                outcome=outcome,
                reasons=(str(row["reason"]),) if row["reason"] else (),
                history_value=round(float(row["value"]), 2),
                history_quantity={u: round(q, 6) for u, q in row["quantity"].items()},
                last_order=str(row["last_date"]) if row["last_date"] else None,
            )
        )
        if sid:
            current[str(sid)] = dict(row["quantity"])
    return cands, current


def _from_master(
    records: Sequence[Record],
    results: Sequence[ScreenResult],
    *,
    index: ScreeningIndex,
    group: SectorGroup,
    hs: str | None,
    regime: str,
    current: Mapping[str, Mapping[str, float]],
) -> list[alt.Candidate]:
    out = []
    for record, result in zip(records, results, strict=True):
        fit, why = _fit(index, record, group)
        if fit is None or not _hs_ok(record, hs) or not record.name:
            continue
        capacity = alt.stated_capacity(dict(record.extra))
        capacity = alt.less_current(capacity, current.get(record.id, {}))
        out.append(
            alt.Candidate(
                name=record.name,
                sources=("suppliers",),
                key=f"id:{record.id}",
                country=result.country,
                address=record.address,
                supplier_id=record.id,
                fit=fit,
                fit_why=why,
                risk=result.risk,
                outcome=_outcome(result, regime),
                reasons=_reasons(result, regime),
                capacity=capacity,
                citation=f"{record.source}, row {record.row}",
            )
        )
    return out


def _facility_record(record: Record) -> Record:
    extra = dict(record.extra)
    text = "; ".join(v for k in ("sector", *_OSH_TEXT) if (v := (extra.get(k) or "").strip()))
    return replace(record, product=text.replace("|", "; ") or record.product)


def _from_facilities(
    records: Sequence[Record],
    results: Sequence[ScreenResult],
    *,
    index: ScreeningIndex,
    group: SectorGroup,
    regime: str,
    parents: Mapping[str, ScreenResult],
) -> list[alt.Candidate]:
    out = []
    for record, result in zip(records, results, strict=True):
        extra = dict(record.extra)
        fit, why = alt.facility_fit(extra.get("sector"), group.id)
        text_fit, text_why = _fit(index, record, group)
        if text_fit is not None and (fit is None or (text_fit == "likely" and fit != "likely")):
            fit, why = text_fit, text_why
        if fit is None or not record.name:
            continue
        risk, outcome, reasons = result.risk, _outcome(result, regime), _reasons(result, regime)
        parent = (extra.get("parent_company") or "").strip()
        if parent and parent in parents:
            p = parents[parent]
            if p.risk == "high":
                risk, outcome = "high", stronger(outcome, _outcome(p, regime))
                reasons = (
                    *reasons,
                    *(
                        f"parent company '{parent}': {f.why}"
                        for f in p.findings
                        if f.kind == "listed_entity"
                    ),
                )
        facility = {
            k: v
            for k in ("os_id", "sector", *_OSH_TEXT, "number_of_workers", "parent_company")
            if (v := (extra.get(k) or "").strip())
        }
        out.append(
            alt.Candidate(
                name=record.name,
                sources=("facilities",),
                key=f"facility:{record.row}",
                country=result.country,
                address=record.address,
                fit=fit,
                fit_why=why,
                risk=risk,
                outcome=outcome,
                reasons=reasons,
                capacity=alt.facility_capacity(extra),
                closed=(extra.get("is_closed") or "").strip().casefold() == "true",
                facility=facility,
                citation=next((extra[k] for k in _CITATION if extra.get(k)), None)
                or f"{record.source}, row {record.row}",
            )
        )
    return out


def _facility_candidates(
    path: str | Path,
    index: ScreeningIndex,
    day: date,
    workers: int,
    *,
    group: SectorGroup,
    regime: str,
) -> list[alt.Candidate]:
    """Candidates from one Open Supply Hub download; parent companies are screened too."""
    records = [_facility_record(r) for r in _records(path, "--facilities")]
    names = sorted(
        {p for r in records if (p := (dict(r.extra).get("parent_company") or "").strip())}
    )
    parent_results = _screen(
        [Record(row=i + 1, id=f"P{i + 1}", name=n) for i, n in enumerate(names)],
        index,
        day,
        workers,
    )
    return list(
        _from_facilities(
            records,
            _screen(records, index, day, workers),
            index=index,
            group=group,
            regime=regime,
            parents=dict(zip(names, parent_results, strict=True)),
        )
    )


def _countries(index: ScreeningIndex, countries: Sequence[str]) -> set[str]:
    out = set()
    for c in countries:
        code = geo.normalise_country(index.gazetteer, c)
        if code is None:
            raise ExposureError(f"--country: '{c}' is not a country name or ISO code")
        out.add(code)
    return out


def alternatives(
    *,
    sector: str,
    countries: Sequence[str] = (),
    hs: str | None = None,
    suppliers: str | Path | None = None,
    orders: Sequence[str | Path] = (),
    facilities: Sequence[str | Path] = (),
    as_of: date | None = None,
    regime: str = "us_uflpa",
    lists: ListSet | None = None,
    list_files: Sequence[str | Path] = (),
    replace_pct: float | None = None,
    by: date | None = None,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    currency: str = "USD",
    rates: str | Path | None = None,
    chains: Sequence[str | Path] = (),
    workers: int = 1,
) -> dict[str, Any]:
    """Ranked replacement candidates for a sector, and the scenario when asked.

    Raises:
        ExposureError: an unusable input or option (the message names it).
    """
    day = as_of or date.today()
    group = _group(sector)
    if not (suppliers or orders or facilities):
        raise ExposureError("give at least one of --orders, --suppliers, --facilities")
    if (replace_pct is None) != (by is None):
        raise ExposureError("--replace and --by go together")
    if replace_pct is not None and not orders:
        raise ExposureError("--replace needs --orders (the volume to move comes from them)")
    list_set = lists or load_lists(list_files)
    index = index_for(list_set)
    wanted = _countries(index, countries)
    candidates: list[alt.Candidate] = []
    current: dict[str, dict[str, float]] = {}
    report = None
    tainted: dict[str | None, tuple[float, float]] = {}
    if orders:
        with analyse(
            orders,
            as_of=day,
            regime=regime,
            lists=list_set,
            workers=workers,
            currency=currency,
            rates=rates,
            suppliers=suppliers,
            chains=chains,
        ) as analysis:
            found, current = _from_orders(analysis.history(group.id))
            candidates.extend(found)
            report = analysis.report
            since, until = window_dates(day)
            tainted = {
                r["unit"]: (float(r["value"] or 0.0), float(r["quantity"] or 0.0))
                for r in analysis.engine.tainted_by_unit(group.id, since, until, outcomes)
            }
    if suppliers:
        records = _records(suppliers, "--suppliers")
        candidates.extend(
            _from_master(
                records,
                _screen(records, index, day, workers),
                index=index,
                group=group,
                hs=hs,
                regime=regime,
                current=current,
            )
        )
    for path in facilities:
        candidates.extend(
            _facility_candidates(path, index, day, workers, group=group, regime=regime)
        )
    ranked = alt.rank(candidates)
    if wanted:
        ranked = [c for c in ranked if c.country in wanted]
    out: dict[str, Any] = {
        "report": "laborlens alternatives",
        "sector": group.id,
        "label": group.label,
        "as_of": day.isoformat(),
        "regime": regime,
        "currency": currency,
        "filters": {"countries": sorted(wanted), "hs": hs},
        "sources": {
            "orders": [str(p) for p in orders],
            "suppliers": str(suppliers) if suppliers else None,
            "facilities": [str(p) for p in facilities],
        },
        "candidates": [alt.candidate_dict(c, i) for i, c in enumerate(ranked, start=1)],
        "eligible": sum(1 for c in ranked if c.eligible),
        "list_versions": {rl.info.list_id: rl.info.version for rl in index.lists.lists},
        "scenario": None,
    }
    if replace_pct is not None and by is not None and report is not None:
        try:
            out["scenario"] = plan(
                report,
                sector=group.id,
                label=group.label,
                replace_pct=replace_pct,
                by=by,
                as_of=day,
                candidates=ranked,
                tainted_by_unit=tainted,
                outcomes=outcomes,
            )
        except ValueError as exc:
            raise ExposureError(str(exc)) from None
    return out


def render_alternatives(
    result: dict[str, Any], fmt: str, output: Path | None, stream: TextIO
) -> None:
    """Write an alternatives result as ``fmt`` to ``output`` (atomically) or ``stream``; HTML
    carries the scenario chart when there is a scenario.

    Raises:
        OutputError: the format cannot be written where asked.
        OSError: the file cannot be written.
    """
    scenario = result.get("scenario")
    chart = scenario_chart(scenario) if scenario and fmt == "html" else None
    write_alternatives(result, fmt, output, stream, chart)
