"""The domain model shared by every layer: records in, findings and decisions out.

These are frozen, slotted dataclasses: cheap to create in the hot screening loop, hashable,
picklable for worker processes, and impossible to mutate by accident once a finding has been
explained. ``to_dict`` gives the public JSON shape of docs/contracts.md (``None`` fields dropped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, Literal, TypeVar, get_args, get_type_hints

Risk = Literal["high", "medium", "low", "none"]
MatchBand = Literal["strong", "possible"]
_T = TypeVar("_T")

#: The input columns of docs/contracts.md, in output order.
RECORD_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "aliases",
    "address",
    "country",
    "registration_id",
    "phone",
    "hs_code",
    "product",
    "lat",
    "lon",
)

#: A record is screenable only when it carries at least one of these.
SCREENABLE_FIELDS: tuple[str, ...] = ("name", "address", "registration_id", "hs_code", "product")

RISK_ORDER: dict[str, int] = {"none": 0, "low": 1, "medium": 2, "high": 3}


def in_force(as_of: date, start: date | None, end: date | None = None) -> bool:
    """Whether something dated ``start`` .. ``end`` applies on ``as_of``: the one as-of test of
    the package (list entries, regimes, rules, sector designations, shipments).

    ``start`` is inclusive (``None``: always started), ``end`` exclusive (``None``: open).
    """
    if start is not None and as_of < start:
        return False
    return end is None or as_of < end


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one input row (or the whole file when ``row`` is 0).

    Attributes:
        message: what is wrong, in plain words.
        column: the input column concerned, if any.
        row: 1-based data row number (0 for file-level problems).
        source: the file (or other source) name.
    """

    message: str
    column: str | None = None
    row: int = 0
    source: str | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass(frozen=True, slots=True)
class Record:
    """One party / place / product row to screen (docs/contracts.md).

    Text fields are stripped; empty strings become ``None``. ``extra`` carries every other input
    column through untouched, in input order. ``errors`` holds problems the reader found in this
    row (for example a latitude that is not a number); the row is still screened on what is usable.
    """

    row: int
    id: str
    name: str | None = None
    aliases: tuple[str, ...] = ()
    address: str | None = None
    country: str | None = None
    registration_id: str | None = None
    phone: str | None = None
    hs_code: str | None = None
    product: str | None = None
    lat: float | None = None
    lon: float | None = None
    extra: tuple[tuple[str, str], ...] = ()
    errors: tuple[RowError, ...] = ()
    source: str | None = None

    def is_screenable(self) -> bool:
        """True when at least one of name, address, registration_id, hs_code, product is set."""
        return any(getattr(self, f) for f in SCREENABLE_FIELDS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One explained observation about a record.

    ``kind`` is one of ``listed_entity``, ``related_party``, ``region``, ``sector``,
    ``goods_list`` (and later kinds documented in docs/). Only the fields that make sense for a
    kind are set; ``to_dict`` drops the rest. ``why`` is always a human-readable explanation;
    ``details`` holds the machine-readable parts of it (which query part matched which
    reference part, and how).
    """

    kind: str
    why: str
    score: float = 1.0
    # listed_entity / related_party
    list: str | None = None
    list_version: str | None = None
    entry_id: str | None = None
    entry_name: str | None = None
    match: MatchBand | None = None
    matched_name: str | None = None
    # the date the entry took effect on its list (drives --as-of evaluation)
    effective_date: date | None = None
    # region
    region: str | None = None
    label: str | None = None
    evidence: tuple[str, ...] = ()
    # sector / goods_list
    sector: str | None = None
    hs_code: str | None = None
    regime: str | None = None
    good: str | None = None
    country: str | None = None
    # provenance
    field: str | None = None
    algorithm: str | None = None
    details: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape: set fields only, dates as ISO strings."""
        out: dict[str, Any] = {"kind": self.kind}
        for name in _FINDING_ORDER:
            value = getattr(self, name)
            if value is None or value == ():
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif name == "evidence":
                value = list(value)
            elif name == "details":
                value = {k: _jsonable(v) for k, v in value}
            elif name == "score":
                value = round(float(value), 4)
            out[name] = value
        out["why"] = self.why
        return out


_FINDING_ORDER: tuple[str, ...] = (
    "list",
    "list_version",
    "entry_id",
    "entry_name",
    "matched_name",
    "score",
    "match",
    "effective_date",
    "region",
    "label",
    "evidence",
    "sector",
    "hs_code",
    "regime",
    "good",
    "country",
    "field",
    "algorithm",
    "details",
)


def json_fields(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    """``obj``'s fields ``names`` as public JSON: dates as ISO text, tuples as lists, objects with
    ``to_mapping`` as mappings; ``None`` and empty tuples left out."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        if value is None or value == ():
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif hasattr(value, "to_mapping"):
            value = value.to_mapping()
        out[name] = value
    return out


def from_json_fields(cls: type[_T], data: Mapping[str, Any], **given: Any) -> _T:
    """The inverse of :func:`json_fields`: a dataclass from its JSON (ISO dates and times back to
    ``date``/``datetime``, lists to tuples, mappings through ``from_mapping``); ``given`` values
    win."""
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in given or f.name not in data or data[f.name] is None:
            continue
        value, hint = data[f.name], hints[f.name]
        kinds = set(get_args(hint)) | {hint}
        if datetime in kinds:
            value = datetime.fromisoformat(value)
        elif date in kinds:
            value = date.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(value)
        elif isinstance(value, Mapping) and hasattr(hint, "from_mapping"):
            value = hint.from_mapping(value)
        values[f.name] = value
    return cls(**values, **given)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a regime reached its outcome: the finding, the rule and the citation."""

    text: str
    rule: str
    citation: str | None = None
    finding_kind: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "rule": self.rule}
        if self.citation:
            out["citation"] = self.citation
        if self.finding_kind:
            out["finding_kind"] = self.finding_kind
        return out


@dataclass(frozen=True, slots=True)
class RegimeOutcome:
    """The outcome of one regime for one record, as of a date."""

    regime: str
    outcome: str
    reasons: tuple[Reason, ...] = ()
    evidence_needed: tuple[str, ...] = ()
    effect: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "regime": self.regime,
            "outcome": self.outcome,
            "reasons": [r.text for r in self.reasons],
        }
        if self.reasons:
            out["reason_details"] = [r.to_dict() for r in self.reasons]
        if self.effect:
            out["effect"] = self.effect
        if self.evidence_needed:
            out["evidence_needed"] = list(self.evidence_needed)
        return out


class Parts:
    """The public dicts of findings and regime outcomes, made once per object.

    Screening reuses the objects of repeated values (one tuple of outcomes for every record
    with the same findings signature), so a writer converting millions of results converts each
    shared object once. Keyed by identity, holding the object so that its id stays its own;
    emptied when it reaches ``limit`` entries. The dicts are shared: do not modify them.
    """

    __slots__ = ("_findings", "_regimes", "limit")

    def __init__(self, limit: int = 50_000) -> None:
        self._findings: dict[int, tuple[Finding, dict[str, Any]]] = {}
        self._regimes: dict[int, tuple[tuple[RegimeOutcome, ...], list[dict[str, Any]]]] = {}
        self.limit = limit

    def finding(self, f: Finding) -> dict[str, Any]:
        hit = self._findings.get(id(f))
        if hit is not None and hit[0] is f:
            return hit[1]
        if len(self._findings) >= self.limit:
            self._findings.clear()
        out = f.to_dict()
        self._findings[id(f)] = (f, out)
        return out

    def regimes(self, outcomes: tuple[RegimeOutcome, ...]) -> list[dict[str, Any]]:
        hit = self._regimes.get(id(outcomes))
        if hit is not None and hit[0] is outcomes:
            return hit[1]
        if len(self._regimes) >= self.limit:
            self._regimes.clear()
        out = [o.to_dict() for o in outcomes]
        self._regimes[id(outcomes)] = (outcomes, out)
        return out


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """The screening output for one input row (docs/contracts.md)."""

    row: int
    id: str
    risk: Risk
    findings: tuple[Finding, ...] = ()
    regimes: tuple[RegimeOutcome, ...] = ()
    errors: tuple[RowError, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    country: str | None = None
    country_inferred: bool = False
    as_of: date | None = None
    algorithms: tuple[str, ...] = field(default=())
    source: str | None = None

    def to_dict(self, parts: Parts | None = None) -> dict[str, Any]:
        """The public JSON shape; ``parts`` reuses the dicts of findings and regime outcomes
        that many results share (an output writer's)."""
        if parts is None:
            findings = [f.to_dict() for f in self.findings]
            regimes = [r.to_dict() for r in self.regimes]
        else:
            findings = [parts.finding(f) for f in self.findings]
            regimes = parts.regimes(self.regimes)
        out: dict[str, Any] = {
            "id": self.id,
            "row": self.row,
            "risk": self.risk,
            "findings": findings,
            "regimes": regimes,
            "errors": [str(e) for e in self.errors],
        }
        if self.country:
            out["country"] = self.country
            if self.country_inferred:
                out["country_inferred"] = True
        if self.as_of:
            out["as_of"] = self.as_of.isoformat()
        if self.algorithms:
            out["algorithms"] = list(self.algorithms)
        if self.source:
            out["source"] = self.source
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of a reference list (an entity, a vessel, a region-wide order, a good).

    Attributes:
        list_id: the list's id (e.g. ``us_uflpa_entity_list``).
        entry_id: stable id within the list.
        name: the primary name as published.
        aliases: other names as published (a/k/a, f/k/a, translations).
        schema: ``Company``, ``Person``, ``Vessel``, ``Organization``, ``Region`` …
        addresses: addresses as published.
        countries: ISO 3166-1 alpha-2 codes where known.
        programs: sanctions programmes / sub-lists (e.g. ``2(d)(2)(B)(ii)``, ``GLOMAG``).
        effective_date: when the entry took effect (``None`` when the source does not say).
        end_date: when it stopped applying (``None`` when still in force).
        subsidiaries: the list names the entry "and subsidiaries" (related-party matching).
        properties: further published facts (industry, merchandise, notices), as text pairs.
        source: where the row came from.
        former_names: the aliases that are former names ("formerly known as"), a subset of
            ``aliases``.
        name_since: names (the primary name or aliases) that apply only from a date later than
            ``effective_date`` (a name added or a row renamed by a later notice), as
            ``(name, date)`` pairs; every other name applies from ``effective_date``.
    """

    list_id: str
    entry_id: str
    name: str
    aliases: tuple[str, ...] = ()
    schema: str = "Company"
    addresses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    effective_date: date | None = None
    end_date: date | None = None
    subsidiaries: bool = False
    properties: tuple[tuple[str, str], ...] = ()
    source: str | None = None
    former_names: tuple[str, ...] = ()
    name_since: tuple[tuple[str, date], ...] = ()

    def names(self) -> tuple[str, ...]:
        """The primary name followed by every alias."""
        return (self.name, *self.aliases)

    def in_force(self, as_of: date) -> bool:
        """Whether the entry applies on ``as_of`` (unknown start dates count as in force)."""
        return in_force(as_of, self.effective_date, self.end_date)

    def name_in_force(self, name: str, as_of: date) -> bool:
        """Whether ``name`` (one of :meth:`names`) identifies the entry on ``as_of``."""
        for known, since in self.name_since:
            if known == name:
                return as_of >= since
        return True

    def prop(self, key: str) -> str | None:
        for k, v in self.properties:
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class ListInfo:
    """Manifest facts about one bundled or user list.

    ``published`` is the publisher's own "last updated" date of the copy when it prints one;
    ``snapshot_date`` is when the copy was taken. ``cadence_days`` is how often the publisher
    changes the list (at most): a copy older than that is ``stale`` (set by
    :func:`laborlens.core.lists.with_freshness` for the day of the run). ``origin`` says where
    the copy in use came from: ``bundled``, ``downloaded`` (``lists update``), ``imported``
    (``lists import``) or ``user`` (``--list-file``).
    """

    list_id: str
    title: str
    publisher: str
    source: str
    snapshot_date: date | None
    rows: int
    entries: int
    sha256: str
    complete: bool
    completeness_note: str | None = None
    kind: str = "entities"  # entities | goods
    user: bool = False
    published: date | None = None
    cadence_days: int | None = None
    cadence: str | None = None
    stale: bool = False
    origin: str = "bundled"

    def age_days(self, today: date) -> int | None:
        """Days since the snapshot was taken (``None`` when undated)."""
        return (today - self.snapshot_date).days if self.snapshot_date else None

    def is_stale(self, today: date) -> bool:
        """Whether the snapshot is older than the publisher's update cadence on ``today``."""
        age = self.age_days(today)
        return bool(self.cadence_days and age is not None and age > self.cadence_days)

    @property
    def version(self) -> str:
        """A short version label: snapshot date plus hash prefix."""
        day = self.snapshot_date.isoformat() if self.snapshot_date else "undated"
        return f"{day}#{self.sha256[:12]}"
