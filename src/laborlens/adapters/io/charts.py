"""Charts of the exposure report, drawn with matplotlib (Agg backend) as PNG images.

Every chart is drawn from the report's own figures (never from the lines), so what a chart
shows is what the tables and the JSON say. Colours are one per regime outcome, the same in every
chart; ``undetermined`` is hatched grey.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from laborlens.core.exposure.keys import REPORT_OUTCOMES, UNDETERMINED

#: Outcome colours (ColorBrewer RdBu/PuOr-like, readable when printed in grey).
COLOURS: Mapping[str, str] = {
    "presumption": "#b2182b",
    "prohibited_entity": "#762a83",
    "elevated_risk": "#ef8a62",
    "no_trigger": "#4393c3",
    "not_in_force": "#b8b8b8",
    UNDETERMINED: "#e0e0e0",
}
LABELS: Mapping[str, str] = {
    "presumption": "presumption",
    "prohibited_entity": "prohibited entity",
    "elevated_risk": "elevated risk",
    "no_trigger": "no trigger",
    "not_in_force": "not in force",
    UNDETERMINED: "undetermined",
}
_DPI = 100
#: Font families with Chinese glyphs, tried in order; without one, Chinese labels are written in
#: Latin letters (pinyin by anyascii) rather than as empty boxes.
_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Arial Unicode MS",
)


@cache
def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((n for n in _CJK_FONTS if n in names), None)
    if found:
        plt.rcParams["font.sans-serif"] = [found, *plt.rcParams["font.sans-serif"]]
    return found


def _text(label: object) -> str:
    """A label the chart fonts can draw."""
    text = str(label)
    if text.isascii() or _cjk_font() is not None:
        return text
    if any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text):
        from anyascii import anyascii

        return str(anyascii(text))
    return text


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _money(value: float) -> str:
    for limit, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:,.1f}{suffix}"
    return f"{value:,.0f}"


def _bar_kwargs(outcome: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "color": COLOURS.get(outcome, "#999999"),
        "edgecolor": "white",
        "linewidth": 0.4,
        "label": LABELS.get(outcome, outcome),
    }
    if outcome == UNDETERMINED:
        out.update(hatch="///", edgecolor="#9e9e9e")
    return out


def _patch_kwargs(outcome: str) -> dict[str, Any]:
    out = _bar_kwargs(outcome)
    out["facecolor"] = out.pop("color")
    out.pop("label")
    return out


def _outcomes_in(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    seen = {str(r["outcome"]) for r in rows}
    return [o for o in REPORT_OUTCOMES if o in seen] + sorted(seen - set(REPORT_OUTCOMES))


def sector_time_chart(report: Mapping[str, Any], max_sectors: int = 6) -> bytes | None:
    """Stacked bars per month, one panel per sector group (the largest by value), stacked by
    the regime outcome: value in the report currency."""
    series = [r for r in report.get("sector_month", []) if r["month"] != "undated"]
    if not series:
        return None
    sectors = [s["sector"] for s in report.get("by_sector", [])][:max_sectors]
    sectors = [s for s in sectors if any(r["sector"] == s for r in series)]
    months = sorted({r["month"] for r in series})
    outcomes = _outcomes_in(series)
    labels = {s["sector"]: s.get("label", s["sector"]) for s in report.get("by_sector", [])}
    cols = 2 if len(sectors) > 1 else 1
    rows_n = (len(sectors) + cols - 1) // cols
    fig, axes = plt.subplots(
        rows_n, cols, figsize=(6.2 * cols, 2.6 * rows_n + 0.6), squeeze=False, sharex=True
    )
    for ax, sector in zip(axes.flat, sectors, strict=False):
        bottom = [0.0] * len(months)
        for outcome in outcomes:
            values = [
                next(
                    (
                        float(r["value"])
                        for r in series
                        if r["sector"] == sector and r["month"] == m and r["outcome"] == outcome
                    ),
                    0.0,
                )
                for m in months
            ]
            if any(values):
                ax.bar(range(len(months)), values, bottom=bottom, **_bar_kwargs(outcome))
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.set_title(_text(labels.get(sector, sector)), fontsize=10, loc="left")
        ax.yaxis.set_major_formatter(lambda v, _: _money(v))
        ax.grid(axis="y", alpha=0.3)
        step = max(1, len(months) // 8)
        ax.set_xticks(
            range(0, len(months), step),
            [months[i] for i in range(0, len(months), step)],
            rotation=45,
            ha="right",
            fontsize=8,
        )
    for ax in list(axes.flat)[len(sectors) :]:
        ax.axis("off")
    handles = [Rectangle((0, 0), 1, 1, **_patch_kwargs(o)) for o in outcomes]
    fig.suptitle(
        f"Value per month by {report.get('regime')} outcome ({report.get('currency')})", fontsize=11
    )
    fig.tight_layout()
    fig.legend(
        handles,
        [LABELS.get(o, o) for o in outcomes],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=len(outcomes),
        frameon=False,
        fontsize=9,
    )
    return _png(fig)


def supplier_chart(report: Mapping[str, Any], top: int = 20) -> bytes | None:
    """The largest suppliers by value (bars stacked by outcome) with the cumulative share of
    all purchases (a Pareto line)."""
    rows = [
        r
        for r in report.get("by_supplier", [])
        if float(r["value"]) > 0 and r["supplier"] != UNDETERMINED
    ][:top]
    if not rows:
        return None
    total = float(report["totals"]["value"]) or 1.0
    outcomes = _outcomes_in([{"outcome": o} for r in rows for o in r["by_outcome"]])
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(rows) + 1.6))
    names = [_text(r.get("label") or r["supplier"])[:40] for r in rows]
    left = [0.0] * len(rows)
    ys = list(range(len(rows)))[::-1]
    for outcome in outcomes:
        values = [float(r["by_outcome"].get(outcome, {}).get("value", 0.0)) for r in rows]
        if any(values):
            ax.barh(ys, values, left=left, **_bar_kwargs(outcome))
            left = [a + v for a, v in zip(left, values, strict=True)]
    ax.set_yticks(ys, names, fontsize=8)
    ax.xaxis.set_major_formatter(lambda v, _: _money(v))
    ax.set_xlabel(f"value ({report.get('currency')})")
    share_ax = ax.twiny()
    cumulative, acc = [], 0.0
    for r in rows:
        acc += float(r["value"])
        cumulative.append(100 * acc / total)
    share_ax.plot(cumulative, ys, color="#333333", marker="o", markersize=3, linewidth=1)
    share_ax.set_xlim(0, 100)
    share_ax.set_xlabel("cumulative share of all purchases (%)", fontsize=8)
    conc = report.get("concentration") or {}
    hhi = conc.get("hhi")
    ax.set_title(
        f"Supplier concentration: top {len(rows)} of {conc.get('suppliers', len(rows))}"
        + (f", HHI {hhi:,.0f}" if hhi is not None else ""),
        fontsize=11,
        loc="left",
        pad=28,
    )
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    return _png(fig)


def tier_chart(report: Mapping[str, Any]) -> bytes | None:
    """Value by the tier where a listed party or a Xinjiang site enters, stacked by outcome."""
    rows = report.get("by_tier", [])
    if not rows:
        return None

    def order(r: Mapping[str, Any]) -> tuple[int, str]:
        key = str(r["tier"])
        return (int(key), key) if key.isdigit() else (1000, key)

    rows = sorted(rows, key=order)
    outcomes = _outcomes_in([{"outcome": o} for r in rows for o in r["by_outcome"]])
    labels = [f"tier {r['tier']}" if str(r["tier"]).isdigit() else str(r["tier"]) for r in rows]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.4))
    ys = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for outcome in outcomes:
        values = [float(r["by_outcome"].get(outcome, {}).get("value", 0.0)) for r in rows]
        if any(values):
            ax.barh(ys, values, left=left, **_bar_kwargs(outcome))
            left = [a + v for a, v in zip(left, values, strict=True)]
    ax.set_yticks(ys, [lbl[:45] for lbl in labels], fontsize=8)
    ax.xaxis.set_major_formatter(lambda v, _: _money(v))
    ax.set_xlabel(f"value ({report.get('currency')})")
    ax.set_title("Where the taint enters (tier 1 = the supplier itself)", fontsize=11, loc="left")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    return _png(fig)


def scenario_chart(plan: Mapping[str, Any]) -> bytes | None:
    """Monthly tainted volume of the sector: history, then the plan to the target date —
    what remains, what moves to the identified candidates, and the part not yet covered."""
    months = plan.get("timeline") or []
    if not months:
        return None
    x = list(range(len(months)))
    measure = str(plan.get("measure", "value"))
    remain = [float(m["remaining"]) for m in months]
    moved = [float(m["moved_covered"]) for m in months]
    gap = [float(m["moved_uncovered"]) for m in months]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    moved_bottom = remain
    gap_bottom = [a + b for a, b in zip(remain, moved, strict=True)]
    layers: list[tuple[list[float], list[float] | None, dict[str, Any]]] = [
        (remain, None, {"color": COLOURS["presumption"], "label": "tainted volume remaining"}),
        (moved, moved_bottom, {"color": "#1b7837", "label": "moved to identified candidates"}),
        (
            gap,
            gap_bottom,
            {
                "color": "#ffffff",
                "edgecolor": "#1b7837",
                "hatch": "///",
                "label": "to move, no candidate yet",
            },
        ),
    ]
    for heights, bottom, style in layers:
        # zero-height bars would still draw their outline: leave them out
        keep = [i for i, h in enumerate(heights) if h > 0]
        if keep:
            ax.bar(
                [x[i] for i in keep],
                [heights[i] for i in keep],
                bottom=None if bottom is None else [bottom[i] for i in keep],
                **style,
            )
    start = next((i for i, m in enumerate(months) if m.get("phase") == "plan"), None)
    if start is not None:
        ax.axvline(start - 0.5, color="#333333", linewidth=0.8, linestyle="--")
    step = max(1, len(months) // 10)
    ax.set_xticks(
        x[::step], [months[i]["month"] for i in x[::step]], rotation=45, ha="right", fontsize=8
    )
    ax.yaxis.set_major_formatter(lambda v, _: _money(v))
    ax.set_ylabel(measure)
    ax.set_title(_text(plan.get("title", "Replacement plan")), fontsize=11, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def report_charts(report: Mapping[str, Any]) -> dict[str, bytes]:
    """Every chart of an exposure report that has data, by name."""
    out: dict[str, bytes] = {}
    for name, make in (
        ("sectors_over_time", sector_time_chart),
        ("suppliers", supplier_chart),
        ("tiers", tier_chart),
    ):
        image = make(report)
        if image is not None:
            out[name] = image
    return out
