"""The dossier: every exhibit listed, hashes verify, PDF renders, reproducible, tamper-evident."""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "core" / "evidence"))
import example_case as ex

from laborlens.adapters.io.dossier import DossierError, pdf_text, verify_dossier
from laborlens.ops.evidence import EvidenceError, EvidenceService
from laborlens.settings import Settings

PATH = "exception_request"


def _clock() -> object:
    ticks = itertools.count()
    return lambda: datetime(2026, 10, 3, 8, 0, tzinfo=UTC) + timedelta(minutes=next(ticks))


def _service(data: Path) -> EvidenceService:
    return EvidenceService(Settings(data_dir=data, user="analyst"), clock=_clock())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EvidenceService, Path]]:
    data = tmp_path_factory.mktemp("store")
    svc = _service(data)
    ex.open_case(svc)
    ex.register(svc, ex.plan(("applicability_review", "exception_request")))
    out = data / "dossier"
    svc.build_dossier(ex.CASE_ID, PATH, out, as_of=ex.AS_OF)
    yield svc, out
    svc.close()


def test_files_and_manifest(built: tuple[EvidenceService, Path]) -> None:
    svc, out = built
    names = {p.name for p in out.iterdir()}
    assert {
        "report.html",
        "report.pdf",
        "exhibits.xlsx",
        "manifest.json",
        "exhibits",
        "gaps.json",
    } <= names
    manifest, problems = verify_dossier(out)
    assert problems == ()
    docs = svc.documents(ex.CASE_ID)
    exhibits = [f for f in manifest["files"] if f["role"] == "exhibit"]
    assert sorted(f["doc_id"] for f in exhibits) == sorted(d.doc_id for d in docs)
    by_doc = {d.doc_id: d.sha256 for d in docs}
    for f in exhibits:
        assert f["sha256"] == by_doc[f["doc_id"]]
    assert manifest["ready"] is True and manifest["case_id"] == ex.CASE_ID
    assert manifest["list_versions"] and manifest["audit_anchor"]["seq"] > 0


def test_every_exhibit_is_in_the_reports_and_the_index(built: tuple[EvidenceService, Path]) -> None:
    from openpyxl import load_workbook

    _, out = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    exhibits = {f["exhibit"]: f for f in manifest["files"] if f["role"] == "exhibit"}
    html = (out / "report.html").read_text(encoding="utf-8")
    ws = load_workbook(out / "exhibits.xlsx").active
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    for ex_id, f in exhibits.items():
        assert ex_id in html and f["sha256"] in html
        assert rows[ex_id][12] == f["sha256"] and rows[ex_id][11] == f["path"]
    for section in (
        "Summary",
        "Supply chain map",
        "Exhibits by tier",
        "Mass balance",
        "Screening results",
        "Gaps",
    ):
        assert section in html
    assert "<svg" in html and "us_uflpa_entity_list" in html


def test_pdf_renders_every_page(built: tuple[EvidenceService, Path]) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    _, out = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pdf = pdfium.PdfDocument(str(out / "report.pdf"))
    assert len(pdf) >= 2
    text = ""
    for i in range(len(pdf)):
        page = pdf[i]
        image = page.render(scale=0.5).to_pil()
        assert image.width > 100 and image.height > 100
        # A rendered page is not blank: some pixels are dark.
        assert image.convert("L").getextrema()[0] < 100
        text += page.get_textpage().get_text_range()
    for f in manifest["files"]:
        if f["role"] == "exhibit":
            assert f["exhibit"] in text
    assert "Mass balance" in text and "Hanoi Garment" in text
    pdf.close()


def test_reproducible(built: tuple[EvidenceService, Path], tmp_path: Path) -> None:
    svc, out = built
    again = tmp_path / "again"
    svc.build_dossier(ex.CASE_ID, PATH, again, as_of=ex.AS_OF)
    for p in sorted(out.rglob("*")):
        if p.is_file():
            assert (again / p.relative_to(out)).read_bytes() == p.read_bytes(), p.name


def test_tampered_dossier_is_detected(built: tuple[EvidenceService, Path], tmp_path: Path) -> None:
    svc, _ = built
    out = tmp_path / "d"
    svc.build_dossier(ex.CASE_ID, PATH, out, as_of=ex.AS_OF)
    victim = sorted((out / "exhibits").iterdir())[0]
    victim.write_bytes(victim.read_bytes() + b" altered")
    (out / "exhibits" / "extra.txt").write_text("slipped in")
    _, problems = verify_dossier(out)
    assert any(victim.name in p and "changed" in p for p in problems)
    assert any("extra.txt" in p and "not listed" in p for p in problems)


def test_output_folder_rules(built: tuple[EvidenceService, Path], tmp_path: Path) -> None:
    svc, out = built
    with pytest.raises(DossierError, match="already there"):
        svc.build_dossier(ex.CASE_ID, PATH, out, as_of=ex.AS_OF)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(DossierError, match="not a dossier"):
        svc.build_dossier(ex.CASE_ID, PATH, other, as_of=ex.AS_OF)
    with pytest.raises(DossierError, match=r"no manifest\.json"):
        verify_dossier(other)


def test_altered_stored_exhibit_refuses_the_build(tmp_path: Path) -> None:
    svc = _service(tmp_path / "data")
    ex.open_case(svc)
    docs = ex.register(svc, ex.plan()[:3])
    stored = svc.store.files.path_of(docs[0].sha256)
    os.chmod(stored, 0o644)
    stored.write_bytes(b"forged")
    with pytest.raises(EvidenceError, match=r"no longer matches|modified"):
        svc.build_dossier(ex.CASE_ID, PATH, tmp_path / "out", as_of=ex.AS_OF)
    rep = svc.gaps(ex.CASE_ID, PATH, as_of=ex.AS_OF)
    assert rep.gaps[0].kind == "altered"
    svc.close()


def test_strict_build_refuses_blocking_gaps(tmp_path: Path) -> None:
    svc = _service(tmp_path / "data")
    ex.open_case(svc)
    with pytest.raises(EvidenceError, match="blocking gap"):
        svc.build_dossier(ex.CASE_ID, PATH, tmp_path / "out", allow_gaps=False)
    svc.close()


def test_pdf_text_transliterates() -> None:
    assert pdf_text("新疆 → Ürümqi").startswith("xin jiang")
    pdf_text("Ürümqi").encode("latin-1")
