"""The knowledge-base files (``resources/kb/*.yaml``, schema ``laborlens-kb/1``), validated.

One file per source list; each entity is named exactly as the official list first printed it and
carries facts of a closed vocabulary, each with its public source. A malformed file raises
:class:`KBError` naming the file, the entity and the fact. Traditional-script forms of every
Chinese name are derived with OpenCC and added as facts marked ``derived`` (kept apart from
traditional forms a source actually printed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from laborlens.core.kb import tickers
from laborlens.core.resources import ResourceError

SCHEMA = "laborlens-kb/1"

#: Fact kinds and what they are (KB_SCHEMA: closed vocabulary).
KINDS: dict[str, str] = {
    "name_zh": "registered Chinese name",
    "name_zh_hant": "Chinese name in traditional characters",
    "short_name_zh": "Chinese short name",
    "former_name": "former name",
    "former_name_zh": "former Chinese name",
    "trade_name": "trade name",
    "ticker": "stock ticker",
    "uscc": "Unified Social Credit Code",
    "parent": "parent company",
    "subsidiary": "subsidiary",
    "address": "address",
}
#: Kinds whose value is another name of the entity itself (matched as an alias).
NAME_KINDS = frozenset(
    {"name_zh", "name_zh_hant", "short_name_zh", "former_name", "former_name_zh", "trade_name"}
)
#: Kinds naming another party (matched as a related party, never as the entity).
RELATED_KINDS = frozenset({"parent", "subsidiary"})
_HAN = re.compile(r"[\u3400-\u9fff]")
_FIELDS = frozenset(
    {"kind", "value", "source", "source_title", "note", "valid_from", "valid_to", "region"}
)


class KBError(ResourceError):
    """A knowledge-base file is malformed; the message names the file, entity and fact."""


@dataclass(frozen=True, slots=True)
class KBFact:
    """One public fact about a listed entity, with its source.

    ``derived`` facts were computed by laborlens from another fact (``derived_from``): the
    traditional-script forms of a Chinese name.
    """

    kind: str
    value: str
    source: str
    source_title: str | None = None
    note: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    region: str | None = None
    derived: bool = False
    derived_from: str | None = None

    def label(self) -> str:
        """``registered Chinese name 新疆大全新能源股份有限公司`` (``(derived)`` when so)."""
        text = f"{KINDS[self.kind]} {self.value}"
        return f"{text} (derived with OpenCC from {self.derived_from})" if self.derived else text

    def in_force(self, as_of: date) -> bool:
        if self.valid_from and as_of < self.valid_from:
            return False
        return not (self.valid_to and as_of >= self.valid_to)


@dataclass(frozen=True, slots=True)
class KBEntity:
    """A listed entity as a knowledge-base file describes it."""

    list_id: str
    name: str
    facts: tuple[KBFact, ...]
    file: str = ""

    def of(self, *kinds: str) -> tuple[KBFact, ...]:
        return tuple(f for f in self.facts if f.kind in kinds)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    entities: tuple[KBEntity, ...] = ()

    def for_list(self, list_id: str) -> tuple[KBEntity, ...]:
        return tuple(e for e in self.entities if e.list_id == list_id)


@cache
def _converters() -> tuple[tuple[str, Any], ...]:
    import opencc

    # s2twp also turns mainland terms into Taiwan ones (硅 -> 矽), which t2s does not undo
    return tuple((c, opencc.OpenCC(c).convert) for c in ("s2t", "s2hk", "s2tw", "s2twp"))


def traditional_forms(text: str) -> list[str]:
    """The traditional-script forms of a simplified Chinese name (those that differ)."""
    out: list[str] = []
    for _, convert in _converters():
        form = str(convert(text))
        if form != text and form not in out:
            out.append(form)
    return out


def _derive(facts: Sequence[KBFact]) -> list[KBFact]:
    published = {f.value for f in facts if f.kind == "name_zh_hant"}
    out: list[KBFact] = []
    for f in facts:
        if f.kind not in ("name_zh", "short_name_zh", "former_name_zh"):
            continue
        for form in traditional_forms(f.value):
            if form in published or any(d.value == form for d in out):
                continue
            out.append(
                KBFact(
                    "name_zh_hant" if f.kind == "name_zh" else f.kind,
                    form,
                    f.source,
                    f.source_title,
                    "traditional form derived with OpenCC",
                    f.valid_from,
                    f.valid_to,
                    derived=True,
                    derived_from=f.value,
                )
            )
    return out


def _day(where: str, value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise KBError(f"{where}: expected a date YYYY-MM-DD, got {value!r}") from None


def _check_value(where: str, kind: str, value: str) -> None:
    if kind in ("name_zh", "name_zh_hant", "short_name_zh", "former_name_zh") and not _HAN.search(
        value
    ):
        raise KBError(f"{where}: field 'value': a {kind} must contain Chinese characters")
    if kind == "ticker":
        try:
            tickers.split(value)
        except tickers.TickerError as exc:
            raise KBError(f"{where}: field 'value': {exc}") from None
    if kind == "uscc":
        from stdnum.cn import uscc

        if not uscc.is_valid(value):
            raise KBError(f"{where}: field 'value': '{value}' is not a valid USCC")


def _fact(where: str, raw: Any) -> KBFact:
    if not isinstance(raw, Mapping):
        raise KBError(f"{where}: expected a mapping, got {raw!r}")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise KBError(f"{where}: unknown field(s) {', '.join(unknown)}")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise KBError(f"{where}: field 'kind': {kind!r} is not one of {', '.join(KINDS)}")
    for key in ("value", "source"):
        v = raw.get(key)
        if not isinstance(v, str | int) or not str(v).strip():
            raise KBError(f"{where}: field '{key}' is required (non-empty text)")
    value = str(raw["value"]).strip()
    _check_value(where, kind, value)
    start = _day(f"{where}: field 'valid_from'", raw.get("valid_from"))
    end = _day(f"{where}: field 'valid_to'", raw.get("valid_to"))
    if start and end and end <= start:
        raise KBError(f"{where}: field 'valid_to' must be after valid_from")
    return KBFact(
        kind,
        value,
        str(raw["source"]).strip(),
        str(raw["source_title"]) if raw.get("source_title") else None,
        str(raw["note"]) if raw.get("note") else None,
        start,
        end,
        str(raw["region"]) if raw.get("region") else None,
    )


def parse_file(file: str, data: Any, known_lists: Sequence[str] = ()) -> list[KBEntity]:
    """Validate one parsed KB document (see the module docstring)."""
    if not isinstance(data, Mapping):
        raise KBError(f"{file}: expected a mapping with schema, list and entities")
    if data.get("schema") != SCHEMA:
        raise KBError(f"{file}: field 'schema': expected {SCHEMA}, got {data.get('schema')!r}")
    list_id = data.get("list")
    if not isinstance(list_id, str) or (known_lists and list_id not in known_lists):
        raise KBError(f"{file}: field 'list': {list_id!r} is not a bundled list id")
    entities = data.get("entities")
    if not isinstance(entities, list):
        raise KBError(f"{file}: field 'entities': expected a list")
    out: list[KBEntity] = []
    seen: set[str] = set()
    for i, raw in enumerate(entities):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        where = f"{file}: entities[{i}]"
        if not isinstance(name, str) or not name.strip():
            raise KBError(f"{where}: field 'name' is required")
        where = f"{where} ('{name}')"
        if name in seen:
            raise KBError(f"{where}: the entity is described twice in this file")
        seen.add(name)
        facts_raw = raw.get("facts")
        if not isinstance(facts_raw, list) or not facts_raw:
            raise KBError(f"{where}: field 'facts': expected a non-empty list")
        facts = [_fact(f"{where}: facts[{j}]", f) for j, f in enumerate(facts_raw)]
        out.append(KBEntity(list_id, name.strip(), tuple(facts + _derive(facts)), file))
    return out
