"""Behaviour of locate(): the issue's examples, hard negatives, every signal, explanations."""

from __future__ import annotations

import pickle

import pytest
from stdnum.cn import uscc

from laborlens.core.geo import ALGORITHM, Gazetteer, locate, normalise_country
from laborlens.core.model import Record


def _loc(gaz: Gazetteer, **kw: object):  # type: ignore[no-untyped-def]
    return locate(gaz, Record(row=1, id="1", **kw))  # type: ignore[arg-type]


def _regions(gaz: Gazetteer, **kw: object) -> list[str | None]:
    return [f.region for f in _loc(gaz, **kw).findings]


@pytest.mark.parametrize(
    "address",
    [
        "Shihezi 832000",
        "Korla Economic Development Zone",
        "第八师一五〇团",
        "Ürümqi",
        "Wulumuqi",
        "Changji Hui Autonomous Prefecture",
        "新疆维吾尔自治区乌鲁木齐市天山区",
        "新疆乌鲁木齐市",
        "Kashi, China",
        "Kashgar, Xinjiang",
        "Hotan Prefecture, Xinjiang Uyghur Autonomous Region",
        "新疆生产建设兵团第一师",
        "农八师一二一团",
        "Xinjiang Production and Construction Corps",
        "新疆維吾爾自治區烏魯木齊市",
        "ＸＩＮＪＩＡＮＧ",
        "Aral City, Xinjiang",
        "Hami 839000, China",
        "Shihezi 8320O0",
    ],
)
def test_xinjiang_found(gaz: Gazetteer, address: str) -> None:
    res = _loc(gaz, address=address)
    assert res.findings and res.findings[0].region == "CN-XJ"
    f = res.findings[0]
    assert f.kind == "region" and f.algorithm == ALGORITHM and f.field == "address"
    assert f.evidence and all(e in address for e in f.evidence)
    assert f.label == "Xinjiang Uygur Autonomous Region"
    assert 0.5 <= f.score <= 1.0
    assert f.why.startswith("Xinjiang")
    assert res.country == "CN" and res.country_inferred


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Xinxiang, Henan", "CN-HA"),
        ("Henan Normal University, Xinxiang 453007", "CN-HA"),
        ("Xining 810016, Qinghai", "CN-QH"),
        ("Xinjin District, Chengdu", "CN-SC"),
        ("No. 88 Changjiang Road, Nanjing", "CN-JS"),
        ("1000 Urumqi Road, Shanghai", "CN-SH"),
        ("上海市静安区乌鲁木齐北路", "CN-SH"),
        ("青岛市市北区新疆路8号", "CN-SD"),
        ("Yiwu, Zhejiang", "CN-ZJ"),
        ("Baicheng, Jilin", "CN-JL"),
        ("Xiangcheng District, Suzhou", "CN-JS"),
        ("Jinghe New City, Xi'an, Shaanxi", "CN-SN"),
        ("Yanjiang Development Zone, Dandong", "CN-LN"),
    ],
)
def test_hard_negatives(gaz: Gazetteer, address: str, expected: str) -> None:
    regions = _regions(gaz, address=address)
    assert "CN-XJ" not in regions
    assert regions and regions[0] == expected


@pytest.mark.parametrize(
    "address",
    [
        "Kashi",
        "Hami",
        "Aral",
        "Altay",
        "Aral, Kazakhstan",
        "Altay, Russia",
        "Aksu, Antalya, Turkey",
        "Kashi Vishwanath Temple, Varanasi, India",
        "Usharal, Kazakhstan",
        "830026",
        "Room 830026",
        "Yiwu",
        "Xinjiang Road",
        "乌鲁木齐路",
    ],
)
def test_short_or_lookalike_names_need_support(gaz: Gazetteer, address: str) -> None:
    assert "CN-XJ" not in _regions(gaz, address=address)


def test_street_names_are_reported_not_counted(gaz: Gazetteer) -> None:
    f = _loc(gaz, address="1000 Urumqi Road, Shanghai").findings[0]
    assert ("ignored_street_names", ("Urumqi",)) in f.details


def test_details_name_prefecture_and_county(gaz: Gazetteer) -> None:
    f = _loc(gaz, address="新疆维吾尔自治区乌鲁木齐市天山区胜利路666号 830046").findings[0]
    d = dict(f.details)
    assert d["prefecture"] == "650100 乌鲁木齐市"
    assert d["county"] == "650102 天山区"
    assert d["role"] == "xinjiang"
    features = {s[0] for s in d["signals"]}
    assert {"name_match", "postal_code"} <= features
    assert "830046" in f.evidence


def test_xpcc_is_flagged(gaz: Gazetteer) -> None:
    f = _loc(gaz, address="第八师一五〇团").findings[0]
    assert dict(f.details).get("xpcc") is True


def test_other_province_has_lower_key_role(gaz: Gazetteer) -> None:
    f = _loc(gaz, address="江苏省苏州市昆山市").findings[0]
    assert f.region == "CN-JS" and dict(f.details)["role"] == "province"


def test_phone_area_code(gaz: Gazetteer) -> None:
    for phone in ("+86 991 1234567", "0086-991-1234567", "0991-1234567", "(0998) 2823456"):
        res = _loc(gaz, phone=phone)
        assert [f.region for f in res.findings] == ["CN-XJ"], phone
        assert res.findings[0].field == "phone"
    assert _loc(gaz, phone="+86 138 0013 8000").findings == ()  # mobile: no place
    assert _loc(gaz, phone="+86 138 0013 8000").country == "CN"
    assert _loc(gaz, phone="+1 991 555 0100").findings == ()
    for short in ("+8609900", "+86 991 1234", "0086 990 12"):  # no room for a subscriber number
        assert _loc(gaz, phone=short).findings == (), short


def test_uscc(gaz: Gazetteer) -> None:
    body = "91659001722349107"
    valid = body + uscc.calc_check_digit(body)
    res = _loc(gaz, registration_id=valid)
    assert [f.region for f in res.findings] == ["CN-XJ"]
    assert res.findings[0].field == "registration_id"
    assert res.country == "CN"
    wrong = body + ("0" if valid[-1] != "0" else "1")
    res = _loc(gaz, registration_id=wrong)
    assert res.findings == ()
    assert res.errors and res.errors[0].column == "registration_id"
    body = "91320500722349107"
    assert _loc(gaz, registration_id=body + uscc.calc_check_digit(body)).findings[0].region == (
        "CN-JS"
    )
    assert _loc(gaz, registration_id="DE123456789").errors == ()


def test_coordinates(gaz: Gazetteer) -> None:
    res = _loc(gaz, lat=44.3, lon=86.05)  # Shihezi
    assert [f.region for f in res.findings] == ["CN-XJ"]
    assert res.findings[0].field == "lat/lon"
    assert _loc(gaz, lat=43.24, lon=76.95).findings == ()  # Almaty, Kazakhstan
    assert _loc(gaz, lat=43.24, lon=76.95).country == "KZ"
    assert [f.region for f in _loc(gaz, lat=31.23, lon=121.47).findings] == ["CN-SH"]


@pytest.mark.parametrize(
    ("lat", "lon", "column"),
    [
        (95.0, 43.0, "lat"),
        (43.8, 200.0, "lon"),
        (87.6, 43.8, "lat"),  # swapped (Urumqi)
        (float("nan"), 87.6, "lat"),
        (0.0, 0.0, "lat"),
        (43.8, None, "lon"),
        (None, 87.6, "lat"),
    ],
)
def test_bad_coordinates_are_row_errors(
    gaz: Gazetteer, lat: float | None, lon: float | None, column: str
) -> None:
    res = _loc(gaz, lat=lat, lon=lon)
    assert res.findings == ()
    assert [e.column for e in res.errors] == [column]


def test_name_is_a_weaker_signal(gaz: Gazetteer) -> None:
    res = _loc(gaz, name="Xinjiang Daqo New Energy Co., Ltd.")
    f = res.findings[0]
    assert f.region == "CN-XJ" and f.field == "name"
    addr = _loc(gaz, address="Xinjiang").findings[0]
    assert f.score < addr.score
    assert "CN-XJ" in [
        f.region for f in _loc(gaz, name="Hetian Haolin Hair Accessories Co. Ltd.").findings
    ]
    assert _loc(gaz, name="Kashi Exports Pvt Ltd", country="India").findings == ()
    # county words in company names need support
    assert _loc(gaz, name="Fukang Technology Co., Ltd.").findings == ()
    res = _loc(gaz, name="Fukang Technology Co., Ltd.", address="Nanshan District, Shenzhen")
    assert [f.region for f in res.findings] == ["CN-GD"]


def test_xinjiang_survives_a_second_province(gaz: Gazetteer) -> None:
    regions = _regions(gaz, address="Shanghai office; plant in Korla")
    assert regions[0] == "CN-XJ" and "CN-SH" in regions


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("China", "CN"),
        ("CN", "CN"),
        ("chn", "CN"),
        ("中国", "CN"),
        ("People's Republic of China", "CN"),
        ("P.R. China", "CN"),
        ("Hong Kong", "HK"),
        ("United States", "US"),
        ("USA", "US"),
        ("Kazakhstan", "KZ"),
        ("哈萨克斯坦", "KZ"),
        ("Deutschland", "DE"),
    ],
)
def test_country_normalisation(gaz: Gazetteer, value: str, iso: str) -> None:
    assert normalise_country(gaz, value) == iso


def test_country_given_inferred_or_unknown(gaz: Gazetteer) -> None:
    res = _loc(gaz, address="Urumqi", country="China")
    assert res.country == "CN" and not res.country_inferred
    res = _loc(gaz, address="12 Main Street, Almaty, Kazakhstan")
    assert res.country == "KZ" and res.country_inferred
    res = _loc(gaz, address="Flat 5F, Block 6, New Jade Gardens, Chaiwan, Hong Kong")
    assert res.country == "HK" and res.findings == ()
    res = _loc(gaz, address="Urumqi", country="Narnia")
    assert res.errors[0].column == "country"


def test_gazetteer_pickles(gaz: Gazetteer) -> None:
    again = pickle.loads(pickle.dumps(gaz))
    rec = Record(row=1, id="1", address="新疆石河子市北四路 832003")
    assert locate(again, rec) == locate(gaz, rec)


def test_every_region_finding_is_explained(gaz: Gazetteer) -> None:
    res = _loc(
        gaz,
        address="Shihezi 832000",
        phone="0993-1234567",
        name="Xinjiang Tianye",
        lat=44.3,
        lon=86.05,
    )
    (f,) = res.findings
    d = dict(f.details)
    fields = {s[1] for s in d["signals"]}
    assert fields == {"address", "phone", "name", "lat/lon"}
    assert f.score > 0.99
    for part in ("Shihezi", "832000", "0993", "coordinates"):
        assert part in f.why
