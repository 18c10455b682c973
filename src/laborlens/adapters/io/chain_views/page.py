"""The trace's SVG and HTML page: the chain drawing, then every party with its findings.

Findings are grouped per party; inherited findings are grouped by the path they came along, so
each path is listed once with every kind of finding that travelled it. Quantities are in human
units (``2.7 million pcs``); text wraps, nothing is cut. Region findings outside the taint
regions are a quiet location line, not findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jinja2

from laborlens.adapters.io.chain_views.geometry import layout
from laborlens.adapters.io.chain_views.svg import draw_svg
from laborlens.adapters.io.chain_views.view import RISKS, trace_view
from laborlens.adapters.io.humanize import quantity, share
from laborlens.core.chain import Inherited, NodeTrace, TraceResult
from laborlens.core.model import RISK_ORDER, Finding

QUIET = ("no_trigger", "not_in_force")


def render_svg(result: TraceResult, *, max_nodes: int = 150) -> str:
    """The trace as an SVG document."""
    return draw_svg(layout(trace_view(result, max_nodes)))


def finding_text(f: Finding) -> str:
    """A finding in one readable line: what, then why."""
    if f.kind in ("listed_entity", "related_party"):
        what = f"{f.entry_name} on {f.list}" + (f" ({f.match})" if f.match else "")
    elif f.kind == "region":
        what = f"{f.region} {f.label or ''}".strip()
    elif f.kind == "sector":
        what = f"sector {f.sector}"
    elif f.kind == "goods_list":
        what = f"{f.good}, {f.country} on {f.list}"
    else:
        what = f.kind
    return f"{what}: {f.why}"


def _is_quiet_region(f: Finding, taint: frozenset[str]) -> bool:
    return f.kind == "region" and (f.region or "").upper() not in taint


def inherited_groups(items: Iterable[Inherited], names: dict[str, str]) -> list[dict[str, Any]]:
    """Inherited findings by the path they travelled: each path once, with its kinds."""
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for i in items:
        g = groups.setdefault(
            i.path,
            {
                "source": i.source,
                "source_name": names.get(i.source, ""),
                "path": " → ".join(i.path),
                "products": " → ".join(dict.fromkeys(p for p in (h.product for h in i.hops) if p)),
                "kinds": [],
                "more_sources": 0,
            },
        )
        label = i.channel.replace(":", " ")
        if label not in g["kinds"]:
            g["kinds"].append(label)
        if i.sources_total and i.sources_total > 1:
            g["more_sources"] = max(g["more_sources"], i.sources_total - 1)
    return list(groups.values())


def _party(n: NodeTrace, names: dict[str, str], taint: frozenset[str]) -> dict[str, Any]:
    own = [f for f in n.findings if not _is_quiet_region(f, taint)]
    where = [f"{f.label or ''} ({f.region})".strip() for f in n.findings if f not in own]
    balance = []
    for b in n.mass_balance:
        line = f"{b.period or 'undated'}: {b.status}"
        if b.shortfall:
            line += f", shortfall {quantity(b.shortfall, b.unit)}"
        line += (
            f" (untainted inputs {quantity(b.inputs_untainted, b.unit) or '0'}, "
            f"claimed untainted output {quantity(b.outputs_claimed_untainted, b.unit) or '0'})"
        )
        balance.append(line)
    return {
        "id": n.id,
        "name": n.name or "",
        "role": n.role or "",
        "country": n.country or "",
        "risk": n.risk,
        "tainted": n.tainted,
        "regimes": [(r.regime, r.outcome) for r in n.regimes if r.outcome not in QUIET],
        "own": [finding_text(f) for f in own],
        "location": "; ".join(where),
        "inherited": inherited_groups(n.inherited, names),
        "balance": balance,
        "exposure": share(n.exposure.by_quantity),
        "exposure_value": share(n.exposure.by_value),
        "errors": [str(e) for e in n.errors],
    }


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("laborlens.adapters.io", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(result: TraceResult, *, max_nodes: int = 150) -> str:
    """A self-contained HTML page: the drawing, its collapsed tiers, every party, problems."""
    from laborlens.core.rules import load_regimes

    taint = load_regimes().taint_regions
    view = trace_view(result, max_nodes)
    drawing = layout(view)
    names = {n.id: n.name or "" for n in result.nodes}
    parties = sorted(result.nodes, key=lambda n: (-RISK_ORDER[n.risk], not n.tainted, n.row))
    counts = {r: sum(1 for n in result.nodes if n.risk == r) for r in RISKS}
    return (
        _env()
        .get_template("trace.html.j2")
        .render(
            as_of=result.as_of.isoformat(),
            algorithms=", ".join(result.algorithms),
            versions=", ".join(f"{k} {v}" for k, v in result.list_versions),
            svg=draw_svg(drawing),
            engine=drawing.engine,
            collapsed=[b for b in view.boxes if b.collapsed],
            parties=[_party(n, names, taint) for n in parties],
            counts=counts,
            total=len(result.nodes),
            flows=sum(1 for e in result.edges if e.type == "material"),
            tainted=sum(1 for n in result.nodes if n.tainted),
            problems=[str(e) for e in result.errors],
        )
    )
