"""Schema checks for the listed-party knowledge base (reviewed data files under resources/kb)."""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from typing import Any

import pytest
import yaml

KB_FILES = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_bis_entity_list")
KINDS = {
    "name_zh",
    "name_zh_hant",
    "short_name_zh",
    "former_name",
    "former_name_zh",
    "trade_name",
    "ticker",
    "uscc",
    "parent",
    "subsidiary",
    "address",
}
FACT_KEYS = {"kind", "value", "source", "source_title", "note", "valid_from", "valid_to", "region"}
HAN = re.compile(r"[\u3400-\u9fff]")
HAN_KINDS = {"name_zh", "name_zh_hant", "short_name_zh", "former_name_zh"}
TICKER = re.compile(r"[0-9A-Z]+\.(SH|SZ|BJ|HK|US|TW|SG)")
HK_TICKER = re.compile(r"\d{4,5}\.HK")
USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def _load(list_id: str) -> dict[str, Any]:
    text = resources.files("laborlens").joinpath(f"resources/kb/{list_id}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def _fact_problems(fact: dict[str, Any]) -> list[str]:
    problems = [f"unknown key {k}" for k in set(fact) - FACT_KEYS]
    kind, value = fact.get("kind"), fact.get("value")
    if kind not in KINDS:
        problems.append(f"unknown kind {kind!r}")
    if not isinstance(value, str) or not value.strip():
        problems.append("empty value")
        return problems
    if not str(fact.get("source", "")).strip():
        problems.append("no source")
    if kind in HAN_KINDS and not HAN.search(value):
        problems.append(f"{kind} without Chinese characters: {value}")
    if kind == "ticker" and not TICKER.fullmatch(value):
        problems.append(f"ticker not CODE.EXCHANGE: {value}")
    if kind == "ticker" and value.endswith(".HK") and not HK_TICKER.fullmatch(value):
        problems.append(f"HK ticker needs 4-5 digits: {value}")
    if kind == "uscc" and not USCC.fullmatch(value):
        problems.append(f"malformed USCC: {value}")
    for key in ("valid_from", "valid_to"):
        if key in fact and not isinstance(fact[key], dt.date):
            problems.append(f"{key} is not an ISO date")
    return problems


@pytest.mark.parametrize("list_id", KB_FILES)
def test_kb_file_header_and_unique_entities(list_id: str) -> None:
    data = _load(list_id)
    assert data["schema"] == "laborlens-kb/1"
    assert data["list"] == list_id
    names = [e["name"] for e in data["entities"]]
    assert len(names) == len(set(names)), "an entity appears twice"
    for entity in data["entities"]:
        assert set(entity) == {"name", "facts"}, entity["name"]
        assert entity["facts"], f"{entity['name']}: no facts"


@pytest.mark.parametrize("list_id", KB_FILES)
def test_kb_facts_follow_the_schema(list_id: str) -> None:
    bad = []
    for entity in _load(list_id)["entities"]:
        seen: set[tuple[str, str]] = set()
        for fact in entity["facts"]:
            bad += [f"{entity['name']}: {p}" for p in _fact_problems(fact)]
            key = (fact["kind"], fact["value"])
            if key in seen:
                bad.append(f"{entity['name']}: duplicate fact {key}")
            seen.add(key)
    assert not bad, "\n".join(bad)


def test_fact_check_rejects_bad_facts() -> None:
    assert _fact_problems({"kind": "name_zh", "value": "Xinjiang Co", "source": "x"})
    assert _fact_problems({"kind": "ticker", "value": "600000", "source": "x"})
    assert _fact_problems({"kind": "ticker", "value": "20.HK", "source": "x"})
    assert _fact_problems({"kind": "name_zh", "value": "新疆", "source": " "})
    assert _fact_problems({"kind": "nickname", "value": "x", "source": "x"})
    assert not _fact_problems({"kind": "ticker", "value": "688631.SH", "source": "x"})
