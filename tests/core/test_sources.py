from __future__ import annotations

import pytest

from laborlens.core import sources

UFLPA_HEADER = (
    "entity_name,aliases,location_as_given,uflpa_sublist,effective_date,"
    "federal_register_notice,name_form,source\n"
)


def test_bad_row_fails_loudly_naming_file_and_row() -> None:
    with pytest.raises(sources.SourceError, match=r"u\.csv row 1: empty entity_name"):
        sources.parse_uflpa_csv(UFLPA_HEADER + ",,,,2024-01-01,,,\n", "u.csv")
    with pytest.raises(ValueError):
        sources.parse_uflpa_csv(UFLPA_HEADER + "A Co,,,,2024-31-01,,,\n", "u.csv")


def test_cbp_name_splitting() -> None:
    names = sources._split_cbp_names("Fuchu Prison; Union Kogyo Co., Ltd.")
    names += sources._split_cbp_names("A Co., Ltd. and B Trade and Business Co., Ltd.")
    names += sources._split_cbp_names(
        "Yunnan Machinery, a/k/a Golden Horse, a/k/a Yunnan 1st Prison"
    )
    assert names == [
        "Fuchu Prison",
        "Union Kogyo Co., Ltd.",
        "A Co., Ltd.",
        "B Trade and Business Co., Ltd.",
        "Yunnan Machinery",
        "Golden Horse",
        "Yunnan 1st Prison",
    ]


def test_country_codes() -> None:
    assert sources.country_code("China") == "CN"
    assert sources.country_code("Korea, North") == "KP"
    assert sources.country_code("cn") == "CN"
    assert sources.country_code("Atlantis") is None


def test_ofac_orphan_alias_is_an_error() -> None:
    sdn = '1,"ACME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
    alt = '2,1,"aka","OTHER",-0- \n'
    with pytest.raises(sources.SourceError, match="unknown ent_num"):
        sources.parse_ofac(sdn, "", alt)
    out = sources.parse_ofac(sdn + "\x1a\n", '1,1,"Main St","Kashgar","China",-0- \n', "")
    assert out[0]["countries"] == ["CN"] and out[0]["addresses"] == ["Main St, Kashgar, China"]


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td>{n}</td><td>{d}</td></tr>" for n, d in rows)
    return f"<table><tr><th>Name of Entity</th><th>Effective Date</th></tr>{body}</table>"


def test_dhs_page_layout() -> None:
    # Layout per shared/data/SOURCES.md §5: four tables, clauses (i), (ii), (iv), (v).
    html = "<html><body><h2>UFLPA Entity List</h2>" + "".join(
        [
            _table(
                [
                    (
                        "Aksu Huafu Color Spinning Co., Ltd. (also known as Aksu Huafu Textiles "
                        "Co., Ltd.; Akesu Huafu; and Akesu Huafu Melange Yarn Co., Ltd.)",
                        "June 21, 2022",
                    ),
                    (
                        "Hetian Haolin Hair Accessories Co. Ltd. (and two aliases: Hotan Haolin "
                        "Hair Accessories; and Hollin Hair Accessories)",
                        "June 21, 2022",
                    ),
                ]
            ),
            _table([("Xinjiang Zhongtai Group (and subsidiaries)", "June 9, 2023")]),
            _table([("Aksu Huafu Color Spinning Co., Ltd.", "June 21, 2022")]),
            _table([("Xinjiang Production and Construction Corps", "June 21, 2022")]),
        ]
    )
    entries = sources.parse_uflpa_html(html)
    by_name = {e["name"]: e for e in entries}
    huafu = by_name["Aksu Huafu Color Spinning Co., Ltd."]
    assert huafu["aliases"] == [
        "Aksu Huafu Textiles Co., Ltd.",
        "Akesu Huafu",
        "Akesu Huafu Melange Yarn Co., Ltd.",
    ]
    assert huafu["programs"] == ["2(d)(2)(B)(i)", "2(d)(2)(B)(iv)"]
    assert by_name["Hetian Haolin Hair Accessories Co. Ltd."]["aliases"] == [
        "Hotan Haolin Hair Accessories",
        "Hollin Hair Accessories",
    ]
    zt = by_name["Xinjiang Zhongtai Group"]
    assert zt["subsidiaries"] and zt["effective_date"] == "2023-06-09"
    assert len(entries) == 4


def test_dhs_page_with_changed_layout_is_refused() -> None:
    with pytest.raises(sources.SourceError, match="expected 4 entity tables"):
        sources.parse_uflpa_html(_table([("A", "June 21, 2022")]))
