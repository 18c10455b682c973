"""OFAC's SDN file and the BIS Entity List: aliases, countries, Xinjiang rules, bad files."""

from __future__ import annotations

import csv
import io
import re

import pytest

from laborlens.core.sources import SourceError
from laborlens.core.sources.bis import citations, parse_bis_json, parse_csl_csv
from laborlens.core.sources.ofac import parse_ofac, remarks_aliases

SDN_ROW = '{n},"EXAMPLE TRADING {n}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'


def test_aliases_and_countries_from_remarks() -> None:
    assert remarks_aliases("DOB 1960; a.k.a. 'AL-HAQ, 'Abd'; f.k.a. 'OLD NAME'; a.k.a. 'X'.") == (
        ["AL-HAQ, 'Abd", "X"],
        ["OLD NAME"],
    )
    sdn = "".join(SDN_ROW.format(n=n) for n in range(1, 1001))
    sdn += (
        '2001,"ACME",-0- ,"GLOMAG",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
        "\"a.k.a. 'ACME CO'; nationality China; Linked To: X.\"\n\x1a\n"
    )
    acme = parse_ofac(sdn)[-1]
    assert acme["aliases"] == ["ACME CO"] and acme["countries"] == ["CN"]


@pytest.mark.parametrize(
    ("sdn", "expected"),
    [
        ("", "expected at least 1000 entries, found 0"),
        (SDN_ROW.format(n=1)[:40] + "\n", "sdn.csv row 1: expected 12 columns"),  # truncated
        (
            '"EXAMPLE",7,-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n',
            "sdn.csv row 1: expected a numeric ent_num",
        ),  # columns reordered
    ],
)
def test_bad_sdn_is_refused(sdn: str, expected: str) -> None:
    with pytest.raises(SourceError, match=re.escape(expected)):
        parse_ofac(sdn)


def test_the_2024_sdn_file(ofac_csv: bytes) -> None:
    entries = {e["entry_id"]: e for e in parse_ofac(ofac_csv.decode("latin-1"))}
    assert len(entries) == 14965
    xpcc = entries["ofac-29299"]
    assert xpcc["name"] == "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"
    assert xpcc["programs"] == ["GLOMAG"]
    assert entries["ofac-306"]["aliases"] == ["BNC"]
    assert entries["ofac-29300"]["schema"] == "Person"
    assert entries["ofac-29300"]["countries"] == ["CN"]  # "nationality China"


def test_citations_first_is_the_adding_rule() -> None:
    cites = citations("84 FR 54004, 10/9/19.\n85 FR 44159, 7/22/20.\n87 FR 62202, 10/13/22")
    assert [(c.volume, c.page, str(c.day)) for c in cites] == [
        (84, 54004, "2019-10-09"),
        (85, 44159, "2020-07-22"),
        (87, 62202, "2022-10-13"),
    ]


def test_the_bis_list_and_its_xinjiang_entries(bis_json: str) -> None:
    entries = parse_bis_json(bis_json)
    assert len(entries) == 3409
    xj = {e["name"] for e in entries if e["properties"].get("listing_reason")}
    # every entry still listed that 84 FR 54002 (28), 85 FR 44159 (9 of 11) or 86 FR 33119 (5)
    # added, and the named ones of the mixed rules 85 FR 34503 (8 of 9) and 86 FR 36496 (14):
    # 64 names, 70 entries (some listed under several countries)
    assert len(xj) == 64
    assert {
        "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "Hetian Haolin Hair Accessories Co. Ltd.",
        "Xinjiang Daqo New Energy, Co. Ltd.",
        "SenseNets",
        "Suzhou Keda Technology Co., Ltd.",
        "Urumqi Tianyao Weiye Information Technology Service Co., Ltd.",
    } <= xj
    # same day, other reasons: not Xinjiang
    assert (
        not {
            "Harbin Institute of Technology",
            "Kyland Technology Co., Ltd.",
            "Beijing Cloudmind Technology Co., Ltd.",
        }
        & xj
    )
    hik = next(e for e in entries if e["name"].startswith("Hangzhou Hikvision"))
    assert hik["effective_date"] == "2019-10-09"
    assert hik["properties"]["listing_rule"].startswith("84 FR 54002 (2019-10-09)")


def _csl(rows: list[dict[str, str]]) -> str:
    cols = [
        "_id",
        "source",
        "entity_number",
        "type",
        "programs",
        "name",
        "title",
        "addresses",
        "federal_register_notice",
        "start_date",
        "end_date",
        "standard_order",
        "license_requirement",
        "license_policy",
        "alt_names",
    ]
    out = io.StringIO()
    w = csv.DictWriter(out, cols)
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in cols})
    return out.getvalue()


def test_consolidated_screening_list_rows() -> None:
    rows = [
        {
            "source": "Entity List (EL) - Bureau of Industry and Security",
            "name": f"Co {n}",
            "addresses": "1 Road, Moscow, RU",
            "federal_register_notice": "89 FR 1",
            "start_date": "2024-01-01",
        }
        for n in range(500)
    ]
    rows.append(
        {
            "source": "Entity List (EL) - Bureau of Industry and Security",
            "name": "Hetian Haolin Hair Accessories Co. Ltd.",
            "alt_names": "Hotan Haolin Hair Accessories; Hollin Hair Accessories",
            "addresses": "No. 4 Yulongwan Road, Luopu County, Hotan, CN",
            "federal_register_notice": "85 FR 44161",
            "start_date": "2020-07-22",
        }
    )
    rows.append(
        {
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
            "name": "Not On The Entity List",
        }
    )
    entries = parse_csl_csv(_csl(rows))
    assert len(entries) == 501
    haolin = entries[-1]
    assert haolin["countries"] == ["CN"] and haolin["aliases"] == [
        "Hotan Haolin Hair Accessories",
        "Hollin Hair Accessories",
    ]
    assert haolin["properties"]["listing_reason"] == "xinjiang_human_rights"
    with pytest.raises(SourceError, match="missing federal_register_notice"):
        parse_csl_csv("source,name,alt_names,addresses\n")
    with pytest.raises(SourceError, match="expected at least 500 Entity List entries, found 1"):
        parse_csl_csv(_csl(rows[-2:]))
