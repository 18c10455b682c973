"""The example detention used by the evidence tests (and by docs/evidence.md).

A cotton T-shirt entry detained under the UFLPA: US-grown cotton, ginned in Texas, spun, knitted
and sewn in Vietnam, imported into Los Angeles. ``examples/evidence/register.csv`` lists the
documents of a complete package (column ``paths``: the path that first needs each one).
"""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from laborlens.core.chain import Chain
from laborlens.core.evidence.model import Case, Coverage, Detention, Document, Shipment
from laborlens.ops.tracing import load_chain

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "evidence"
CHAIN = EXAMPLE / "chain.json"
DOCUMENTS = EXAMPLE / "documents"
CASE_ID = "C1"
SHIPMENT_ID = "ABC-1234567-8"
SHIP_DATE = date(2026, 9, 16)
NOTICE_DATE = date(2026, 10, 2)
AS_OF = date(2026, 10, 10)


def plan(paths: tuple[str, ...] = ("applicability_review",)) -> list[dict[str, str]]:
    """Rows of register.csv needed for these paths."""
    with (EXAMPLE / "register.csv").open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["paths"] in paths]


def _split(v: str) -> tuple[str, ...]:
    return tuple(x for x in v.split(";") if x)


def shipment() -> Shipment:
    return Shipment(
        shipment_id=SHIPMENT_ID,
        case_id=CASE_ID,
        entry_number=SHIPMENT_ID,
        goods="cotton T-shirts",
        hs_codes=("6109.10.0012",),
        quantity=40000,
        unit="pcs",
        ship_date=SHIP_DATE,
        arrival_date=date(2026, 9, 30),
    )


def case(chain: Chain | None = None) -> Case:
    """The example case as a pure object (no store)."""
    return Case(
        case_id=CASE_ID,
        chain=chain or load_chain(CHAIN, require_ids=True),
        shipments=(shipment(),),
        detentions=(
            Detention(
                detention_id="C1-D1",
                case_id=CASE_ID,
                shipment_id=SHIPMENT_ID,
                notice_date=NOTICE_DATE,
                response_deadline=date(2026, 11, 1),
            ),
        ),
    )


def documents(rows: list[dict[str, str]], **override: Any) -> list[Document]:
    """Document objects for rows (as the registry would hold them), ids D0001…"""
    out = []
    for i, r in enumerate(rows, start=1):
        data = (DOCUMENTS / r["file"]).read_bytes()
        doc = Document(
            doc_id=f"D{i:04d}",
            sha256=hashlib.sha256(data).hexdigest(),
            doc_type=r["type"],
            case_id=CASE_ID,
            title=r["file"],
            filename=r["file"],
            size=len(data),
            issuer=r["issuer"] or None,
            producer=r["producer"] or None,
            doc_date=date.fromisoformat(r["date"]) if r["date"] else None,
            quantity=float(r["quantity"]) if r["quantity"] else None,
            unit=r["unit"] or None,
            language=r["language"] or None,
            coverage=Coverage(
                nodes=_split(r["nodes"]), edges=_split(r["edges"]), shipments=_split(r["shipments"])
            ),
        )
        out.append(doc)
    return out


def open_case(svc: Any) -> None:
    """Create the example case, its shipment and detention through an EvidenceService."""
    svc.create_case(CASE_ID, CHAIN, title="Cotton T-shirts detained at Los Angeles")
    s = shipment()
    svc.add_shipment(
        CASE_ID,
        entry_number=s.entry_number,
        goods=s.goods,
        hs_codes=s.hs_codes,
        quantity=s.quantity,
        unit=s.unit,
        ship_date=s.ship_date,
        arrival_date=s.arrival_date,
    )
    svc.record_detention(CASE_ID, notice_date=NOTICE_DATE, port="Los Angeles")


def register(svc: Any, rows: list[dict[str, str]]) -> list[Document]:
    """Register rows through an EvidenceService."""
    out = []
    for r in rows:
        out.append(
            svc.register(
                DOCUMENTS / r["file"],
                r["type"],
                case_id=CASE_ID,
                nodes=_split(r["nodes"]),
                edges=_split(r["edges"]),
                shipments=_split(r["shipments"]),
                issuer=r["issuer"] or None,
                producer=r["producer"] or None,
                doc_date=date.fromisoformat(r["date"]) if r["date"] else None,
                quantity=float(r["quantity"]) if r["quantity"] else None,
                unit=r["unit"] or None,
                language=r["language"] or None,
            )
        )
    return out


def cli_args(r: dict[str, str]) -> list[str]:
    """`laborlens evidence add` arguments for a row."""
    args = [str(DOCUMENTS / r["file"]), "--type", r["type"], "--case", CASE_ID]
    for col, opt in (("nodes", "--node"), ("edges", "--edge"), ("shipments", "--shipment")):
        for v in _split(r[col]):
            args += [opt, v]
    for col, opt in (
        ("date", "--date"),
        ("quantity", "--quantity"),
        ("unit", "--unit"),
        ("producer", "--producer"),
        ("issuer", "--issuer"),
        ("language", "--language"),
    ):
        if r[col]:
            args += [opt, r[col]]
    return args
