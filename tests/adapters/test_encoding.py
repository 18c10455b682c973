"""Encoding choice (laborlens.adapters.io.encoding): guesses are tie-broken and reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from laborlens.adapters.io.encoding import InputError, choose_encoding

SPANISH = "name,address,country\nFoo Ltd,Shanghai,CN\nNUÑEZ Y CIA SA,Calle de la Peña 5,ES\n"


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_latin1_keeps_enye_and_warns_naming_the_line(codec: str) -> None:
    data = SPANISH.encode(codec)
    choice = choose_encoding(Path("s.csv"), data, True, None)
    assert data.decode(choice.encoding) == SPANISH  # Ñ survives
    assert len(choice.warnings) == 1
    assert "line 3" in choice.warnings[0] and "NUÑEZ" in choice.warnings[0]
    assert "--encoding" in choice.warnings[0]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("name,address\nZakłady Łódź SA,ul. Żółta 5\n", "cp1250"),
        ("name,address\nООО Ромашка,Москва ул. Ленина 5\n", "cp1251"),
        ("name,address\nCafé Société Générale SA,Rue de l'Église 12\n", "cp1252"),
        ("供应商名称,地址\n新疆大全新能源股份有限公司,新疆石河子市\n" * 20, "gbk"),
    ],
)
def test_legacy_code_pages_read_right(text: str, codec: str) -> None:
    data = text.encode(codec)
    choice = choose_encoding(Path("s.csv"), data, True, None)
    assert data.decode(choice.encoding) == text


def test_damaged_utf8_is_read_as_utf8_naming_the_first_bad_line() -> None:
    text = "name,address\n新疆大全新能源,石河子\n乌鲁木齐有限公司,乌鲁木齐\n".encode()
    data = text + b"Caf\xe9 Ltd,Paris\n"
    choice = choose_encoding(Path("s.csv"), data, True, None)
    assert choice.encoding == "utf-8"
    assert "line 4: bytes that are not valid UTF-8" in choice.warnings[0]


def test_forced_encoding_that_fails_names_the_line() -> None:
    data = "name\nFoo\n新疆\n".encode("gbk")
    with pytest.raises(InputError, match=r"s.csv: line 3: bytes that are not valid utf-8"):
        choose_encoding(Path("s.csv"), data, True, "utf-8")


def test_clean_utf8_and_boms_need_no_warning() -> None:
    assert choose_encoding(Path("a"), "名称\n".encode(), True, None).warnings == ()
    assert choose_encoding(Path("a"), "名称\n".encode("utf-16"), True, None).encoding == "utf-16"
