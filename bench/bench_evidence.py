"""Benchmark the evidence layer: gap analysis, registration, audit verification, dossier build.

Writes a markdown section to bench/results/evidence.md (or --output). Rerun:

    .venv/bin/python bench/bench_evidence.py            # default sizes, ~1 minute under load
    .venv/bin/python bench/bench_evidence.py --width 20 # smaller synthetic chain

Figures are wall-clock and CPU seconds on whatever machine runs it; the machine description
(nproc, free -g, python) and the load average are recorded with them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "core" / "evidence"))

from laborlens.core.chain import build_chain  # noqa: E402
from laborlens.core.evidence import ALGORITHM as GAPS_ALGORITHM  # noqa: E402
from laborlens.core.evidence import analyse, load_vocabulary  # noqa: E402
from laborlens.core.evidence.audit import ALGORITHM as AUDIT_ALGORITHM  # noqa: E402
from laborlens.core.evidence.audit import GENESIS, make_record, verify  # noqa: E402
from laborlens.core.evidence.model import (  # noqa: E402
    Case,
    Coverage,
    Document,
    Shipment,
)


def synthetic(tiers: int, width: int) -> tuple[Case, list[Document]]:
    """A layered chain (``width`` parties per tier, each supplying two of the next tier) and a
    complete set of documents for an exception request."""
    nodes = [{"id": "IMP", "name": "Importer Inc", "role": "importer"}]
    edges = []
    for t in range(1, tiers + 1):
        for i in range(width):
            nodes.append({"id": f"T{t}N{i}", "name": f"Party {t} {i} Co Ltd", "role": "producer"})
    for i in range(width):
        edges.append({"from": f"T1N{i}", "to": "IMP", "quantity": 100, "unit": "kg"})
    for t in range(2, tiers + 1):
        for i in range(width):
            for j in (i, (i + 1) % width):
                edges.append(
                    {"from": f"T{t}N{i}", "to": f"T{t - 1}N{j}", "quantity": 200, "unit": "kg"}
                )
    chain = build_chain(nodes, edges, require_ids=True)
    ship = Shipment("S1", "C1", quantity=100 * width, unit="kg", ship_date=date(2026, 9, 1))
    case = Case("C1", chain, shipments=(ship,))
    docs: list[Document] = []

    def add(doc_type: str, cov: Coverage, producer: str | None = None) -> None:
        n = len(docs) + 1
        docs.append(
            Document(
                doc_id=f"D{n:06d}",
                sha256=hashlib.sha256(str(n).encode()).hexdigest(),
                doc_type=doc_type,
                case_id="C1",
                doc_date=date(2026, 6, 1),
                producer=producer,
                coverage=cov,
            )
        )

    for t in (
        "supply_chain_map",
        "parties_roles_summary",
        "due_diligence_policy",
        "risk_assessment",
        "supplier_code_of_conduct",
        "training_record",
        "sourcing_controls",
    ):
        add(t, Coverage())
    for t in ("commercial_invoice", "packing_list", "bill_of_lading", "purchase_order"):
        add(t, Coverage(shipments=("S1",)))
    for e in chain.edges:
        for t in ("commercial_invoice", "purchase_order", "transport_record", "payment_record"):
            add(t, Coverage(edges=(e.id,)))
    for n in chain.nodes:
        if n.id == "IMP":
            continue
        for t in ("production_record", "inventory_record", "employee_records"):
            add(t, Coverage(nodes=(n.id,)))
        for t in ("audit_report", "affidavit", "certificate_of_origin"):
            add(t, Coverage(nodes=(n.id,)), producer=n.name)
    return case, docs


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    return out, time.perf_counter() - w, time.process_time() - c


def machine() -> str:
    free = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout
    return (
        f"nproc: {os.cpu_count()}; python {platform.python_version()} ({platform.machine()}); "
        f"`free -g`:\n\n```\n{free.strip()}\n```"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiers", type=int, default=6)
    ap.add_argument("--width", type=int, default=160)
    ap.add_argument("--register", type=int, default=200, help="documents to register")
    ap.add_argument("--audit", type=int, default=10000, help="audit records to verify")
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "evidence.md")
    args = ap.parse_args()
    vocab = load_vocabulary()
    rows: list[tuple[str, str]] = []

    case, docs = synthetic(args.tiers, args.width)
    report, wall, cpu = timed(
        analyse, case, docs, "exception_request", vocab, as_of=date(2026, 10, 1)
    )
    assert report.ready, report.counts()
    rows.append(
        (
            f"gap analysis, exception request: {len(case.chain.nodes)} parties, "
            f"{len(case.chain.edges)} flows, {len(docs):,} documents, "
            f"{len(report.statuses):,} requirement checks (wall / CPU)",
            f"{wall:.2f} s / {cpu:.2f} s",
        )
    )

    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    prev, log = GENESIS, []
    w0 = time.perf_counter()
    for i in range(1, args.audit + 1):
        rec = make_record(
            seq=i,
            at=t0 + timedelta(seconds=i),
            actor="bench",
            action="x",
            subject=f"s{i}",
            prev_hash=prev,
            details={"i": i},
            list_versions={"l": "v"},
            algorithms=("a",),
        )
        log.append(rec)
        prev = rec.hash
    build = time.perf_counter() - w0
    res, wall, cpu = timed(verify, log, (args.audit, prev))
    assert res.ok
    rows.append((f"audit chain: build {args.audit:,} records (wall)", f"{build:.2f} s"))
    rows.append(
        (f"audit verify {args.audit:,} records (wall / CPU)", f"{wall:.2f} s / {cpu:.2f} s")
    )

    import example_case as ex

    from laborlens.ops.evidence import EvidenceService
    from laborlens.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        files = []
        for i in range(args.register):
            p = base / f"doc{i:05d}.txt"
            p.write_bytes(os.urandom(2048))
            files.append(p)
        svc = EvidenceService(Settings(data_dir=base / "store", user="bench"))
        ex.open_case(svc)
        w, c = time.perf_counter(), time.process_time()
        for p in files:
            svc.register(p, "commercial_invoice", case_id="C1", edges=("SPIN->KNIT",))
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        rows.append(
            (
                f"register {args.register} files of 2 KB (hash, copy, DuckDB row, audit record): "
                "documents/s (wall / CPU)",
                f"{args.register / wall:,.0f} / {args.register / cpu:,.0f}",
            )
        )
        svc.close()

        svc = EvidenceService(Settings(data_dir=base / "store2", user="bench"))
        ex.open_case(svc)
        ex.register(svc, ex.plan(("applicability_review", "exception_request")))
        _, wall, cpu = timed(svc.screening, "C1", ex.AS_OF)
        rows.append(
            (
                "trace the example chain, first call (builds the screening index)",
                f"{wall:.2f} s / {cpu:.2f} s",
            )
        )
        res2, wall, cpu = timed(
            svc.build_dossier, "C1", "exception_request", base / "dossier", as_of=ex.AS_OF
        )
        rows.append(
            (
                f"dossier build, example case ({len(res2.exhibits)} exhibits: HTML, PDF, XLSX, "
                "manifest; index cached) (wall / CPU)",
                f"{wall:.2f} s / {cpu:.2f} s",
            )
        )
        svc.close()

    load = os.getloadavg()
    rows.append(("load average during the run (1/5/15 min)", " / ".join(f"{x:.1f}" for x in load)))
    cmd = "`.venv/bin/python bench/bench_evidence.py " + " ".join(sys.argv[1:]) + "`"
    text = (
        f"## evidence ({GAPS_ALGORITHM}, {AUDIT_ALGORITHM})\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall-clock figures grow with load; "
        "CPU seconds are closer to one free core). One process.\n\n| figure | value |\n|---|---|\n"
        + "".join(f"| {k} | {v} |\n" for k, v in rows)
        + f"\nCommand: {cmd.replace(' `', '`')}\n\nMachine: {machine()}\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
