"""Benchmark the reports: chain drawings (Graphviz dot and the built-in layout) and dossier builds.

Writes a markdown section to bench/results/reports.md (or --output). Rerun:

    .venv/bin/python bench/bench_reports.py

The issue's bad-input target is "the report still builds within 30 s" for a 500-party chain,
200 exhibits and 300-letter, Chinese, Uyghur and Hebrew names; those rows measure exactly that.
Figures are wall-clock and CPU seconds on whatever machine runs it, with the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "core" / "evidence"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_evidence import machine, timed  # noqa: E402

from laborlens.adapters.io.chain_views import (  # noqa: E402
    dot_available,
    draw_svg,
    layout,
    trace_view,
)
from laborlens.ops.tracing import trace  # noqa: E402


def _test_module(name: str) -> Any:
    """A test module by path (its synthetic chains and case builders are reused as they are)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "adapters" / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _draw(view: Any, engine: str) -> tuple[str, float, float, str]:
    def run() -> tuple[str, str]:
        d = layout(view, engine=engine)
        return d.engine, draw_svg(d)

    (used, svg), wall, cpu = timed(run)
    return used, wall, cpu, f"{len(svg) / 1024:,.0f} KB"


def drawings(rows: list[tuple[str, str]]) -> None:
    engines = ["layered"] + (["dot"] if dot_available() else [])
    examples = ROOT / "examples" / "chains"
    for name in ("solar", "cotton_apparel", "aluminium_auto"):
        src = examples / name / "chain.json"
        view = trace_view(trace(src if src.exists() else examples / name, as_of=date(2025, 12, 1)))
        for engine in engines:
            used, wall, cpu, size = _draw(view, engine)
            rows.append(
                (
                    f"draw example chain {name} ({len(view.boxes)} parties), {used}: layout + SVG",
                    f"{wall:.2f} s / {cpu:.2f} s ({size})",
                )
            )
    drawing_tests = _test_module("test_chain_drawing")
    res = drawing_tests._screened(drawing_tests._odd_chain(n_plain=500))
    for max_nodes, what in ((150, "collapsed by tier"), (10**6, "every party drawn")):
        view = trace_view(res, max_nodes=max_nodes)
        for engine in engines:
            used, wall, cpu, size = _draw(view, engine)
            rows.append(
                (
                    f"draw a 506-party chain ({what}: {len(view.boxes)} boxes), {used}",
                    f"{wall:.2f} s / {cpu:.2f} s ({size})",
                )
            )


def dossiers(rows: list[tuple[str, str]], extra: int) -> None:
    import example_case as ex
    import pypdfium2 as pdfium

    from laborlens.ops.evidence import EvidenceService
    from laborlens.settings import Settings

    pdf_tests = _test_module("test_dossier_pdf")

    def pages(out: Path) -> int:
        doc = pdfium.PdfDocument(str(out / "report.pdf"))
        n = len(doc)
        doc.close()
        return n

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        svc = EvidenceService(Settings(data_dir=base / "s1", user="bench"))
        ex.open_case(svc)
        ex.register(svc, ex.plan(("applicability_review", "exception_request")))
        svc.screening("C1", ex.AS_OF)  # the screening index, built once (not a report cost)
        res, wall, cpu = timed(
            svc.build_dossier, "C1", "exception_request", base / "d1", as_of=ex.AS_OF
        )
        rows.append(
            (
                f"dossier build, example case ({len(res.exhibits)} exhibits, "
                f"{pages(base / 'd1')} PDF pages: HTML, PDF, XLSX, manifest)",
                f"{wall:.2f} s / {cpu:.2f} s",
            )
        )
        for i in range(extra):
            p = base / f"extra{i:04d}.txt"
            p.write_bytes(os.urandom(2048))
            svc.register(p, "commercial_invoice", case_id="C1", edges=("SPIN->KNIT",))
        res, wall, cpu = timed(
            svc.build_dossier, "C1", "exception_request", base / "d2", as_of=ex.AS_OF
        )
        rows.append(
            (
                f"dossier build with {len(res.exhibits)} exhibits ({pages(base / 'd2')} PDF pages)",
                f"{wall:.2f} s / {cpu:.2f} s",
            )
        )
        svc.close()
        (base / "s2").mkdir()
        chain = pdf_tests._odd_chain(base / "s2")
        (res, _), wall, cpu = timed(pdf_tests._draft, base / "s3", chain=chain)
        rows.append(
            (
                "draft dossier, no exhibits, Chinese, Uyghur, Hebrew and 300-letter party names "
                f"({pages(base / 's3' / 'out')} PDF pages; includes opening the store)",
                f"{wall:.2f} s / {cpu:.2f} s",
            )
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exhibits", type=int, default=142, help="exhibits added to the 58 (200)")
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "reports.md")
    args = ap.parse_args()
    rows: list[tuple[str, str]] = []
    load_start = os.getloadavg()
    drawings(rows)
    dossiers(rows, args.exhibits)
    load = os.getloadavg()
    rows.append(
        (
            "load average at the start / at the end (1/5/15 min)",
            " ; ".join(" / ".join(f"{x:.1f}" for x in v) for v in (load_start, load)),
        )
    )
    cmd = "`.venv/bin/python bench/bench_reports.py " + " ".join(sys.argv[1:]) + "`"
    text = (
        "## reports (chain drawings and dossier PDF)\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores shared with "
        "other work (wall-clock figures grow with load; CPU seconds are closer to one free "
        "core). One process. Figures are wall / CPU seconds.\n\n| figure | value |\n|---|---|\n"
        + "".join(f"| {k} | {v} |\n" for k, v in rows)
        + f"\nCommand: {cmd.replace(' `', '`')}\n\nMachine: {machine()}\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
