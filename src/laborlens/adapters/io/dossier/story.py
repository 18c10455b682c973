"""The words of the dossier: its title, status line, cover facts, narrative and exhibit titles.

All generated from the case data, so the text never claims more than the gap analysis shows:
the claim of the path ("no XUAR or Entity List nexus") is stated only when no blocking gap
remains; until then the title and every page say DRAFT — NOT SUBMITTABLE.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from laborlens.adapters.io.humanize import quantity
from laborlens.core.evidence import Case, Document, GapReport

if TYPE_CHECKING:
    from laborlens.adapters.io.dossier.context import DossierInput

PATH_TITLES = {
    "applicability_review": "UFLPA applicability review",
    "exception_request": "UFLPA exception request (section 3(b))",
}
ATTESTATION = (
    "I certify that I am authorised to make this submission on behalf of the importer of record; "
    "that the statements in it are true, correct and complete to the best of my knowledge and "
    "belief; that each exhibit is a true copy of a record kept in the ordinary course of "
    "business, unaltered since it was registered (its sha256 is listed in the exhibit index and "
    "in manifest.json); and that I will answer any further request for information from U.S. "
    "Customs and Border Protection completely and promptly."
)


CLAIMS = {
    "applicability_review": "the goods were not mined, produced or manufactured wholly or in part "
    "in the XUAR nor by an entity on the UFLPA Entity List (no nexus)",
    "exception_request": "the goods were not mined, produced or manufactured wholly or in part by "
    "forced labour (clear and convincing evidence, UFLPA section 3(b))",
}


def claim(report: GapReport) -> str:
    """The path's claim (shown only when no blocking gap remains)."""
    return CLAIMS.get(report.path, report.path_label)


def status_line(report: GapReport) -> str:
    """What page one says first."""
    n = report.counts()["blocking"]
    if report.ready:
        return "READY TO SUBMIT: no blocking gaps"
    return f"DRAFT — NOT SUBMITTABLE: {n} blocking gap{'s' if n != 1 else ''}"


def title(report: GapReport, case: Case) -> str:
    """The dossier's title: the path, and its claim only when nothing blocks it."""
    base = PATH_TITLES.get(report.path, report.path_label.split(" (")[0])
    subject = case.title or f"case {case.case_id}"
    if report.ready:
        return f"{base}: {subject}"
    return f"DRAFT {base}: {subject}"


def importer(case: Case, tiers: dict[str, int]) -> str:
    """The importer named in the chain (tier 0), or a plain statement that it is not in it."""
    names = [n.name or n.id for n in case.chain.nodes if tiers.get(n.id) == 0]
    return "; ".join(names) or "not named in the chain (see the entry documents)"


def describe_coverage(doc: Document, case: Case) -> str:
    """What a document covers, in words: flows by their parties, parties by name."""
    parts = []
    for e in doc.coverage.edges:
        edge = case.chain.edge(e)
        if edge is not None:
            a, b = case.chain.ends(edge)
            parts.append(f"{edge.product or 'goods'} from {a.name or a.id} to {b.name or b.id}")
        else:
            parts.append(f"flow {e}")
    for nid in doc.coverage.nodes:
        node = case.chain.find(nid)
        parts.append(node.name or nid if node else nid)
    parts += [f"entry {s}" for s in doc.coverage.shipments]
    parts += [f"lot {lot}" for lot in doc.coverage.lots]
    return "; ".join(parts)


def exhibit_title(doc: Document, type_label: str, case: Case) -> str:
    """The registered title when one was given (not just the file name), else one made from the
    type, issuer and what the document covers."""
    given = (doc.title or "").strip()
    if given and given not in {doc.filename or "", doc.doc_id}:
        return given
    out = type_label
    if doc.issuer:
        out += f" issued by {doc.issuer}"
    covers = describe_coverage(doc, case)
    if covers:
        out += f" — {covers}"
    if doc.quantity is not None:
        out += f" ({quantity(doc.quantity, doc.unit)})"
    return out


def narrative(data: DossierInput, n_exhibits: int) -> list[str]:
    """The summary in plain sentences, from the case data."""
    case, rep = data.case, data.report
    tiers = dict(rep.tiers)
    out: list[str] = []
    ship = next((case.shipment(s) for s in rep.shipment_ids), None)
    det = case.detentions[-1] if case.detentions else None
    if ship is not None:
        goods = ship.goods or "goods"
        qty = quantity(ship.quantity, ship.unit)
        hs = f", HTSUS {', '.join(ship.hs_codes)}" if ship.hs_codes else ""
        entry = ship.entry_number or ship.shipment_id
        line = f"Entry {entry} covers {qty + ' of ' if qty else ''}{goods}{hs}"
        if ship.arrival_date:
            line += f", arrived {ship.arrival_date.isoformat()}"
        if det is not None:
            port = f" at {det.port}" if det.port else ""
            line += (
                f". U.S. Customs and Border Protection detained it{port} by a notice dated "
                f"{det.notice_date.isoformat()}; the response is due by "
                f"{det.response_deadline.isoformat()}"
            )
        out.append(line + ".")
    out.append(
        f"The importer, {importer(case, tiers)}, submits this {PATH_TITLES.get(rep.path, rep.path)}"
        + (
            " to show that the goods were not mined, produced or manufactured wholly or in part in "
            "the Xinjiang Uyghur Autonomous Region nor by an entity on the UFLPA Entity List."
            if rep.path == "applicability_review"
            else " to rebut the presumption by clear and convincing evidence (UFLPA section 3(b))."
        )
    )
    out.append(_chain_sentence(case, tiers))
    out.append(_screening_sentence(data))
    out.append(_evidence_sentence(rep, n_exhibits))
    return [p for p in out if p]


def _chain_sentence(case: Case, tiers: dict[str, int]) -> str:
    chain = case.chain
    flows = chain.material_edges()
    if not flows:
        return "The chain on file records no flow of goods."
    countries = sorted({n.country for n in chain.nodes if n.country and n.id in tiers})
    top = max(tiers.values(), default=0)
    origins = [n for n in chain.nodes if tiers.get(n.id) == top]
    origin = "; ".join(
        f"{n.name or n.id}" + (f" ({n.country})" if n.country else "") for n in origins
    )
    where = ", ".join(countries) or "unknown countries"
    return (
        f"The supply chain on file has {len(chain.nodes)} parties and {len(flows)} flows of goods "
        f"over {top} tier{'s' if top != 1 else ''}, in {where}, traced back to {origin}."
    )


def _screening_sentence(data: DossierInput) -> str:
    scr = data.screening
    lists = ", ".join(f"{k} ({v})" for k, v in data.list_versions)
    if scr.error:
        return f"The chain could not be screened: {scr.error}."
    if scr.nexus:
        who = "; ".join(f"{n} ({why})" for n, why in scr.nexus)
        return f"Screening against {lists} finds a nexus: {who}."
    risky = [r.node_id for r in scr.rows if r.risk in ("high", "medium")]
    line = f"Screening every party against {lists} finds no party that creates a UFLPA nexus"
    if risky:
        line += f"; parties to review: {', '.join(risky)}"
    return line + "."


def _evidence_sentence(rep: GapReport, n_exhibits: int) -> str:
    c = rep.counts()
    met = sum(1 for s in rep.statuses if s.met)
    line = (
        f"{n_exhibits} exhibit{'s' if n_exhibits != 1 else ''} meet {met} of "
        f"{len(rep.statuses)} documentary requirements of this path."
    )
    if rep.ready:
        return (
            line
            + " Gap analysis finds no blocking gap"
            + (
                f" ({c['major']} major and {c['minor']} minor points remain, listed in the gaps)."
                if c["major"] or c["minor"]
                else "."
            )
        )
    kinds = _top_kinds([g.kind for g in rep.gaps if g.severity == "blocking"])
    return (
        line + f" {c['blocking']} blocking gap{'s' if c['blocking'] != 1 else ''} remain "
        f"({kinds}): this dossier is a draft and must not be submitted as it is."
    )


def _top_kinds(kinds: Sequence[str]) -> str:
    counts: dict[str, int] = {}
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
