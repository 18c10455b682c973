"""Every rule cites the primary instrument (statute, regulation, official notice) first; a
secondary source (commentary, news, a copy) is only ever a note beside it."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import pytest

from laborlens.core import resources, rules
from laborlens.core.model import Finding
from laborlens.core.rules import REGIME_IDS, RegimeError, evaluate
from laborlens.core.rules.schema import SECONDARY_MARKER, citation_text

RS = rules.load_regimes()

#: Hosts of the publishers of primary instruments (legislatures, gazettes, agencies).
OFFICIAL_HOSTS = (
    "govinfo.gov",
    "federalregister.gov",
    "ecfr.gov",
    "regulations.gov",
    "cbp.gov",
    "dhs.gov",
    "dol.gov",
    "treas.gov",
    "europa.eu",
    "gc.ca",
    "gob.mx",
)
#: What a primary citation names: a section, article, tariff item, CFR part, Federal Register
#: page, Official Journal or Diario Oficial publication, or an official list or notice.
INSTRUMENT = re.compile(
    r"§|\bArt\. \d|tariff item|\bCFR\b|\bFR\b|\bOJ L\b|\bDOF\b|Pub\. L\.|S\.C\. \d{4}|"
    r"\bList\b|\bWRO\b|Executive Order|Strategy"
)


def _official(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS)


def _rules() -> list[rules.Rule]:
    return [rule for regime in RS.regimes for rule in regime.rules]


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r.qualified_id)
def test_every_rule_cites_a_primary_instrument(rule: rules.Rule) -> None:
    primary = rule.citation_primary
    assert primary, f"{rule.qualified_id} has no primary citation"
    assert SECONDARY_MARKER not in primary.lower()
    assert INSTRUMENT.search(primary), f"{rule.qualified_id}: {primary!r} names no instrument"
    urls = re.findall(r"https?://[^\s);]+", primary)
    off = [u for u in urls if not _official(u)]
    assert not off, f"{rule.qualified_id}: primary citation links a non-official source {off}"


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r.qualified_id)
def test_the_reason_citation_reads_primary_first(rule: rules.Rule) -> None:
    assert rule.citation.startswith(rule.citation_primary)
    assert rule.citation == citation_text(rule.citation_primary, rule.citation_secondary)
    if rule.citation_secondary:
        assert rule.citation.index(rule.citation_secondary) > len(rule.citation_primary)


def _text(name: str) -> str:
    return resources.read_text(f"regimes/{name}")


def test_a_rule_citing_only_a_secondary_source_is_rejected() -> None:
    text = _text("mx_forced_labour.yaml")
    old = re.search(r"    citation:\n      primary: .*\n      secondary: (.*)\n", text)
    assert old is not None
    only_secondary = f"    citation:\n      primary: {old.group(1)}\n"
    bad = text.replace(old.group(0), only_secondary, 1)
    with pytest.raises(RegimeError, match=r"rules\[0\]\.citation\.primary'.*secondary source"):
        rules.load_regimes({"mx_forced_labour.yaml": bad})


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ('    citation: "Acuerdo DOF 2023-02-17"\n', r"rules\[0\]\.citation'.*primary"),
        ("    citation:\n      secondary: x\n", r"rules\[0\]\.citation\.primary'.*required"),
        ("    citation:\n      primary: x\n      sources: y\n", r"rules\[0\]\.citation\.sources'"),
    ],
)
def test_a_citation_without_the_primary_field_names_the_field(new: str, message: str) -> None:
    text = _text("mx_forced_labour.yaml")
    old = re.search(r"    citation:\n      primary: .*\n      secondary: .*\n", text)
    assert old is not None
    with pytest.raises(RegimeError, match=message):
        rules.load_regimes({"mx_forced_labour.yaml": text.replace(old.group(0), new, 1)})


def test_regime_citations_are_primary_first() -> None:
    for regime in RS.regimes:
        for cited in (regime.citation, regime.effective_from_citation):
            head = cited.split("; note: ")[0]
            assert SECONDARY_MARKER not in head.lower(), (regime.id, cited)
            assert INSTRUMENT.search(head), (regime.id, cited)


def test_screening_reason_carries_the_primary_citation() -> None:
    xj = Finding(kind="region", region="CN-XJ", label="Xinjiang", score=0.95, why="address")
    out = evaluate(RS, [xj], country="CN", as_of=date(2026, 1, 1))
    assert {o.regime for o in out} == set(REGIME_IDS)
    uflpa = next(o for o in out if o.regime == "us_uflpa")
    reason = uflpa.reasons[0]
    assert reason.citation.startswith("Uyghur Forced Labor Prevention Act, Pub. L. 117-78")
    assert "§3(a)" in reason.citation.split("; note: ")[0]


def test_corrected_dates() -> None:
    s307 = RS.get("us_307")
    assert s307.effective_from == date(1930, 6, 17)  # convict labour
    forced = [r for r in s307.rules if r.id in {"dol_forced_labour", "dol_forced_child_labour"}]
    assert forced and all(r.effective_from == date(1932, 1, 1) for r in forced)
    assert "1932-01-01" in s307.effective_from_citation
    ca = RS.get("ca_forced_labour")
    assert ca.effective_from == date(2020, 7, 1)
    assert "Royal Assent 2020-03-13" in ca.citation
    assert re.search(r"^enacted: 2020-03-13\b", _text("ca_forced_labour.yaml"), re.M)
