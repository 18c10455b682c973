"""The chain drawing: no overlapping labels, full names, rendered on a page and read back."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from laborlens.adapters.io.chain_views import (
    Drawing,
    chain_view,
    dot_available,
    draw_svg,
    layout,
    trace_view,
)
from laborlens.adapters.io.chain_views.geometry import PAD
from laborlens.adapters.io.fonts import text_width
from laborlens.core import rules
from laborlens.core.chain import build_chain, trace_chain
from laborlens.core.model import ScreenResult
from laborlens.ops.tracing import load_chain, trace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "chains"
CHAINS = {
    "solar": EXAMPLES / "solar" / "chain.json",
    "cotton_apparel": EXAMPLES / "cotton_apparel",
    "aluminium_auto": EXAMPLES / "aluminium_auto" / "chain.json",
    "evidence": ROOT / "examples" / "evidence" / "chain.json",
}
ENGINES = [
    "layered",
    pytest.param("dot", marks=pytest.mark.skipif(not dot_available(), reason="no dot")),
]


def _assert_clean(d: Drawing) -> None:
    """Nothing overlaps; every line fits its box; nothing is drawn outside the canvas."""
    rects = d.text_rects()
    for i, (a, ra) in enumerate(rects):
        assert ra.x >= 0 and ra.y >= 0 and ra.x + ra.w <= d.width + 0.5, a
        assert ra.y + ra.h <= d.height + 0.5, a
        for b, rb in rects[i + 1 :]:
            assert not ra.overlaps(rb), f"{a} overlaps {b}"
    for b in d.boxes:
        for t in b.lines:
            assert text_width(t.text, t.size, t.bold) <= b.rect.w - 2 * PAD + 0.5, t.text
            assert b.rect.y < t.y < b.rect.y + b.rect.h
    for x in d.links:
        if x.label is not None:
            for t in x.lines:
                assert text_width(t.text, t.size) <= x.label.w + 0.5


def _names_whole(d: Drawing) -> None:
    """Each party's first line, wrapped, reads back as its full name."""
    for b in d.boxes:
        if b.box.collapsed:
            continue
        bold = "".join(t.text for t in b.lines if t.bold)
        assert re.sub(r"\s", "", bold) == re.sub(r"\s", "", b.box.lines[0])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("name", sorted(CHAINS))
def test_example_chains_draw_cleanly(name: str, engine: str, direction: str) -> None:
    if name == "evidence":
        chain = load_chain(CHAINS[name], require_ids=True)
        view = chain_view(chain, chain.tiers())
    else:
        view = trace_view(trace(CHAINS[name], as_of=date(2025, 12, 1)))
    d = layout(view, engine=engine, direction=direction)
    assert d.engine == engine
    _assert_clean(d)
    _names_whole(d)
    assert len(d.links) == len(view.links)
    labelled = [x for x in d.links if x.link.label]
    assert all(x.label is not None for x in labelled)
    svg = draw_svg(d)
    ET.fromstring(svg)
    assert svg.count("<polygon") == len(view.links)  # one arrowhead per flow


def _pdf_of(d: Drawing) -> bytes:
    from fpdf import FPDF

    from laborlens.adapters.io.dossier import pdf_chain
    from laborlens.adapters.io.dossier.pdf import close_fonts
    from laborlens.adapters.io.fonts import find_fonts

    fonts = find_fonts()
    pdf = FPDF(unit="mm", format=(d.width * pdf_chain.PT + 10, d.height * pdf_chain.PT + 10))
    pdf.add_page()
    if fonts.text:
        pdf.add_font("body", "", str(fonts.text))
        pdf.add_font("body", "B", str(fonts.bold))
        pdf.set_font("body", "", 8)
        if fonts.cjk:
            pdf.add_font("cjk", "", str(fonts.cjk), collection_font_number=0)
            pdf.add_font("cjk", "B", str(fonts.cjk), collection_font_number=0)
            pdf.set_fallback_fonts(["cjk"], exact_match=False)
    else:
        pdf.set_font("Helvetica", "", 8)
    pdf_chain.draw(pdf, d, 5, 5, scale=1.0, text=lambda s: s)
    out = bytes(pdf.output())
    close_fonts(pdf)
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", ["cotton_apparel", "solar"])
def test_rendered_page_has_no_overlapping_text(name: str, engine: str, tmp_path: Path) -> None:
    """The drawing printed in a PDF, rendered to PNG, read back: text runs never overlap."""
    pdfium = pytest.importorskip("pypdfium2")
    d = layout(trace_view(trace(CHAINS[name], as_of=date(2025, 12, 1))), engine=engine)
    doc = pdfium.PdfDocument(_pdf_of(d))
    page = doc[0]
    image = page.render(scale=1.5).to_pil()
    image.save(tmp_path / f"{name}.png")
    assert image.convert("L").getextrema()[0] < 100  # something dark is drawn
    text = page.get_textpage()
    rects = [text.get_rect(i) for i in range(text.count_rects())]
    assert len(rects) >= len(d.boxes)
    for i, (l1, b1, r1, t1) in enumerate(rects):
        for l2, b2, r2, t2 in rects[i + 1 :]:
            inter_w = min(r1, r2) - max(l1, l2)
            inter_h = min(t1, t2) - max(b1, b2)
            assert inter_w <= 0.6 or inter_h <= 0.6, ((l1, b1, r1, t1), (l2, b2, r2, t2))
    read = re.sub(r"\s", "", text.get_text_range())
    for b in d.boxes:
        assert re.sub(r"\s", "", b.box.lines[0]) in read
    doc.close()


def _odd_chain(n_plain: int = 0) -> dict[str, list[dict[str, object]]]:
    long_name = ("Very Long Name Trading and Manufacturing Company " * 7)[:300]
    nodes: list[dict[str, object]] = [
        {"id": "xj", "name": "新疆大全新能源股份有限公司", "address": "新疆石河子"},
        {"id": "ug", "name": "ئۈرۈمچى پاختا شىركىتى", "country": "CN"},
        {"id": "he", "name": "שלום טקסטיל בע״מ", "country": "IL"},
        {"id": "long", "name": long_name, "country": "VN"},
        {"id": "word", "name": "X" * 300, "country": "VN"},
        {"id": "buyer", "name": "Buyer Inc.", "role": "importer", "country": "US"},
    ]
    edges: list[dict[str, object]] = [
        {"from": "xj", "to": "long", "product": "polysilicon", "quantity": 2_700_000, "unit": "kg"},
        {"from": "ug", "to": "long", "product": "cotton", "quantity": 12, "unit": "t"},
        {"from": "he", "to": "word", "product": "yarn", "date": "2025-03-01"},
        {"from": "long", "to": "buyer", "product": "goods"},
        {"from": "word", "to": "buyer", "product": "goods"},
    ]
    for i in range(n_plain):
        nodes.append({"id": f"p{i}", "name": f"Plain supplier {i}", "country": "VN"})
        edges.append({"from": f"p{i}", "to": f"p{i + 1}" if i % 7 else "word", "product": "parts"})
    return {"nodes": nodes, "edges": edges}


def _screened(data: dict[str, list[dict[str, object]]]) -> object:
    from laborlens.core.model import Finding

    ch = build_chain(data["nodes"], data["edges"])
    xj = Finding(kind="region", region="CN-XJ", label="Xinjiang", why="address")
    screened = [
        ScreenResult(row=n.record.row, id=n.id, risk="none", findings=(xj,) if n.id == "xj" else ())
        for n in ch.nodes
    ]
    return trace_chain(ch, screened, rules.load_regimes(), date(2025, 6, 1))


@pytest.mark.parametrize("engine", ENGINES)
def test_odd_names_wrap_whole_and_scripts_survive(engine: str) -> None:
    res = _screened(_odd_chain())
    d = layout(trace_view(res), engine=engine)  # type: ignore[arg-type]
    _assert_clean(d)
    _names_whole(d)
    svg = draw_svg(d)
    for text in ("新疆大全新能源股份有限公司", "2.7 million kg"):
        assert text in svg
    long_box = next(b for b in d.boxes if b.box.id == "word")
    assert len([t for t in long_box.lines if t.bold]) >= 10  # 300 letters wrapped, not cut


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_500_parties_collapse_and_draw(engine: str) -> None:
    """A 500-party chain: drawn (collapsed by tier past 150 parties), nothing overlaps."""
    res = _screened(_odd_chain(n_plain=500))
    view = trace_view(res)  # type: ignore[arg-type]
    assert len(view.boxes) <= 160 and any(b.collapsed for b in view.boxes)
    members = sum(b.collapsed for b in view.boxes)
    assert members + sum(1 for b in view.boxes if not b.collapsed) == 506
    d = layout(view, engine=engine)
    _assert_clean(d)


def test_fallback_when_dot_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken or missing dot never breaks a report: the layered layout draws instead."""
    from laborlens.adapters.io.chain_views import dot

    monkeypatch.setattr(dot, "_source", lambda *a, **k: "this is not dot {")
    chain = load_chain(CHAINS["evidence"], require_ids=True)
    d = layout(chain_view(chain, chain.tiers()), engine="dot")
    assert d.engine == "layered"
    _assert_clean(d)


def test_edge_labels_say_product_quantity_and_date() -> None:
    data = json.loads((CHAINS["aluminium_auto"]).read_text(encoding="utf-8"))
    view = trace_view(trace(data, as_of=date(2025, 12, 1)))
    labels = [" ".join(x.label) for x in view.links if x.type == "material"]
    assert any(re.search(r"\d[\d,.]* (t|kg) · 20\d\d", label) for label in labels), labels
