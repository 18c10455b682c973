"""The DHS UFLPA Entity List page: cells, the three-table layout, dates, revisions, bad pages."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from laborlens.core.sources import SourceError, uflpa
from laborlens.core.sources.uflpa import parse_cell, parse_uflpa_html


def _table(rows: list[tuple[str, str]], header: str = "Name of Entity") -> str:
    body = "".join(f"<tr><td>{n}</td><td>{d}</td></tr>" for n, d in rows)
    return f"<table><thead><tr><th>{header}</th><th>Effective Date</th></tr></thead>{body}</table>"


def _page(sections: list[tuple[str, list[tuple[str, str]], str]]) -> str:
    parts = []
    for section, rows, header in sections:
        parts.append(f"<p><strong>A list</strong><br><a>Section 2(d)(2)(B)({section})</a></p>")
        parts.append(_table(rows, header) if rows is not None else "<p>none yet</p>")
    return "<html><body><h1>UFLPA Entity List</h1>" + "".join(parts) + "</body></html>"


def _many(n: int, day: str = "June 21, 2022") -> list[tuple[str, str]]:
    return [(f"Example Listed Company {i} Co., Ltd.", day) for i in range(n)]


def test_cells_split_aliases_former_names_and_scope() -> None:
    c = parse_cell(
        "Hoshine Silicon Industry (Shanshan) Co., Ltd (including one alias: Hesheng Silicon "
        "Industry (Shanshan) Co.) and subsidiaries"
    )
    assert c.name == "Hoshine Silicon Industry (Shanshan) Co., Ltd"
    assert c.aliases == ("Hesheng Silicon Industry (Shanshan) Co.",) and c.scope == "subsidiaries"
    c = parse_cell(
        "Hongyuan Green Energy Co., Ltd. (also known as HY Solar; and Hoyuan Green Energy Co. "
        "Ltd. and formerly known as Wuxi Shangji CNC Co., Ltd.; Wuxi Shangji Automation Co., "
        "Ltd.; and Wuxi Shangji Grinding Machine Co., Ltd.)"
    )
    assert c.aliases == ("HY Solar", "Hoyuan Green Energy Co. Ltd.")
    assert c.former == (
        "Wuxi Shangji CNC Co., Ltd.",
        "Wuxi Shangji Automation Co., Ltd.",
        "Wuxi Shangji Grinding Machine Co., Ltd.",
    )
    c = parse_cell(
        "Jiangyin Lianyun Co. Ltd. (also known as Jiangyin Intermodal Transport Co. and "
        "Jiangyin United Transport Co.)"
    )
    assert c.aliases == ("Jiangyin Intermodal Transport Co.", "Jiangyin United Transport Co.")
    # "and" inside a name is not a separator
    c = parse_cell(
        "Heze Cotton and Linen Economic and Trade Development Corporation (also known as Heze "
        "Cotton and Linen Trading Development General Company)"
    )
    assert c.aliases == ("Heze Cotton and Linen Trading Development General Company",)
    c = parse_cell(
        "Xinjiang Production and Construction Corps (XPCC) and its subordinate and affiliated "
        "entities"
    )
    assert (c.name, c.aliases, c.scope) == (
        "Xinjiang Production and Construction Corps",
        ("XPCC",),
        "subordinate and affiliated entities",
    )
    # a parenthesis that is part of the name stays
    assert parse_cell("Kashgar Construction Engineering (Group) Co., Ltd.").name == (
        "Kashgar Construction Engineering (Group) Co., Ltd."
    )


def test_three_tables_both_header_spellings_and_merged_sections() -> None:
    html = _page(
        [
            (
                "i",
                [
                    (
                        "Xinjiang Daqo New Energy, Co. Ltd (including three aliases: A Co.; B Co.; "
                        "and C Co.)",
                        "June 21, 2022",
                    ),
                    *_many(10),
                ],
                "Name of Entity",
            ),
            (
                "ii",
                [*_many(12, "December 11, 2023")[10:], ("Other Co., Ltd.", "May 17, 2024")],
                "Name of Entity",
            ),
            ("iv", None, ""),
            (
                "v",
                [
                    (
                        "Xinjiang Daqo New Energy Co., Ltd. (also known as A Co.; B Co.; "
                        "and C Co.)",
                        "November 25, 2024",
                    ),
                    *_many(25),
                ],
                "Entity Name",
            ),
        ]
    )
    entries = {e["name"]: e for e in parse_uflpa_html(html)}
    daqo = entries["Xinjiang Daqo New Energy Co., Ltd."]
    assert daqo["programs"] == ["2(d)(2)(B)(i)", "2(d)(2)(B)(v)"]
    assert daqo["effective_date"] == "2022-06-21"  # the earliest listing
    assert daqo["properties"]["listed_2(d)(2)(B)(v)"] == "2024-11-25"
    assert {"A Co.", "B Co.", "C Co."} <= set(daqo["aliases"])
    assert daqo["name_since"] == {}  # every name printed already on the first row
    # the same entity in (ii) with a later date keeps its first date, both sections listed
    ex = entries["Example Listed Company 10 Co., Ltd."]
    assert ex["programs"] == ["2(d)(2)(B)(ii)", "2(d)(2)(B)(v)"]
    assert ex["effective_date"] == "2022-06-21"


def test_a_later_row_adds_a_name_that_applies_from_its_date() -> None:
    html = _page(
        [
            ("i", [("Acme Cotton Co., Ltd.", "June 21, 2022"), *_many(20)], "Name of Entity"),
            (
                "v",
                [("Acme Cotton Co., Ltd. (also known as Acme Textiles)", "May 17, 2024")],
                "Entity Name",
            ),
        ]
    )
    acme = next(e for e in parse_uflpa_html(html) if e["name"] == "Acme Cotton Co., Ltd.")
    assert acme["effective_date"] == "2022-06-21"
    assert acme["name_since"] == {"Acme Textiles": "2024-05-17"}


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("", "expected entity tables"),
        (
            "<html><body><table><tr><td>layout</td></tr></table></body></html>",
            "expected entity tables",
        ),
        # the columns swapped
        (
            _page([("i", [("June 21, 2022", "A Co.")], "Effective Date")]),
            "expected the header 'Name of Entity' or 'Entity Name'",
        ),
        # a list table without its section label
        ("<html>UFLPA" + _table(_many(30)) + "</html>", "expected a 'Section 2(d)(2)(B)"),
        # truncated inside the last table
        (_page([("i", _many(30), "Name of Entity")])[:-60], "the page is truncated"),
        (
            _page([("i", [("A Co.", "sometime in 2022")], "Name of Entity")]),
            "expected a date like 'June 21, 2022'",
        ),
        (_page([("i", _many(5), "Name of Entity")]), "expected at least 20 entities, found 5"),
        (
            _page([("i", _many(25), "Name of Entity"), ("i", _many(3), "Name of Entity")]),
            "section (i) has two tables",
        ),
    ],
)
def test_bad_pages_are_refused_naming_what_was_expected(html: str, expected: str) -> None:
    with pytest.raises(SourceError, match=re.escape(expected)):
        parse_uflpa_html(html, "page.html")


# --- the official page ---------------------------------------------------------------------------


def test_official_page_three_tables_160_rows_144_entities(dhs_page: str) -> None:
    entities, updated, rows = uflpa.read_rows(dhs_page)
    assert (len(entities), rows, updated) == (144, 160, date(2025, 1, 14))
    entries = parse_uflpa_html(dhs_page)
    assert len(entries) == 144
    sections = Counter(p for e in entries for p in e["programs"])
    assert sections == {"2(d)(2)(B)(i)": 9, "2(d)(2)(B)(ii)": 43, "2(d)(2)(B)(v)": 108}


def test_official_page_facts_from_the_sources_readme(dhs_page: str) -> None:
    by_name = {e["name"]: e for e in parse_uflpa_html(dhs_page)}
    daqo = by_name["Xinjiang Daqo New Energy Co., Ltd."]
    assert daqo["effective_date"] == "2022-06-21"
    assert daqo["properties"]["listed_2(d)(2)(B)(i)"] == "2022-06-21"
    assert daqo["properties"]["listed_2(d)(2)(B)(v)"] == "2024-11-25"
    assert {
        "Xinjiang Great New Energy Co., Ltd.",
        "Xinjiang Daxin Energy Co., Ltd.",
        "Xinjiang Daqin Energy Co., Ltd.",
    } <= set(daqo["aliases"])
    for name in (
        "COFCO Sugar Holdings Co., Ltd.",
        "Sichuan Jingweida Technology Group Co., Ltd.",
        "Anhui Xinya New Materials Co., Ltd.",
    ):
        assert by_name[name]["programs"] == ["2(d)(2)(B)(ii)"]
        assert by_name[name]["effective_date"] == "2023-12-11"
    assert (
        "Chaohu Youngor Color Spinning Technology Co., Ltd."
        in (by_name["Anhui Xinya New Materials Co., Ltd."]["former_names"])
    )


# DHS's announcements: entities added on each date (releases and notices cited in
# resources/lists/uflpa_history.yaml and uflpa_notices.yaml)
ANNOUNCED = {
    date(2023, 8, 2): 3,  # 88 FR 50902: one entity in (ii), one entity and one subsidiary in (v)
    date(2023, 9, 27): 3,
    date(2023, 12, 11): 3,
    date(2024, 5, 17): 26,  # 89 FR 43417: "adds twenty-six entities"
    date(2024, 8, 9): 5,
    date(2024, 10, 3): 2,
    date(2024, 11, 25): 29,
    date(2025, 1, 15): 37,
}


def _first_dates(dhs_page: str) -> Counter[date]:
    return Counter(date.fromisoformat(e["effective_date"]) for e in parse_uflpa_html(dhs_page))


def test_listing_dates_match_every_announced_batch(dhs_page: str) -> None:
    first = _first_dates(dhs_page)
    assert {d: first[d] for d in ANNOUNCED} == ANNOUNCED
    running = 0
    totals = {}
    for d in sorted(first):
        running += first[d]
        totals[d] = running
    assert totals[date(2024, 11, 25)] == 107 and totals[date(2025, 1, 15)] == 144


def test_without_the_revision_history_three_batches_are_off_by_one(
    dhs_page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uflpa, "_history", lambda: {})
    first = _first_dates(dhs_page)
    off = {d for d in ANNOUNCED if first[d] != ANNOUNCED[d]}
    assert off == {date(2024, 10, 3), date(2024, 11, 25), date(2025, 1, 15)}
