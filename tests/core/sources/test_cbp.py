"""CBP's Withhold Release Orders and Findings: the JSON parse, the official CSV, bad files."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from laborlens.core.sources import SourceError
from laborlens.core.sources.cbp import parse_cbp_csv, parse_cbp_json, party_names

CSV_HEADER = [
    "Country",
    "Entity",
    "Effective Date",
    "Status",
    "WRO/Finding",
    "Industry",
    "Merchandise",
    "Remarks",
    "Press Release",
    "Calendar Year",
    "Country Code",
]


def _csv(rows: list[list[str]], header: list[str] = CSV_HEADER) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _row(n: int, entity: str = "", status: str = "Active", kind: str = "WRO") -> list[str]:
    return [
        "China",
        entity or f"Example Factory {n}",
        "9/30/2019",
        status,
        kind,
        "Machinery",
        "Hoists",
        "",
        "https://www.cbp.gov/newsroom",
        "2019",
        "CN",
    ]


def test_party_names() -> None:
    assert party_names("Fuchu Prison; Union Kogyo Co., Ltd.") == (
        ["Fuchu Prison", "Union Kogyo Co., Ltd."],
        False,
    )
    assert party_names(
        "Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding LYSZD Trade and Business Co., Ltd"
    ) == (
        [
            "Yili Zhuowan Garment Manufacturing Co., Ltd.",
            "Baoding LYSZD Trade and Business Co., Ltd",
        ],
        False,
    )
    assert party_names("Tangshan Sanyou Group and its Subsidiaries") == (
        ["Tangshan Sanyou Group"],
        True,
    )
    assert party_names(
        "Shanghai Select Safety Products Company, Limited and its two subsidiaries from China, "
        "Select (Nantong) Safety Products Co. Limited and Select Protective Technology (HK) "
        "Limited."
    ) == (
        [
            "Shanghai Select Safety Products Company, Limited",
            "Select (Nantong) Safety Products Co. Limited",
            "Select Protective Technology (HK) Limited.",
        ],
        True,
    )
    # a comma list of parties, a trailing place
    names, _ = party_names(
        "Kumar Carpet Pvt., Singhe Carpet Pvt., Ltd., Annapurna Carpet, and K.K. Carpet "
        "Industries; Kathmandu."
    )
    assert names == [
        "Kumar Carpet Pvt.",
        "Singhe Carpet Pvt., Ltd.",
        "Annapurna Carpet",
        "K.K. Carpet Industries",
    ]
    # commas inside one name
    assert party_names(
        "Inner Mongolia Hengzheng Group Baoanzhao Agriculture, Industry, and Trade Co., Ltd."
    )[0] == ["Inner Mongolia Hengzheng Group Baoanzhao Agriculture, Industry, and Trade Co., Ltd."]


def test_official_csv_layout() -> None:
    rows = [_row(n) for n in range(40)]
    rows.append(
        [
            "Turkmenistan",
            "All Turkmenistan Cotton or products produced in whole or in "
            "part with Turkmenistan cotton.",
            "5/18/2018",
            "Active",
            "WRO",
            "Agriculture and Prepared Products",
            "Cotton",
            "",
            "",
            "2018",
            "TM",
        ]
    )
    rows.append(
        [
            "Dominican Republic",
            "Kingtom Aluminio S.R.L.",
            "12/4/2024",
            "Inactive-Pending Litigation",
            "Finding",
            "Base Metals",
            "Aluminum extrusions",
            "Federal Register: 89 FR 96265",
            "",
            "2025",
            "DO",
        ]
    )
    entries = parse_cbp_csv("\ufeff" + _csv(rows), "cbp.csv")
    assert len(entries) == 42
    tm = entries[40]
    assert tm["schema"] == "Order" and tm["properties"]["order_region"] == "TM"
    kingtom = entries[41]
    assert kingtom["programs"] == ["Finding"] and kingtom["countries"] == ["DO"]
    assert kingtom["properties"]["status"] == "Inactive-Pending Litigation"
    assert kingtom["properties"]["federal_register"] == "89 FR 96265"
    assert kingtom["effective_date"] == "2024-12-04"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "expected the columns Country, Entity, Effective Date, Status, WRO/Finding"),
        (
            _csv([_row(n) for n in range(40)], header=["Entity", "Country", "Date"]),
            "missing Effective Date, Status, WRO/Finding",
        ),
        (_csv([_row(n) for n in range(10)]), "expected at least 30 orders and findings, found 10"),
        (
            _csv([_row(n) for n in range(39)] + [_row(40, status="Pending")]),
            "row 40: expected a status",
        ),
        (
            _csv([_row(n) for n in range(39)] + [_row(40, kind="Order")]),
            "row 40: expected 'WRO' or 'Finding', found 'Order'",
        ),
        (
            _csv([_row(n) for n in range(39)] + [["China", "X Co.", "someday", "Active", "WRO"]]),
            "row 40: expected an effective date, found 'someday'",
        ),
    ],
)
def test_bad_csv_is_refused(text: str, expected: str) -> None:
    with pytest.raises(SourceError, match=re.escape(expected)):
        parse_cbp_csv(text, "cbp.csv")


def test_bad_json_is_refused(cbp_json: str) -> None:
    with pytest.raises(SourceError, match="not JSON"):
        parse_cbp_json(cbp_json[: len(cbp_json) // 2], "cbp.json")  # truncated
    with pytest.raises(SourceError, match="expected an object with an 'entities' list"):
        parse_cbp_json("[]", "cbp.json")
    doc = json.loads(cbp_json)
    doc["entities"] = doc["entities"][:60]
    with pytest.raises(SourceError, match="says it holds 67 rows, found 60"):
        parse_cbp_json(json.dumps(doc), "cbp.json")


def test_june_2026_file_every_row_with_its_status(cbp_json: str) -> None:
    entries = parse_cbp_json(cbp_json)
    rows = {e["properties"]["row"] for e in entries}
    assert rows == {str(n) for n in range(1, 68)}
    assert {e["properties"]["status"] for e in entries} == {
        "Active",
        "Partially Modified",
        "Inactive-Pending Litigation",
    }
    by_id = {e["entry_id"]: e for e in entries}
    xuar = by_id["cbp-wro-2021-01-13-xinjiang-uyghur-autonomous-region-xuar"]
    assert xuar["schema"] == "Order" and xuar["properties"]["order_region"] == "CN-XJ"
    assert xuar["properties"]["merchandise"] == "Cotton, Tomatoes and Downstream Products"
    orders = {e["name"] for e in entries if e["schema"] == "Order"}
    assert len(orders) == 5
    # the Nepal order: parties removed from it end on the date the remarks give
    nepal = {e["name"]: e["end_date"] for e in entries if e["countries"] == ["NP"]}
    assert nepal["Annapurna Carpet"] == "2021-07-23"
    assert nepal["Everest Carpet"] == nepal["Norsang Carpet Industries Pvt., Ltd."] == "1998-10-06"
    assert nepal["Kumar Carpet Pvt."] is None
    vessels = [e["name"] for e in entries if e["schema"] == "Vessel"]
    assert sorted(vessels) == [
        "Da Wang",
        "Da Wang",
        "Hangton No. 112",
        "Lien Yi Hsing No. 12",
        "Zhen Fa 7",
    ]
