"""What the dossier shows: the exhibits in story order and one context for every rendering.

The HTML, PDF and XLSX renderings all read the same context (plain data), so they never disagree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from laborlens.adapters.io.chain_views import View, chain_view
from laborlens.core.evidence import Case, CaseScreening, Document, GapReport, Vocabulary
from laborlens.version import __version__


@dataclass(frozen=True, slots=True)
class DossierInput:
    """Everything the dossier shows (assembled by ``laborlens.ops.evidence``)."""

    case: Case
    documents: tuple[Document, ...]
    report: GapReport
    vocabulary: Vocabulary
    screening: CaseScreening = field(default_factory=CaseScreening)
    list_versions: tuple[tuple[str, str], ...] = ()
    algorithms: tuple[str, ...] = ()
    generated_at: datetime | None = None
    audit_head: tuple[int, str] | None = None
    prepared_by: str = "laborlens"

    def view(self) -> View:
        """The chain map, coloured by the screening's risks."""
        risks = {r.node_id: r.risk for r in self.screening.rows}
        return chain_view(self.case.chain, dict(self.report.tiers), risks=risks)


@dataclass(frozen=True, slots=True)
class Exhibit:
    exhibit: str
    doc: Document
    path: str
    group: tuple[int, str]


def _safe_name(name: str) -> str:
    stem = unicodedata.normalize("NFKC", name)
    stem = re.sub(r"[^\w.\-]+", "_", stem, flags=re.UNICODE).strip("._")
    return stem[:80] or "document"


def _group_of(doc: Document, tiers: dict[str, int], case: Case) -> tuple[int, str]:
    """Where an exhibit sits in the story: case-wide, the entry, then tier by tier upstream."""
    cov = doc.coverage
    node_tiers = [tiers[n] for n in cov.nodes if n in tiers]
    for e in cov.edges:
        edge = case.chain.edge(e)
        source = case.chain.nodes[edge.src].id if edge else None
        if source in tiers:
            node_tiers.append(tiers[source])
    if node_tiers:
        t = min(node_tiers)
        return (10 + t, f"Tier {t}")
    if cov.shipments:
        return (1, "The entry (shipment documents)")
    return (0, "Case-wide documents")


def exhibits(data: DossierInput) -> list[Exhibit]:
    """Every registered document as a numbered exhibit, in story order."""
    tiers = dict(data.report.tiers)
    docs = sorted(
        (d for d in data.documents if not d.removed),
        key=lambda d: (_group_of(d, tiers, data.case)[0], d.doc_type, d.doc_date or "", d.doc_id),
    )
    out = []
    for i, d in enumerate(docs, start=1):
        ex = f"E{i:03d}"
        path = f"exhibits/{ex}_{d.doc_type}_{_safe_name(d.filename or d.doc_id)}"
        out.append(Exhibit(ex, d, path, _group_of(d, tiers, data.case)))
    return out


def _covers(d: Document) -> str:
    parts = []
    for label, items in (
        ("nodes", d.coverage.nodes),
        ("edges", d.coverage.edges),
        ("lots", d.coverage.lots),
        ("shipments", d.coverage.shipments),
    ):
        if items:
            parts.append(f"{label}: {', '.join(items)}")
    return "; ".join(parts) or "case"


def num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def _summary(data: DossierInput, n_exhibits: int) -> list[tuple[str, str]]:
    case, rep = data.case, data.report
    det = case.detentions[-1] if case.detentions else None
    ship = next((case.shipment(s) for s in rep.shipment_ids), None)
    counts = rep.counts()
    summary: list[tuple[str, str]] = [
        ("Case", f"{case.case_id}" + (f" — {case.title}" if case.title else "")),
        ("Response path", rep.path_label),
        ("Status", case.status),
    ]
    if ship:
        summary += [
            ("Entry", ship.entry_number or ship.shipment_id),
            ("Goods", ship.goods or ""),
            ("HS codes", ", ".join(ship.hs_codes)),
            ("Quantity", f"{num(ship.quantity)} {ship.unit or ''}".strip()),
            ("Shipped / arrived", f"{ship.ship_date or '?'} / {ship.arrival_date or '?'}"),
        ]
    if det:
        summary += [
            (
                "Detention notice",
                f"{det.notice_date} ({det.detention_number or det.detention_id}"
                + (f", port {det.port}" if det.port else "")
                + ")",
            ),
            ("Response deadline", str(det.response_deadline)),
        ]
    met = sum(1 for s in rep.statuses if s.met)
    summary += [
        (
            "Chain",
            f"{len(case.chain.nodes)} parties, {len(case.chain.material_edges())} flows, "
            f"sha256 {case.chain.sha256()[:16]}…",
        ),
        ("Exhibits", str(n_exhibits)),
        ("Requirements met", f"{met} of {len(rep.statuses)}"),
        (
            "Gaps",
            f"{counts['blocking']} blocking, {counts['major']} major, {counts['minor']} minor",
        ),
    ]
    if data.audit_head:
        summary.append(("Audit log anchor", f"record {data.audit_head[0]}, {data.audit_head[1]}"))
    return summary


def _exhibit_groups(data: DossierInput, listed: Sequence[Exhibit]) -> list[dict[str, Any]]:
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for x in listed:
        d = x.doc
        groups.setdefault(x.group, []).append(
            {
                "exhibit": x.exhibit,
                "type": d.doc_type,
                "type_label": data.vocabulary.get(d.doc_type).label,
                "title": d.title or d.filename or d.doc_id,
                "date": str(d.doc_date or ""),
                "parties": " / ".join(p for p in (d.issuer, d.producer) if p),
                "covers": _covers(d),
                "sha256": d.sha256,
                "path": x.path,
                "doc_id": d.doc_id,
                "quantity": f"{num(d.quantity)} {d.unit or ''}".strip(),
                "language": d.language or "",
            }
        )
    return [{"title": k[1], "exhibits": v} for k, v in sorted(groups.items())]


def _chain_tables(data: DossierInput) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    chain = data.case.chain
    tiers = dict(data.report.tiers)
    nodes = [
        {
            "id": n.id,
            "name": n.name or "",
            "role": n.role or "",
            "country": n.country or "",
            "address": n.record.address or "",
            "tier": tiers.get(n.id, ""),
        }
        for n in sorted(chain.nodes, key=lambda n: (tiers.get(n.id, 0), n.id))
    ]
    edges = [
        {
            "id": e.id,
            "source": chain.nodes[e.src].id,
            "target": chain.nodes[e.dst].id,
            "product": e.product or "",
            "hs_code": e.hs_code or "",
            "quantity": f"{num(e.quantity)} {e.unit or ''}".strip(),
        }
        for e in chain.material_edges()
    ]
    return nodes, edges


def context(data: DossierInput, listed: Sequence[Exhibit], svg: str) -> dict[str, Any]:
    """The one context every rendering reads."""
    rep = data.report
    nodes, edges = _chain_tables(data)
    return {
        "case_id": data.case.case_id,
        "path_label": rep.path_label,
        "citation": data.vocabulary.path(rep.path).citation,
        "version": __version__,
        "prepared_by": data.prepared_by,
        "as_of": rep.as_of.isoformat(),
        "generated_at": data.generated_at.isoformat() if data.generated_at else "",
        "summary": _summary(data, len(listed)),
        "ready": rep.ready,
        "counts": rep.counts(),
        "svg": svg,
        "nodes": nodes,
        "edges": edges,
        "exhibit_groups": _exhibit_groups(data, listed),
        "mass_balance": [
            {
                "tier": m.tier if m.tier is not None else "",
                "node": f"{m.name} ({m.node_id})" if m.name else m.node_id,
                "period": m.row.period or "",
                "unit": m.row.unit or "",
                "inputs": f"{num(m.row.inputs_untainted)} / {num(m.row.inputs_tainted)}",
                "outputs": num(m.row.outputs_total),
                "shortfall": num(m.row.shortfall) if m.row.shortfall else "",
                "status": m.row.status,
            }
            for m in rep.mass_balance
        ],
        "screening": [
            {
                "id": row.node_id,
                "risk": row.risk,
                "findings": "; ".join(row.findings) or "none",
                "inherited": "; ".join(row.inherited) or "none",
                "regimes": ", ".join(f"{r}={o}" for r, o in row.regimes),
            }
            for row in data.screening.rows
        ],
        "screening_error": data.screening.error,
        "nexus": [f"{n}: {why}" for n, why in data.screening.nexus],
        "list_versions": list(data.list_versions),
        "algorithms": [*data.algorithms, rep.algorithm],
        "gaps": [
            {
                "severity": g.severity,
                "kind": g.kind,
                "subject": f"{g.subject_type} {g.subject_id}"
                + (f" (tier {g.tier})" if g.tier is not None else ""),
                "message": g.message,
            }
            for g in rep.gaps
        ],
    }
