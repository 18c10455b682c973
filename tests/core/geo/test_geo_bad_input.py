"""Bad input never raises and never produces a false Xinjiang; normalisation invariants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from laborlens.core.geo import Gazetteer, build_gazetteer, locate
from laborlens.core.geo.text import normalise
from laborlens.core.model import Record

_GAZ: Gazetteer = build_gazetteer()
_NOISE = st.text(alphabet=st.sampled_from(list("0123456789 ,.-/#()OoIl+\t\n€™ÃâÂ�")))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_safe(text: str) -> None:
    res = locate(
        _GAZ,
        Record(
            row=1, id="1", address=text, name=text, phone=text, registration_id=text, country=text
        ),
    )
    for f in res.findings:
        assert 0.0 <= f.score <= 1.0
        assert f.region and f.region.startswith("CN-")
        assert f.why


@settings(max_examples=150, deadline=None)
@given(_NOISE)
def test_noise_never_yields_xinjiang(text: str) -> None:
    """Only a string that is a whole telephone number with a Xinjiang area code (``+86 990
    0000000`` is one) may place noise in Xinjiang; fragments, punctuation and mojibake never."""
    res = locate(_GAZ, Record(row=1, id="1", address=text, phone=text))
    for f in res.findings:
        if f.region != "CN-XJ":
            continue
        for feature, _field, evidence, _weight in dict(f.details)["signals"]:
            assert feature == "phone_area_code", (feature, evidence)
            assert len([c for c in str(evidence) if c.isdigit()]) >= 10, evidence


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalise_keeps_length_and_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert len(once) == len(text)
    assert normalise(once) == once


@settings(max_examples=100, deadline=None)
@given(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True, allow_infinity=True),
)
def test_any_coordinates_are_safe(lat: float, lon: float) -> None:
    res = locate(_GAZ, Record(row=1, id="1", lat=lat, lon=lon))
    if res.findings:
        assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert all(e.column in ("lat", "lon") for e in res.errors)


def test_empty_whitespace_and_huge() -> None:
    for text in ("", "   ", "\t\n", "x" * 10_000, "新疆" + "。" * 10_000):
        locate(_GAZ, Record(row=1, id="1", address=text or None))
    res = locate(_GAZ, Record(row=1, id="1", address="Room 5, " * 1200 + "Urumqi, Xinjiang"))
    assert res.findings[0].region == "CN-XJ"  # a 10,000-character address is read in full
    res = locate(_GAZ, Record(row=1, id="1", address="Urumqi, Xinjiang " + "x" * 10_000))
    assert res.findings[0].region == "CN-XJ"


def test_mixed_script_and_mojibake() -> None:
    res = locate(_GAZ, Record(row=1, id="1", address="No. 8 北京南路, Urumqi 830000 新疆"))
    assert res.findings[0].region == "CN-XJ"
    garbled = "新疆乌鲁木齐市天山区".encode().decode("latin-1")
    res = locate(_GAZ, Record(row=1, id="1", address=garbled))
    assert res.findings[0].region == "CN-XJ"
    assert ("notes", ("address repaired from mojibake (UTF-8 read as Latin-1)",)) in (
        res.findings[0].details
    )
    gbk = "江苏省苏州市".encode("gbk").decode("latin-1")
    assert locate(_GAZ, Record(row=1, id="1", address=gbk)).findings[0].region == "CN-JS"
    accented = "Société Générale, 29 boulevard Haussmann, Paris"
    assert locate(_GAZ, Record(row=1, id="1", address=accented)).findings == ()


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=16.0, max_value=55.0), st.floats(min_value=69.0, max_value=137.0))
def test_grid_nearest_matches_brute_force(lat: float, lon: float) -> None:
    import math

    from laborlens.core.geo.coords import nearest as _nearest

    coslat = max(math.cos(math.radians(lat)), 0.01)
    brute = min(
        ((p[0] - lat) ** 2 + ((p[1] - lon) * coslat) ** 2, i) for i, p in enumerate(_GAZ.points)
    )
    got = _nearest(_GAZ, lat, lon)
    if got is None:  # not settled within the searched rings: farther than coordinates() uses
        assert math.sqrt(brute[0]) * 111.2 > 150
        return
    assert math.isclose(got[1], math.sqrt(brute[0]) * 111.2, rel_tol=1e-9, abs_tol=1e-9)
