"""FollowTheMoney in and out, OpenSanctions' simple CSV, and recognising a file's format."""

from __future__ import annotations

import json
from datetime import date

import pytest

from laborlens.core.lists import ListSet
from laborlens.core.model import ListEntry, ListInfo
from laborlens.core.sources import SourceError
from laborlens.core.sources.detect import FORMATS, detect, parse
from laborlens.core.sources.ftm import parse_ftm_json, parse_simple_csv, to_ftm

FTM_LINES = [
    {
        "id": "x-1",
        "schema": "Company",
        "target": True,
        "datasets": ["us_dhs_uflpa"],
        "properties": {
            "name": ["Xinjiang Example Cotton Co., Ltd."],
            "alias": ["XEC"],
            "previousName": ["Old Example Cotton"],
            "country": ["cn"],
            "addressEntity": ["addr-1"],
            "registrationNumber": ["91650100MA77ABCDEX"],
        },
    },
    {"id": "addr-1", "schema": "Address", "properties": {"full": ["1 Road, Urumqi, Xinjiang"]}},
    {
        "id": "s-1",
        "schema": "Sanction",
        "properties": {
            "entity": ["x-1"],
            "program": ["UFLPA"],
            "startDate": ["2024-05-17"],
            "authority": ["DHS"],
        },
    },
    {
        "id": "p-1",
        "schema": "Person",
        "properties": {"name": ["Jane Example"], "nationality": ["cn"]},
    },
]


def test_ftm_json_lines_keep_names_countries_addresses_dates() -> None:
    text = "\n".join(json.dumps(o) for o in FTM_LINES) + "\n"
    entries = parse_ftm_json(text, "watch")
    assert [e["name"] for e in entries] == ["Xinjiang Example Cotton Co., Ltd.", "Jane Example"]
    co = entries[0]
    assert co["aliases"] == ["XEC", "Old Example Cotton"]
    assert co["former_names"] == ["Old Example Cotton"]
    assert co["countries"] == ["CN"] and co["addresses"] == ["1 Road, Urumqi, Xinjiang"]
    assert co["effective_date"] == "2024-05-17" and co["programs"] == ["UFLPA"]
    assert co["properties"]["registration_id"] == "91650100MA77ABCDEX"
    assert entries[1]["schema"] == "Person" and entries[1]["countries"] == ["CN"]
    with pytest.raises(SourceError, match=r"line 2: not JSON"):
        parse_ftm_json(json.dumps(FTM_LINES[0]) + "\n{broken", "watch", "f.json")
    with pytest.raises(SourceError, match="found none"):
        parse_ftm_json(json.dumps(FTM_LINES[1]) + "\n", "watch")


def test_simple_csv() -> None:
    text = (
        "id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
        "emails,dataset,first_seen,last_seen,last_change\n"
        "NK-1,Company,Hetian Haolin Hair Accessories Co. Ltd.,Hotan Haolin Hair Accessories;"
        'Hollin Hair Accessories,,cn,"No. 4 Yulongwan Road, Hotan",,'
        '"UFLPA Entity List - 2022-06-21",,,us_dhs_uflpa,2022-07-01,2026-01-01,2024-01-01\n'
    )
    (e,) = parse_simple_csv(text, "us_uflpa_entity_list")
    assert e["aliases"] == ["Hotan Haolin Hair Accessories", "Hollin Hair Accessories"]
    assert e["countries"] == ["CN"] and e["effective_date"] == "2022-06-21"
    with pytest.raises(SourceError, match="missing schema"):
        parse_simple_csv("id,name\n1,x\n", "x")


def _info(list_id: str = "us_uflpa_entity_list") -> ListInfo:
    return ListInfo(
        list_id,
        "UFLPA Entity List",
        "DHS",
        "https://www.dhs.gov/uflpa-entity-list",
        date(2026, 7, 9),
        1,
        1,
        "0" * 64,
        True,
    )


def test_export_is_valid_ftm_and_reads_back() -> None:
    entries = (
        ListEntry(
            "us_uflpa_entity_list",
            "uflpa-a",
            "A Cotton Co., Ltd.",
            aliases=("A Co", "Old A"),
            former_names=("Old A",),
            countries=("CN",),
            addresses=("Aksu",),
            programs=("2(d)(2)(B)(i)",),
            effective_date=date(2022, 6, 21),
            properties=(("status", "Active"),),
        ),
        ListEntry("us_uflpa_entity_list", "v-1", "Da Wang", schema="Vessel"),
        ListEntry("us_uflpa_entity_list", "o-1", "All cotton of X", schema="Order"),
    )
    objs = list(to_ftm(entries, _info()))
    assert [o["schema"] for o in objs] == ["Company", "Sanction", "Vessel", "Sanction"]
    followthemoney = pytest.importorskip("followthemoney")
    for o in objs:  # every object is a valid FtM entity (schema, property names and types)
        proxy = followthemoney.model.get_proxy(o, cleaned=False)
        assert proxy.schema.name == o["schema"]
        for prop, values in o["properties"].items():
            assert prop in proxy.schema.properties, (o["schema"], prop)
            assert proxy.get(prop) == values
    back = parse_ftm_json("\n".join(json.dumps(o) for o in objs), "copy")
    assert back[0]["name"] == "A Cotton Co., Ltd." and back[0]["former_names"] == ["Old A"]
    assert back[0]["effective_date"] == "2022-06-21" and back[0]["countries"] == ["CN"]


def test_detect_recognises_each_format() -> None:
    assert detect(b"<html><body>UFLPA<table></table></body></html>") == FORMATS["dhs_uflpa_page"]
    assert detect(b"<html><body>something else</body></html>") is None
    assert (
        detect(b'{"list_id": "cbp-wro", "entities": [{"name": "A", "notes": "WRO; x"}]}')
        == (FORMATS["cbp_json"])
    )
    assert (
        detect(b'{"entities": [{"name": "A", "federal_register": "84 FR 1"}]}')
        == (FORMATS["bis_json"])
    )
    assert detect(json.dumps(FTM_LINES[0]).encode()) == FORMATS["ftm_json"]
    assert detect(b"Country,Entity,Effective Date,Status,WRO/Finding\n") == FORMATS["cbp_csv"]
    assert detect(b"id,schema,name,aliases,countries\n") == FORMATS["simple_csv"]
    assert detect(b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- \n') == FORMATS["ofac_sdn_csv"]
    assert detect(b"name,aliases,country\nAcme,,CN\n") is None  # a plain user list
    with pytest.raises(SourceError, match="expected UTF-8 text"):
        parse(b"id,schema,name,aliases,countries\n\xff\xfe,x", FORMATS["simple_csv"], "x", "f.csv")


def test_listset_of_exports(bundled: ListSet) -> None:
    rl = bundled.get("us_cbp_wro_findings")
    objs = list(to_ftm(rl.entries, rl.info))
    parties = [o for o in objs if o["schema"] != "Sanction"]
    orders = sum(1 for e in rl.entries if e.schema == "Order")
    assert len(parties) == len(rl.entries) - orders == 74
