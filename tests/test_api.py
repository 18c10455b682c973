"""The Python API (laborlens.ops.screening): screen, screen_files, load_lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborlens.core.lists import ListError
from laborlens.core.model import Record
from laborlens.ops.screening import (
    InputError,
    index_for,
    load_lists,
    load_lists_checked,
    screen,
    screen_files,
)
from laborlens.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = date(2026, 6, 30)


def test_screen_mappings_with_synonyms() -> None:
    out = screen(
        [
            {"supplier_name": "Xinjiang Daqo New Energy Co., Ltd.", "buyer": "Ann"},
            {"地址": "新疆乌鲁木齐市天山区"},
            {"buyer": "nobody"},
        ],
        as_of=DAY,
    )
    assert [r.row for r in out] == [1, 2, 3]
    assert out[0].risk == "high"
    assert any(
        f.kind == "listed_entity" and f.list == "us_uflpa_entity_list" and f.match == "strong"
        for f in out[0].findings
    )
    assert out[0].extra == (("buyer", "Ann"),)
    assert any(f.kind == "region" and f.region == "CN-XJ" for f in out[1].findings)
    assert out[2].errors and out[2].risk == "none"
    assert all(r.as_of == DAY for r in out)


def test_screen_records_and_list_restriction() -> None:
    rec = Record(row=9, id="X", name="Hoshine Silicon Industry Co., Ltd.")
    only_wro = screen([rec], lists=["us_cbp_wro_findings"], as_of=DAY)[0]
    assert only_wro.id == "X" and only_wro.row == 9
    assert {f.list for f in only_wro.findings if f.list} == {"us_cbp_wro_findings"}
    none = screen([rec], lists="us_dol_tvpra", as_of=DAY)[0]
    assert not [f for f in none.findings if f.kind == "listed_entity"]


def test_load_lists() -> None:
    assert load_lists().ids()[:5] == (
        "us_uflpa_entity_list",
        "us_cbp_wro_findings",
        "us_ofac_sdn",
        "us_bis_entity_list",
        "us_dol_tvpra",
    )
    assert load_lists(lists="us_ofac_sdn, us_dol_tvpra").ids() == ("us_ofac_sdn", "us_dol_tvpra")
    with pytest.raises(ListError, match="unknown list id 'nope'"):
        load_lists(lists=["nope"])


def test_user_list_and_skipped_rows(tmp_path: Path) -> None:
    path = tmp_path / "my-watch.csv"
    path.write_text("name,aliases,address\nAcme Widgets Ltd,Acme,\n,,Beijing\n", encoding="utf-8")
    loaded = load_lists_checked([path], lists=["my-watch"])
    assert loaded.lists.ids() == ("my-watch",)
    assert len(loaded.errors) == 1 and loaded.errors[0].row == 2
    hit = screen([{"name": "Acme Widgets Ltd"}], lists=loaded.lists, as_of=DAY)[0]
    assert any(f.list == "my-watch" for f in hit.findings)
    empty = tmp_path / "empty-names.csv"
    empty.write_text("name,id\n,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="no usable list entry"):
        load_lists([empty])


def test_screen_files_streams_in_order_and_matches_screen() -> None:
    results = list(
        screen_files([EXAMPLES / "suppliers.csv"], as_of=DAY, settings=Settings(workers=1))
    )
    assert len(results) == 55
    assert [r.row for r in results] == list(range(1, 56))
    direct = screen(
        [Record(row=1, id="S-001", name="Xinjiang Daqo New Energy Co., Ltd.")], as_of=DAY
    )[0]
    assert results[0].risk == direct.risk == "high"


def test_screen_files_checks_every_file_first(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing.csv"):
        screen_files([EXAMPLES / "suppliers.csv", tmp_path / "missing.csv"], as_of=DAY)


def test_index_is_cached_per_list_set() -> None:
    lists = load_lists()
    assert index_for(lists) is index_for(lists)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["name", "address", "lat", "hs_code", "x"]),
            st.text(max_size=40),
            max_size=5,
        ),
        max_size=6,
    )
)
def test_one_result_per_row_whatever_the_input(rows: list[dict[str, str]]) -> None:
    out = screen(rows, as_of=DAY)
    assert len(out) == len(rows)
    assert [r.row for r in out] == list(range(1, len(rows) + 1))
    for r in out:
        assert r.risk in ("high", "medium", "low", "none")
        assert len(r.regimes) == 5


def test_top_level_package_exposes_the_api() -> None:
    import laborlens

    assert laborlens.screen is screen
    assert laborlens.screen_files is screen_files
    assert laborlens.load_lists is load_lists
