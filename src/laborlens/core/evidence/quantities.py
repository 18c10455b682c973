"""Quantity reconciliation: documents against the flows and entries they cover, and each party's
mass balance (the chain's, with its units and yields) against what it shipped.

Quantities are compared in base units (``10.2 t`` of lint on a purchase order is ``10,200 kg``
on the chain) with the vocabulary's tolerance. The mass balance is the supply-chain tracer's own
(:func:`laborlens.core.chain.node_balances`): inputs converted into output-equivalents by the
yields, per period, with tainted inputs (when the chain was screened) not counting towards
untainted output.
"""

from __future__ import annotations

from collections.abc import Iterable

from laborlens.core.chain import MATERIAL, BalanceRow, Chain, ChainEdge, ChainNode, node_balances
from laborlens.core.evidence.model import Document
from laborlens.core.evidence.report import BalanceEntry, Gap
from laborlens.core.evidence.screening import CaseScreening
from laborlens.core.evidence.subjects import Subjects
from laborlens.core.model import Record

_ENTRY_ID = "(the entry)"


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:,.3f}".rstrip("0").rstrip(".")


def _single_subject_docs(docs: Iterable[Document]) -> dict[tuple[str, str], list[Document]]:
    """Documents covering exactly one edge (and no shipment), or exactly one shipment: they
    state that subject's quantity."""
    single: dict[tuple[str, str], list[Document]] = {}
    for d in docs:
        if len(d.coverage.edges) == 1 and not d.coverage.shipments:
            single.setdefault(("edge", d.coverage.edges[0]), []).append(d)
        elif len(d.coverage.shipments) == 1 and not d.coverage.edges:
            single.setdefault(("shipment", d.coverage.shipments[0]), []).append(d)
    return single


def document_quantity_gaps(sub: Subjects, tolerance: float, carries: set[str]) -> list[Gap]:
    """Documents whose quantities do not reconcile with the edge or shipment they cover.

    ``carries``: the document types that state a quantity.
    """
    docs = [d for d in sub.docs if d.quantity is not None and d.doc_type in carries]
    single = _single_subject_docs(docs)
    targets: list[tuple[str, str, float | None, str | None, int | None, str]] = [
        ("edge", e.id, e.quantity, e.unit, sub.edge_tier(e), sub.edge_label(e)) for e in sub.flows()
    ]
    targets += [
        ("shipment", s.shipment_id, s.quantity, s.unit, 0, f"shipment {s.shipment_id}")
        for s in sub.shipments
    ]
    gaps: list[Gap] = []
    for stype, sid, qty, unit, tier, label in targets:
        if qty is None:
            continue
        want, want_unit = sub.tables.comparable(qty, unit)
        by_type: dict[str, list[Document]] = {}
        for d in single.get((stype, sid), []):
            by_type.setdefault(d.doc_type, []).append(d)
        for dtype, group in sorted(by_type.items()):
            used = [
                d
                for d in group
                if sub.tables.comparable(d.quantity or 0.0, d.unit or unit)[1] == want_unit
            ]
            total = sum(sub.tables.comparable(d.quantity or 0.0, d.unit or unit)[0] for d in used)
            if not used or abs(total - want) <= tolerance * max(want, 1e-9):
                continue
            gaps.append(
                Gap(
                    kind="quantity_mismatch",
                    severity="major",
                    subject_type=stype,
                    subject_id=sid,
                    tier=tier,
                    doc_ids=tuple(d.doc_id for d in used),
                    message=(
                        f"{label}: {dtype} documents state {_fmt(total)} {want_unit or ''} "
                        f"but the {'chain' if stype == 'edge' else 'entry'} records "
                        f"{_fmt(want)} {want_unit or ''}".replace("  ", " ")
                    ),
                )
            )
    return gaps + _entry_gaps(sub, tolerance)


def _entry_gaps(sub: Subjects, tolerance: float) -> list[Gap]:
    """The entry against the flows the chain traces into the importer."""
    if not sub.importer_ids:
        return []
    flows = [
        e
        for e in sub.flows()
        if sub.chain.nodes[e.dst].id in sub.importer_ids and e.quantity is not None
    ]
    gaps: list[Gap] = []
    for s in sub.shipments:
        if s.quantity is None:
            continue
        want, want_unit = sub.tables.comparable(s.quantity, s.unit)
        parts = [sub.tables.comparable(e.quantity or 0.0, e.unit) for e in flows]
        total = sum(q for q, u in parts if u == want_unit)
        if flows and total and want > total * (1 + tolerance):
            gaps.append(
                Gap(
                    kind="quantity_mismatch",
                    severity="blocking",
                    subject_type="shipment",
                    subject_id=s.shipment_id,
                    tier=0,
                    message=(
                        f"shipment {s.shipment_id}: {_fmt(want)} {want_unit} entered but the "
                        f"chain traces only {_fmt(total)} {want_unit} into the importer"
                    ),
                )
            )
    return gaps


def _sinks(sub: Subjects) -> list[ChainNode]:
    """Parties on a flow that ship nothing on in the chain (the importer aside)."""
    senders = {e.src for e in sub.flows()}
    return [n for n in sub.parties() if n.index not in senders]


def with_entry(sub: Subjects) -> Chain:
    """The case's chain, plus the entry as an importer fed by the exporter when the chain ends at
    one exporter (no importer in it): the exporter's balance then covers what was entered."""
    chain = sub.chain
    sinks = _sinks(sub)
    entered = [s for s in sub.shipments if s.quantity is not None]
    if len(sinks) != 1 or not entered or sub.importer_ids:
        return chain
    entry = ChainNode(len(chain.nodes), Record(row=0, id=_ENTRY_ID), role="importer")
    edges = [
        ChainEdge(
            index=len(chain.edges) + i,
            row=0,
            src=sinks[0].index,
            dst=entry.index,
            type=MATERIAL,
            product=s.goods,
            hs_code=s.hs_codes[0] if s.hs_codes else None,
            quantity=s.quantity,
            unit=s.unit,
            id=f"entry {s.shipment_id}",
        )
        for i, s in enumerate(entered)
    ]
    return Chain((*chain.nodes, entry), (*chain.edges, *edges), chain.errors, chain.source)


def missing_quantity_gaps(sub: Subjects) -> list[Gap]:
    """Parties with a flow in and out where some flow states no quantity (partial balance)."""
    chain = with_entry(sub)
    gaps: list[Gap] = []
    ins: dict[int, list[ChainEdge]] = {}
    outs: dict[int, list[ChainEdge]] = {}
    for e in chain.material_edges():
        ins.setdefault(e.dst, []).append(e)
        outs.setdefault(e.src, []).append(e)
    for n in sub.parties():
        flows = [*ins.get(n.index, ()), *outs.get(n.index, ())]
        if n.index in ins and n.index in outs and any(e.quantity is None for e in flows):
            gaps.append(
                Gap(
                    kind="quantity_missing",
                    severity="minor",
                    subject_type="node",
                    subject_id=n.id,
                    tier=sub.tiers.get(n.id),
                    message=(
                        f"{n.label()}: some flows in or out have no quantity; "
                        "mass balance is partial"
                    ),
                )
            )
    return gaps


def _shortfall_message(n: ChainNode, row: BalanceRow) -> str:
    assumed = (
        "assumed industry yields, declare the node's own `yield` if they differ; "
        if row.assumed_yield_edges
        else ""
    )
    return (
        f"{n.label()}: {assumed}the mass balance ({row.period or 'all periods'}, with yields) "
        f"shows a shortfall of {_fmt(row.shortfall)} {row.unit or ''}: "
        f"{_fmt(row.outputs_claimed_untainted)} claimed untainted output against "
        f"{_fmt(row.inputs_untainted)} untainted and {_fmt(row.inputs_tainted)} tainted input; "
        "part of what it shipped comes from untraced or tainted material"
    )


def mass_balance(
    sub: Subjects, screening: CaseScreening | None
) -> tuple[list[BalanceEntry], list[Gap]]:
    """Each party's mass balance, and a ``mass_balance`` gap for each shortfall: blocking when
    the yields are the party's own, major when they are assumed industry yields."""
    chain = with_entry(sub)
    own = set(screening.own_taint if screening else ())
    rows = node_balances(
        chain, sub.as_of, own_taint=[n.index for n in chain.nodes if n.id in own], tables=sub.tables
    )
    entries: list[BalanceEntry] = []
    gaps: list[Gap] = []
    for n in sorted(sub.parties(), key=lambda x: (-sub.tiers.get(x.id, 0), x.id)):
        tier = sub.tiers.get(n.id)
        for row in rows[n.index]:
            entries.append(BalanceEntry(n.id, n.name, tier, row))
            if row.status == "shortfall":
                gaps.append(
                    Gap(
                        kind="mass_balance",
                        severity="major" if row.assumed_yield_edges else "blocking",
                        subject_type="node",
                        subject_id=n.id,
                        tier=tier,
                        message=_shortfall_message(n, row),
                    )
                )
    return entries, gaps
