"""Hypothesis properties of geo-v3 on bad and odd input: no crash, no region from noise."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.geo import Gazetteer, build_gazetteer, locate
from laborlens.core.model import Record

_GAZ: Gazetteer = build_gazetteer()
_DIGITS_PUNCT = st.text(alphabet=st.sampled_from(list("0123456789 ,.;:-_/#()[]*&%$!?'\"\t")))
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # Han
        st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),  # Cyrillic
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width forms
    ),
    max_size=400,
)


def _locate(**kw: object) -> tuple[list[str | None], list[str]]:
    res = locate(_GAZ, Record(row=1, id="1", **kw))  # type: ignore[arg-type]
    for f in res.findings:
        assert f.region and f.region.startswith("CN-") and f.why and 0 <= f.score <= 1
    return [f.region for f in res.findings], [e.column or "" for e in res.errors]


@settings(max_examples=150, deadline=None)
@given(_DIGITS_PUNCT)
def test_numbers_and_punctuation_give_a_region_only_from_a_phone_number(text: str) -> None:
    res = locate(_GAZ, Record(row=1, id="1", address=text))
    for f in res.findings:  # a well-formed telephone number is a place; nothing else here is
        assert {s[0] for s in dict(f.details)["signals"]} == {"phone_area_code"}  # type: ignore[union-attr]


@settings(max_examples=100, deadline=None)
@given(_MIXED)
def test_mixed_scripts_never_crash(text: str) -> None:
    _locate(address=text, name=text)


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_ten_thousand_characters(chunk: str) -> None:
    text = (chunk * (10_000 // len(chunk) + 1))[:10_000]
    _locate(address=text)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=999_999), st.sampled_from(["新疆乌鲁木齐市", "北京市", "路"])
)
def test_full_width_digits_read_like_ascii(code: int, lead: str) -> None:
    ascii_text = f"{lead} {code:06d}"
    assert _locate(address=ascii_text) == _locate(address=ascii_text.translate(_FULL_WIDTH))


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_any_coordinates_give_a_region_or_a_reason(lat: float | None, lon: float | None) -> None:
    regions, columns = _locate(lat=lat, lon=lon)
    usable = (
        lat is not None
        and lon is not None
        and math.isfinite(lat)
        and math.isfinite(lon)
        and abs(lat) <= 90
        and abs(lon) <= 180
        and (lat, lon) != (0.0, 0.0)
    )
    if not usable and (lat is not None or lon is not None):
        assert columns and not regions  # an impossible coordinate is reported, never dropped
    assert set(columns) <= {"lat", "lon"}


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=36.5, max_value=45.0), st.floats(min_value=76.0, max_value=90.0))
def test_swapped_xinjiang_point_is_reported(lat: float, lon: float) -> None:
    regions, _ = _locate(lat=lat, lon=lon)
    if regions != ["CN-XJ"]:  # the box holds a little of Kazakhstan and Kyrgyzstan
        return
    swapped_regions, columns = _locate(lat=lon, lon=lat)
    assert swapped_regions == [] and columns == ["lat"]


@settings(max_examples=80, deadline=None)
@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180))
def test_points_far_from_china_give_no_region(lat: float, lon: float) -> None:
    regions, _ = _locate(lat=lat, lon=lon)
    if regions:
        assert 15 <= lat <= 56 and 70 <= lon <= 137
