"""A case's chain as screened and traced, summarised for gap analysis, the CLI and the dossier.

:func:`summarise` turns a :class:`~laborlens.core.chain.TraceResult` into per-party rows, the
parties whose *own* findings put the goods under the detention regime's presumption (the nexus
an applicability review denies and an exception request must rebut) and the parties tainted
themselves (the mass balance counts their output, and everything downstream of it, as tainted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from laborlens.core import rules
from laborlens.core.chain import TraceResult, is_taint

#: Regime outcomes that put goods under a presumption or prohibition (rules vocabulary).
PRESUMPTION_OUTCOMES = frozenset({"presumption", "prohibited_entity"})


@dataclass(frozen=True, slots=True)
class ScreeningRow:
    """One party as screened and traced (own findings, inherited taint, regime outcomes)."""

    node_id: str
    risk: str
    findings: tuple[str, ...] = ()
    inherited: tuple[str, ...] = ()
    regimes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CaseScreening:
    """The trace of a case's chain as gap analysis uses it; ``error`` when it could not run.

    Attributes:
        rows: one per party.
        nexus: ``(node id, why)`` of each party whose own findings create the nexus.
        own_taint: ids of the parties tainted themselves (confirmed listing, taint region).
        list_versions: the lists screened against.
        algorithms: the screening and tracing algorithms.
        error: why the chain could not be traced.
    """

    rows: tuple[ScreeningRow, ...] = ()
    nexus: tuple[tuple[str, str], ...] = ()
    own_taint: tuple[str, ...] = ()
    list_versions: tuple[tuple[str, str], ...] = ()
    algorithms: tuple[str, ...] = ()
    error: str | None = None


def _finding_line(kind: str, target: str, list_id: str | None, version: str | None) -> str:
    where = f" [{list_id}{' ' + version if version else ''}]" if list_id else ""
    return f"{kind}: {target}{where}"


def summarise(
    result: TraceResult, regimes: rules.RegimeSet, regime: str, as_of: date
) -> CaseScreening:
    """The summary of a traced case chain for the detention ``regime``."""
    rows: list[ScreeningRow] = []
    nexus: list[tuple[str, str]] = []
    own_taint: list[str] = []
    for n in result.nodes:
        if any(is_taint(f, regimes.taint_regions) for f in n.findings):
            own_taint.append(n.id)
        # the party's *own* findings say who creates the nexus (inherited taint is shown, but
        # the root is what must be answered)
        own = rules.evaluate(regimes, n.findings, country=n.country, as_of=as_of)
        for o in own:
            if o.regime == regime and o.outcome in PRESUMPTION_OUTCOMES:
                why = "; ".join(r.text for r in o.reasons) or o.outcome
                nexus.append((n.id, f"{o.outcome} under {regime}: {why}"))
        rows.append(
            ScreeningRow(
                node_id=n.id,
                risk=n.risk,
                findings=tuple(
                    _finding_line(
                        f.kind,
                        f.entry_name or f.label or f.sector or f.good or "",
                        f.list,
                        f.list_version,
                    )
                    for f in n.findings
                ),
                inherited=tuple(
                    f"{i.kind} from {i.source} via {' > '.join(i.path)}" for i in n.inherited
                ),
                regimes=tuple((o.regime, o.outcome) for o in n.regimes),
            )
        )
    return CaseScreening(
        rows=tuple(rows),
        nexus=tuple(nexus),
        own_taint=tuple(own_taint),
        list_versions=tuple(result.list_versions),
        algorithms=tuple(result.algorithms),
    )
