"""names-v2 precision rules for thin evidence (docs/names.md "Thin evidence")."""

from __future__ import annotations

from datetime import date

from laborlens.core import names
from laborlens.core.model import ListEntry, ListInfo, Record

TODAY = date(2026, 6, 1)


def _index(*entries: ListEntry) -> names.NameIndex:
    info = ListInfo(
        "user", "user list", "tester", "test", date(2026, 1, 1), 1, 1, "ab" * 32, True, user=True
    )
    return names.build_name_index(entries, {"user": info})


def _cmp(idx: names.NameIndex, a: str, b: str) -> names.Comparison:
    return names.compare_names(idx, a, b)


IDX = _index(
    ListEntry("user", "u1", "EP-ITE"),
    ListEntry("user", "u2", "PTC GmbH"),
    ListEntry("user", "u3", "DESARROLLOS EVEREST, S.A. DE C.V."),
    ListEntry("user", "u4", "NORTH GROUP HOLDING CORP."),
    ListEntry("user", "u5", "VICTORY", schema="Vessel"),
    ListEntry("user", "u6", "TBEA Co., Ltd."),
)


def test_a_short_acronym_is_not_a_part_of_a_longer_name() -> None:
    c = _cmp(IDX, "ITE", "EP-ITE")
    assert names.band(c.score) is None and "short_acronym" in c.penalties
    # equal on both sides: a lead to review, not strong
    c = _cmp(IDX, "PTC", "PTC GmbH")
    assert names.band(c.score) == "possible" and "short_name" in c.penalties
    # an initialism is evidence of its own (capped as an abbreviation, not as an acronym)
    c = _cmp(IDX, "CNPC", "China National Petroleum Corporation")
    assert names.band(c.score) == "possible" and "short_acronym" not in c.penalties
    # four letters equal on both sides stay strong (a distinctive brand: TBEA)
    assert names.band(_cmp(IDX, "TBEA", "TBEA Co., Ltd.").score) == "strong"


def test_thin_evidence_is_capped_at_possible() -> None:
    assert "one_common_word" in _cmp(IDX, "BRIGHT", "BRIGHT").penalties
    c = _cmp(IDX, "FINANCE", "FINANCIAL CORPORATION")
    assert names.band(c.score) == "possible" and "lexicon_words_only" in c.penalties
    c = _cmp(IDX, "北方国际", "NORTH GROUP HOLDING CORP.")
    assert names.band(c.score) is None and "translation_only" in c.penalties


def test_a_one_word_name_inside_a_name_with_core_words_of_its_own_is_a_namesake() -> None:
    assert names.band(_cmp(IDX, "EVEREST", "DESARROLLOS EVEREST, S.A. DE C.V.").score) is None
    # a one-word name inside a name that only adds region, industry or legal words still counts
    idx = _index(ListEntry("user", "d", "Xinjiang Daqo New Energy Co., Ltd."))
    assert names.band(_cmp(idx, "DAQO", "Xinjiang Daqo New Energy Co., Ltd.").score) is not None


def test_vessels_are_not_compared_with_organisation_names() -> None:
    org = names.match_names(IDX, Record(1, "1", name="Victory Trading Co., Ltd."), TODAY)
    assert "u5" not in {f.entry_id for f in org}
    plain = names.match_names(IDX, Record(1, "1", name="VICTORY"), TODAY)
    assert "u5" in {f.entry_id for f in plain}
    both = names.match_names(
        IDX,
        Record(1, "1", name="Victory Trading Co., Ltd."),
        TODAY,
        names.MatchConfig(assets_vs_orgs=True),
    )
    assert "u5" in {f.entry_id for f in both} or not both
