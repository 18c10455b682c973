"""The dossier PDF as a reader gets it: paper size, contents with true page numbers, a draft
stamp until the gaps are closed, Chinese names printed as written, and a build without fonts."""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "core" / "evidence"))
import example_case as ex

from laborlens.adapters.io.dossier import pdf_sections
from laborlens.adapters.io.fonts import FontSet, find_fonts
from laborlens.ops.evidence import EvidenceService
from laborlens.settings import Settings

pdfium = pytest.importorskip("pypdfium2")

PATH = "exception_request"
LETTER, A4 = (612.0, 792.0), (595.3, 841.9)
CHINESE = "越南西贡纺纱有限公司"
UYGHUR = "ئۈرۈمچى پاختا شىركىتى"
HEBREW = "שלום טקסטיל בע״מ"


def _service(data: Path) -> EvidenceService:
    ticks = itertools.count()
    clock = lambda: datetime(2026, 10, 3, 8, 0, tzinfo=UTC) + timedelta(minutes=next(ticks))  # noqa: E731
    return EvidenceService(Settings(data_dir=data, user="analyst"), clock=clock)  # type: ignore[arg-type]


def _pages(pdf_path: Path) -> list[tuple[tuple[float, float], str]]:
    """(size in points, text) of each page."""
    doc = pdfium.PdfDocument(str(pdf_path))
    out = [(doc[i].get_size(), doc[i].get_textpage().get_text_range()) for i in range(len(doc))]
    doc.close()
    return out


def _odd_chain(tmp: Path) -> Path:
    """The example chain with a Chinese, a Uyghur, a Hebrew and a 300-letter party name."""
    data = json.loads(ex.CHAIN.read_text(encoding="utf-8"))
    names = {
        "SPIN": CHINESE,
        "KNIT": UYGHUR,
        "GIN": HEBREW,
        "FARM": ("Very Long Name Cotton Growers Cooperative of the Plains " * 6)[:300],
    }
    for n in data["nodes"]:
        n["name"] = names.get(n["id"], n["name"])
    path = tmp / "chain.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ready(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EvidenceService, Path]]:
    data = tmp_path_factory.mktemp("ready")
    svc = _service(data)
    ex.open_case(svc)
    ex.register(svc, ex.plan(("applicability_review", "exception_request")))
    svc.build_dossier(ex.CASE_ID, PATH, data / "out", as_of=ex.AS_OF)
    yield svc, data / "out"
    svc.close()


def _draft(data: Path, chain: Path | None = None, **build: Any) -> tuple[Any, Path]:
    """A case with no exhibit at all, built anyway."""
    svc = _service(data)
    if chain is None:
        ex.open_case(svc)
    else:
        svc.create_case(ex.CASE_ID, chain, title="Cotton T-shirts detained at Los Angeles")
    res = svc.build_dossier(ex.CASE_ID, PATH, data / "out", as_of=ex.AS_OF, **build)
    svc.close()
    return res, data / "out"


def test_ready_dossier_on_us_letter_with_cover_contents_and_attestation(
    ready: tuple[EvidenceService, Path],
) -> None:
    _, out = ready
    pages = _pages(out / "report.pdf")
    assert all(abs(w - LETTER[0]) < 1 and abs(h - LETTER[1]) < 1 for (w, h), _ in pages)
    cover = pages[0][1]
    assert cover.startswith("READY TO SUBMIT: no blocking gaps")
    for fact in ("Importer", "Example Apparel Inc.", "ABC-1234567-8", "Requested path"):
        assert fact in cover
    assert "DRAFT" not in "".join(text for _, text in pages)
    assert all(f"page {i} of {len(pages)}" in text for i, (_, text) in enumerate(pages, 1))
    assert any("I certify that I am authorised" in text for _, text in pages)


def test_contents_give_the_page_each_section_starts_on(ready: tuple[EvidenceService, Path]) -> None:
    _, out = ready
    pages = _pages(out / "report.pdf")
    assert "Contents" in pages[1][1]
    entries = re.findall(r"^(\d\. [^.\n]+?) \.{2,} (\d+)\s*$", pages[1][1], flags=re.M)
    titles = [t for t, _ in entries]
    assert titles[:3] == ["1. Summary", "2. Supply chain map", "3. Exhibits by tier"]
    assert any(t.startswith("7. Attestation") for t in titles)
    for title, page in entries:
        body = re.sub(r"\s+", " ", pages[int(page) - 1][1])
        assert title in body, (title, page)


def test_exhibit_index_shows_titles_not_file_names(ready: tuple[EvidenceService, Path]) -> None:
    _, out = ready
    text = " ".join(t for _, t in _pages(out / "report.pdf"))
    assert "Forced-labour due diligence policy" in text
    assert "(file dd_policy.txt)" in text  # the file name kept, after the title


def test_draft_says_so_on_page_one_and_every_page(tmp_path: Path) -> None:
    res, out = _draft(tmp_path)
    gaps = json.loads((out / "gaps.json").read_text(encoding="utf-8"))
    blocking = sum(1 for g in gaps["gaps"] if g["severity"] == "blocking")
    assert blocking > 0 and not res.exhibits
    pages = _pages(out / "report.pdf")
    stamp = f"DRAFT — NOT SUBMITTABLE: {blocking} blocking gaps"
    assert pages[0][1].startswith(stamp)
    assert all(stamp in text for _, text in pages)
    title = next(line for line in pages[0][1].splitlines() if "exception request" in line)
    assert title.startswith("DRAFT ")
    assert "nexus" not in pages[0][1] and "Claim:" not in pages[0][1]


def test_a4_on_request(tmp_path: Path) -> None:
    _, out = _draft(tmp_path, paper="a4")
    (w, h), _ = _pages(out / "report.pdf")[0]
    assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1


@pytest.mark.skipif(
    find_fonts().cjk is None or find_fonts().text is None,
    reason="no DejaVu or CJK font installed (fonts-dejavu-core, fonts-wqy-microhei)",
)
def test_chinese_names_print_as_written(tmp_path: Path) -> None:
    res, out = _draft(tmp_path, chain=_odd_chain(tmp_path))
    assert res.warnings == ()
    text = "".join(t for _, t in _pages(out / "report.pdf"))
    flat = re.sub(r"\s", "", text)
    assert CHINESE in flat and "xigong" not in flat.lower()
    assert "VeryLongNameCottonGrowers" in flat  # the 300-letter name wrapped, printed in full
    raw = (out / "report.pdf").read_bytes()
    assert b"/FontFile2" in raw  # fonts embedded (subset TrueType), not referenced


def test_without_fonts_the_dossier_builds_and_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_sections, "find_fonts", lambda: FontSet(None, None, None))
    res, out = _draft(tmp_path, chain=_odd_chain(tmp_path))
    assert any("no CJK font" in w for w in res.warnings)
    assert any("no Unicode text font" in w for w in res.warnings)
    pages = _pages(out / "report.pdf")
    flat = re.sub(r"\s", "", " ".join(t for _, t in pages)).lower()
    assert "yuenanxigong" in flat  # Chinese transliterated, not dropped
    assert "nocjkfontfound" in flat  # and the cover says so


def test_dated_and_undated_documents_of_one_type_are_listed(tmp_path: Path) -> None:
    svc = _service(tmp_path / "store")
    ex.open_case(svc)
    for i, day in enumerate((date(2026, 5, 1), None, date(2026, 4, 1))):
        p = tmp_path / f"invoice{i}.txt"
        p.write_text(f"invoice {i}", encoding="utf-8")
        svc.register(p, "commercial_invoice", case_id=ex.CASE_ID, doc_date=day)
    res = svc.build_dossier(ex.CASE_ID, PATH, tmp_path / "out", as_of=ex.AS_OF)
    svc.close()
    manifest = json.loads((res.output / "manifest.json").read_text(encoding="utf-8"))
    listed = [f for f in manifest["files"] if f["role"] == "exhibit"]
    order = [f["doc_id"] for f in sorted(listed, key=lambda f: f["exhibit"])]
    assert order == ["D0002", "D0003", "D0001"]  # undated, April, May


@pytest.mark.parametrize(
    ("name", "cjk", "shaped"),
    [("Example Apparel Inc.", False, False), (CHINESE, True, False), (UYGHUR, False, True)],
)
def test_cjk_font_and_shaping_only_when_the_text_needs_them(
    name: str, cjk: bool, shaped: bool
) -> None:
    from laborlens.adapters.io.dossier.pdf import Report

    fonts = find_fonts()
    if fonts.text is None or fonts.cjk is None:
        pytest.skip("no DejaVu or CJK font installed")
    ctx = {"title": "t", "prepared_by": "a", "version": "0", "ready": True, "status": "s"}
    doc = Report({**ctx, "parties": [{"name": name}]}, None, fonts)
    try:
        assert ("cjk" in doc.pdf.fonts) is cjk
        assert bool(doc.pdf.text_shaping) is shaped
    finally:
        doc.close()
