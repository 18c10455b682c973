from __future__ import annotations

import json
import pickle
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from laborlens.core.model import (
    Finding,
    ListEntry,
    ListInfo,
    Reason,
    Record,
    RegimeOutcome,
    RowError,
    ScreenResult,
)


def test_row_error_names_file_row_and_column() -> None:
    e = RowError("not a number", "lat", 17, "suppliers.csv")
    assert str(e) == "suppliers.csv, row 17, column 'lat': not a number"
    assert str(RowError("empty file", source="x.csv")) == "x.csv: empty file"


def test_record_screenable_needs_one_key_field() -> None:
    assert not Record(1, "1", country="CN", phone="123").is_screenable()
    for field in ("name", "address", "registration_id", "hs_code", "product"):
        assert Record(1, "1", **{field: "x"}).is_screenable()


def test_finding_to_dict_drops_unset_fields_and_keeps_why_last() -> None:
    f = Finding(kind="region", region="CN-XJ", label="Xinjiang", evidence=("乌鲁木齐",), why="w")
    d = f.to_dict()
    assert d["kind"] == "region" and d["region"] == "CN-XJ" and d["evidence"] == ["乌鲁木齐"]
    assert "list" not in d and "entry_id" not in d
    assert list(d)[-1] == "why"


def test_screen_result_contract_shape() -> None:
    r = ScreenResult(
        row=3,
        id="S-3",
        risk="high",
        findings=(Finding(kind="listed_entity", why="x", effective_date=date(2024, 1, 2)),),
        regimes=(RegimeOutcome("us_uflpa", "presumption", (Reason("r", "entity_list"),)),),
        errors=(RowError("bad", "lat", 3, "f.csv"),),
        extra=(("buyer", "A"),),
    )
    d = json.loads(json.dumps(r.to_dict(), ensure_ascii=False))
    assert {"id", "row", "risk", "findings", "regimes", "errors"} <= set(d)
    assert d["findings"][0]["effective_date"] == "2024-01-02"
    assert d["regimes"][0] == {
        "regime": "us_uflpa",
        "outcome": "presumption",
        "reasons": ["r"],
        "reason_details": [{"text": "r", "rule": "entity_list"}],
    }
    assert d["errors"] == ["f.csv, row 3, column 'lat': bad"]
    assert d["extra"] == {"buyer": "A"}


@given(
    eff=st.none() | st.dates(),
    end=st.none() | st.dates(),
    as_of=st.dates(),
)
def test_entry_in_force_respects_both_dates(
    eff: date | None, end: date | None, as_of: date
) -> None:
    e = ListEntry("l", "1", "N", effective_date=eff, end_date=end)
    expected = (eff is None or as_of >= eff) and (end is None or as_of < end)
    assert e.in_force(as_of) is expected


def test_model_objects_pickle() -> None:
    info = ListInfo("l", "t", "p", "s", date(2024, 1, 1), 1, 1, "ab" * 32, False, "partial")
    assert pickle.loads(pickle.dumps(info)) == info
    assert info.version == "2024-01-01#" + "ab" * 6
