from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from laborlens.adapters.fetch import update
from laborlens.core.lists import load_bundled


def _page(n: int) -> bytes:
    def table(rows: list[str]) -> str:
        body = "".join(f"<tr><td>{r}</td><td>June 21, 2022</td></tr>" for r in rows)
        return f"<table><tr><th>Name of Entity</th><th>Effective Date</th></tr>{body}</table>"

    names = [f"Xinjiang Example Number {i} Co., Ltd." for i in range(n)]
    return ("<html>" + table(names) + table(["B"]) + table(["C"]) + table(["D"])).encode()


def test_update_stores_copy_and_screening_prefers_it(tmp_path: Path) -> None:
    def fetch(url: str) -> bytes:
        assert url == update.UFLPA_URL
        return _page(40)

    reports = update.update_lists(
        tmp_path, ["us_uflpa_entity_list"], fetch=fetch, today=date(2026, 11, 1)
    )
    assert reports[0].entries == 43 and reports[0].previous == 20
    lists = update.with_updates(load_bundled(), tmp_path)
    info = lists.info("us_uflpa_entity_list")
    assert info.complete and info.snapshot_date == date(2026, 11, 1) and info.entries == 43
    assert lists.info("us_ofac_sdn") == load_bundled().info("us_ofac_sdn")


def test_suspiciously_small_download_is_refused(tmp_path: Path) -> None:
    with pytest.raises(update.UpdateError, match="refusing to replace"):
        update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=lambda u: _page(1))
    assert not (tmp_path / "lists" / "us_uflpa_entity_list.jsonl").exists()


def test_changed_layout_and_unknown_list(tmp_path: Path) -> None:
    with pytest.raises(update.UpdateError, match="entity tables"):
        update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=lambda u: b"<html></html>")
    with pytest.raises(update.UpdateError, match="cannot update us_dol_tvpra"):
        update.update_lists(tmp_path, ["us_dol_tvpra"], fetch=lambda u: b"")


def test_tampered_download_is_detected(tmp_path: Path) -> None:
    update.update_lists(tmp_path, ["us_uflpa_entity_list"], fetch=lambda u: _page(30))
    f = tmp_path / "lists" / "us_uflpa_entity_list.jsonl"
    f.write_text(f.read_text().replace("Number 1 ", "Number 9 "))
    with pytest.raises(ValueError, match="does not match the manifest hash"):
        update.load_updated(tmp_path)
