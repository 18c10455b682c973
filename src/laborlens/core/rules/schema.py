"""Regimes as data: the typed, validated form of ``resources/regimes/*.yaml``.

Every regime file is checked on load; a malformed file raises :class:`RegimeError` whose message
names the file and the field (``us_uflpa.yaml: rules[2].outcome: ...``). The loaded objects are
frozen dataclasses (hashable, picklable) so a :class:`RegimeSet` can travel to worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from laborlens.core.memo import Memo
from laborlens.core.model import in_force
from laborlens.core.resources import ResourceError

#: The public regime ids, in output order (docs/contracts.md).
REGIME_IDS: tuple[str, ...] = (
    "us_uflpa",
    "us_307",
    "eu_flr",
    "ca_forced_labour",
    "mx_forced_labour",
)

#: The outcome vocabulary, strongest first (docs/regimes.md).
OUTCOMES: tuple[str, ...] = (
    "presumption",
    "prohibited_entity",
    "elevated_risk",
    "no_trigger",
    "not_in_force",
)
#: Outcomes a rule may produce (the last two are the evaluator's own).
RULE_OUTCOMES: tuple[str, ...] = ("presumption", "prohibited_entity", "elevated_risk")
RISKS: tuple[str, ...] = ("high", "medium", "low")

#: Finding attributes a rule condition may test (plus ``details.<key>``).
FINDING_FIELDS: frozenset[str] = frozenset(
    {"kind", "list", "region", "match", "regime", "sector", "good", "country", "field"}
)
#: Condition keys that are not finding attributes.
#: ``record_region``: a region the record (or an upstream input) is located in, from its
#: strong region findings; ``XPCC`` for a Xinjiang finding flagged as an XPCC unit.
SPECIAL_CONDITIONS: frozenset[str] = frozenset(
    {"record_country", "sector_designated_by", "record_region"}
)
#: The marker a secondary source (law-firm note, news report, copy) carries in a citation; a
#: ``primary:`` citation may not carry it (docs/regimes.md, "Citations").
SECONDARY_MARKER = "[secondary"


class RegimeError(ResourceError):
    """A regime or evidence file is malformed; the message names the file and the field."""


class EvidenceCategory(NamedTuple):
    """One category of evidence (an id the evidence registry maps document types onto)."""

    id: str
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class ChallengePath:
    """A way to answer an outcome (e.g. UFLPA applicability review) and the evidence it needs."""

    id: str
    label: str
    claim: str
    evidence: tuple[str, ...]
    citation: str


@dataclass(frozen=True, slots=True)
class Condition:
    """One test of a rule: ``key`` (finding field, ``details.x`` or special) in ``values``."""

    key: str
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """A trigger: when a finding meets every condition, the regime reaches ``outcome``."""

    id: str
    regime: str
    conditions: tuple[Condition, ...]
    outcome: str
    risk: str
    paths: tuple[str, ...]
    text: str
    #: the citation as written into every :class:`Reason`: the primary source first, then any
    #: secondary source as a note
    citation: str
    effective_from: date | None = None
    effective_to: date | None = None
    #: the statute, regulation or official notice the rule rests on
    citation_primary: str = ""
    #: a secondary source (commentary, a copy) kept only as a note; may be empty
    citation_secondary: str = ""
    #: the finding kinds this rule can apply to (from its ``kind`` condition; empty = any)
    kinds: tuple[str, ...] = ()

    @property
    def qualified_id(self) -> str:
        """``regime.rule`` — the id written into every :class:`Reason`."""
        return f"{self.regime}.{self.id}"

    def in_force(self, as_of: date) -> bool:
        return in_force(as_of, self.effective_from, self.effective_to)


@dataclass(frozen=True, slots=True)
class SectorDesignation:
    """A sector a regime names (e.g. a UFLPA high-priority sector) and since when."""

    sector: str
    designated_on: date
    citation: str


@dataclass(frozen=True, slots=True)
class TaintRegion:
    """A region whose goods a regime presumes made with forced labour ("wholly or in part")."""

    code: str
    label: str
    citation: str


@dataclass(frozen=True, slots=True)
class Regime:
    """One regime, as data: dates, legal effect, burden, challenge paths and rules."""

    id: str
    name: str
    jurisdiction: str
    instrument: str
    citation: str
    enforcing_body: str
    effective_from: date
    effective_from_citation: str
    effective_to: date | None
    presumption: bool
    burden: str
    standard_of_proof: str
    legal_effect: tuple[tuple[str, str], ...]
    challenge_paths: tuple[ChallengePath, ...]
    rules: tuple[Rule, ...]
    sectors: tuple[SectorDesignation, ...] = ()
    activities: tuple[str, ...] = ()
    source_file: str = ""
    #: regions whose goods the regime presumes made with forced labour (ISO 3166-2 codes)
    taint_regions: tuple[TaintRegion, ...] = ()

    def in_force(self, as_of: date) -> bool:
        return in_force(as_of, self.effective_from, self.effective_to)

    def effect(self, outcome: str) -> str | None:
        for k, v in self.legal_effect:
            if k == outcome:
                return v
        return None

    def path(self, path_id: str) -> ChallengePath:
        for p in self.challenge_paths:
            if p.id == path_id:
                return p
        raise KeyError(path_id)

    def sector(self, name: str, as_of: date | None = None) -> SectorDesignation | None:
        """The designation of ``name`` (in force on ``as_of`` when given), else ``None``."""
        for s in self.sectors:
            if s.sector == name and (as_of is None or in_force(as_of, s.designated_on)):
                return s
        return None


@dataclass(frozen=True, slots=True)
class RegimeSet:
    """Every regime, in the public order, plus the evidence categories they refer to."""

    regimes: tuple[Regime, ...]
    evidence: tuple[EvidenceCategory, ...]
    #: the evaluator's compiled plans per date (derived from the fields above; pickles empty)
    memo: Memo = field(default_factory=Memo, compare=False, repr=False)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.regimes)

    def get(self, regime_id: str) -> Regime:
        for r in self.regimes:
            if r.id == regime_id:
                return r
        raise KeyError(f"unknown regime '{regime_id}'; known: {', '.join(self.ids)}")

    def rule(self, qualified_id: str) -> Rule | None:
        regime_id, _, rule_id = qualified_id.partition(".")
        for r in self.regimes:
            if r.id == regime_id:
                for rule in r.rules:
                    if rule.id == rule_id:
                        return rule
        return None

    def label(self, category_id: str) -> str:
        for c in self.evidence:
            if c.id == category_id:
                return c.label
        return category_id

    # --- the registry of sectors and regions: the one place products, rules and chains ask

    def designations(self) -> dict[str, tuple[tuple[str, date], ...]]:
        """Sector -> ``(regime id, designated on)`` of every regime naming it, in file order
        (the sector ids are the public plain words, e.g. ``caustic soda``)."""
        out: dict[str, list[tuple[str, date]]] = {}
        for regime in self.regimes:
            for s in regime.sectors:
                out.setdefault(s.sector, []).append((regime.id, s.designated_on))
        return {k: tuple(v) for k, v in out.items()}

    def designated(self, as_of: date) -> frozenset[tuple[str, str]]:
        """``(regime id, sector)`` of every designation in force on ``as_of``."""
        return frozenset(
            (r.id, s.sector)
            for r in self.regimes
            for s in r.sectors
            if in_force(as_of, s.designated_on)
        )

    @property
    def taint_regions(self) -> frozenset[str]:
        """Codes of the regions any regime presumes made with forced labour (``CN-XJ``)."""
        codes: frozenset[str] | None = self.memo.data.get("taint_regions")
        if codes is None:
            codes = frozenset(t.code for r in self.regimes for t in r.taint_regions)
            self.memo.put("taint_regions", codes)
        return codes


# --- validation --------------------------------------------------------------------------------


class _Reader:
    """Typed access to one parsed YAML mapping, with errors naming the file and the field."""

    def __init__(self, file: str, data: Any, where: str = "") -> None:
        self.file = file
        self.where = where
        if not isinstance(data, Mapping):
            raise self.error("", f"expected a mapping, got {type(data).__name__}")
        self.data: Mapping[str, Any] = data

    def _field(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where and key else (self.where or key)

    def error(self, key: str, message: str) -> RegimeError:
        field = self._field(key)
        return RegimeError(
            f"{self.file}: field '{field}': {message}" if field else f"{self.file}: {message}"
        )

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def text(self, key: str, *, optional: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if optional:
                return ""
            raise self.error(key, "is required")
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"expected non-empty text, got {value!r}")
        return value.strip()

    def cited(self, key: str) -> tuple[str, str]:
        """A citation ``{primary: ..., secondary: ...}``: ``(primary, secondary)``.

        ``primary`` (the statute, regulation or official notice) is required and may not be a
        source marked secondary; ``secondary`` is optional.
        """
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            raise self.error(
                key, f"expected {{primary: ..., secondary: ...}}, primary first; got {value!r}"
            )
        inner = _Reader(self.file, value, self._field(key))
        unknown = sorted(str(k) for k in value if k not in ("primary", "secondary"))
        if unknown:
            raise inner.error(unknown[0], "unknown citation field; use primary and secondary")
        primary = inner.text("primary")
        if SECONDARY_MARKER in primary.lower():
            raise inner.error(
                "primary", "cites only a secondary source; cite the statute, regulation or notice"
            )
        return primary, inner.text("secondary", optional=True)

    def day(self, key: str, *, optional: bool = False) -> date | None:
        value = self.data.get(key)
        if value is None:
            if optional:
                return None
            raise self.error(key, "is required (YYYY-MM-DD)")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.error(key, f"expected a date YYYY-MM-DD, got {value!r}")

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {value!r}")
        return value

    def texts(self, key: str, *, optional: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None and optional:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, f"expected a list of text, got {value!r}")
        return tuple(value)

    def items(self, key: str, *, optional: bool = False) -> list[_Reader]:
        value = self.data.get(key)
        if value is None and optional:
            return []
        if not isinstance(value, list) or not value:
            raise self.error(key, "expected a non-empty list")
        return [_Reader(self.file, v, f"{self._field(key)}[{i}]") for i, v in enumerate(value)]

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.data.get(key)
        if not isinstance(value, Mapping) or not value:
            raise self.error(key, "expected a non-empty mapping")
        return value


def citation_text(primary: str, secondary: str = "") -> str:
    """One citation line, primary source first: ``primary; note: secondary``."""
    return f"{primary}; note: {secondary}" if secondary else primary


def parse_evidence(file: str, data: Any) -> tuple[EvidenceCategory, ...]:
    """Validate the evidence-category file."""
    top = _Reader(file, data)
    out: list[EvidenceCategory] = []
    seen: set[str] = set()
    for item in top.items("categories"):
        cid = item.text("id")
        if cid in seen:
            raise item.error("id", f"duplicate category id '{cid}'")
        seen.add(cid)
        item.texts("examples", optional=True)
        out.append(EvidenceCategory(cid, item.text("label"), item.text("source")))
    return tuple(out)


def _condition(reader: _Reader, key: str, value: Any) -> Condition:
    if (
        key not in FINDING_FIELDS
        and key not in SPECIAL_CONDITIONS
        and not (key.startswith("details.") and len(key) > len("details."))
    ):
        known = ", ".join(sorted(FINDING_FIELDS | SPECIAL_CONDITIONS))
        raise reader.error(f"when.{key}", f"unknown condition; use one of {known} or details.<key>")
    values = tuple(value) if isinstance(value, list) else (value,)
    if not values:
        raise reader.error(f"when.{key}", "empty list of values")
    for v in values:
        if v is not None and not isinstance(v, str | bool | int | float):
            raise reader.error(
                f"when.{key}", f"values must be text, numbers, booleans or null: {v!r}"
            )
    if key == "sector_designated_by" and not all(v in REGIME_IDS for v in values):
        raise reader.error(f"when.{key}", f"expected a regime id, got {value!r}")
    return Condition(key, values)


def parse_regime(file: str, data: Any, evidence_ids: frozenset[str]) -> Regime:
    """Validate one regime file against the schema of docs/regimes.md."""
    top = _Reader(file, data)
    if top.data.get("schema_version") != 1:
        raise top.error("schema_version", f"expected 1, got {top.data.get('schema_version')!r}")
    regime_id = top.text("id")
    if regime_id not in REGIME_IDS:
        raise top.error("id", f"unknown regime id '{regime_id}'; expected one of {REGIME_IDS}")
    effective_from = top.day("effective_from")
    assert effective_from is not None
    effective_to = top.day("effective_to", optional=True)
    if effective_to and effective_to <= effective_from:
        raise top.error("effective_to", "must be after effective_from")

    effects = top.mapping("legal_effect")
    for k, v in effects.items():
        if k not in OUTCOMES:
            raise top.error(f"legal_effect.{k}", f"unknown outcome; expected one of {OUTCOMES}")
        if not isinstance(v, str) or not v.strip():
            raise top.error(f"legal_effect.{k}", "expected non-empty text")

    paths: list[ChallengePath] = []
    for p in top.items("challenge_paths"):
        ev = p.texts("evidence")
        for e in ev:
            if e not in evidence_ids:
                raise p.error("evidence", f"unknown evidence category '{e}'")
        paths.append(
            ChallengePath(p.text("id"), p.text("label"), p.text("claim"), ev, p.text("citation"))
        )
    path_ids = {p.id for p in paths}

    rules: list[Rule] = []
    seen: set[str] = set()
    for r in top.items("rules"):
        rule = _rule(r, regime_id, effects, path_ids)
        if rule.id in seen:
            raise r.error("id", f"duplicate rule id '{rule.id}'")
        seen.add(rule.id)
        rules.append(rule)
    return Regime(
        id=regime_id,
        name=top.text("name"),
        jurisdiction=top.text("jurisdiction"),
        instrument=top.text("instrument"),
        citation=citation_text(*top.cited("citation")),
        enforcing_body=top.text("enforcing_body"),
        effective_from=effective_from,
        effective_from_citation=citation_text(*top.cited("effective_from_citation")),
        effective_to=effective_to,
        presumption=top.flag("presumption"),
        burden=top.text("burden"),
        standard_of_proof=top.text("standard_of_proof"),
        legal_effect=tuple((str(k), str(v).strip()) for k, v in effects.items()),
        challenge_paths=tuple(paths),
        rules=tuple(rules),
        sectors=_sectors(top),
        activities=top.texts("activities", optional=True),
        source_file=file,
        taint_regions=tuple(
            TaintRegion(t.text("code").upper(), t.text("label"), t.text("citation"))
            for t in top.items("taint_regions", optional=True)
        ),
    )


def _rule(r: _Reader, regime_id: str, effects: Mapping[str, Any], path_ids: set[str]) -> Rule:
    rid = r.text("id")
    when = r.mapping("when")
    conditions = tuple(_condition(r, str(k), v) for k, v in when.items())
    outcome = r.text("outcome")
    if outcome not in RULE_OUTCOMES:
        raise r.error("outcome", f"'{outcome}' is not one of {RULE_OUTCOMES}")
    if outcome not in effects:
        raise r.error("outcome", f"no legal_effect.{outcome} for this regime")
    risk = r.text("risk")
    if risk not in RISKS:
        raise r.error("risk", f"'{risk}' is not one of {RISKS}")
    if (outcome == "elevated_risk") == (risk == "high"):
        raise r.error(
            "risk",
            "presumption/prohibited_entity rules are high; elevated_risk is medium or low",
        )
    primary, secondary = r.cited("citation")
    rule_paths = r.texts("paths")
    for p_id in rule_paths:
        if p_id not in path_ids:
            raise r.error("paths", f"unknown challenge path '{p_id}'")
    return Rule(
        id=rid,
        regime=regime_id,
        conditions=conditions,
        outcome=outcome,
        risk=risk,
        paths=rule_paths,
        text=r.text("text"),
        citation=citation_text(primary, secondary),
        effective_from=r.day("effective_from", optional=True),
        effective_to=r.day("effective_to", optional=True),
        citation_primary=primary,
        citation_secondary=secondary,
        kinds=next((tuple(str(v) for v in c.values) for c in conditions if c.key == "kind"), ()),
    )


def _sectors(top: _Reader) -> tuple[SectorDesignation, ...]:
    sectors: list[SectorDesignation] = []
    for s in top.items("high_priority_sectors", optional=True):
        on = s.day("designated_on")
        assert on is not None
        sectors.append(SectorDesignation(s.text("sector"), on, s.text("citation")))
    return tuple(sectors)


def build_set(regime_docs: Sequence[tuple[str, Any]], evidence_doc: tuple[str, Any]) -> RegimeSet:
    """Validate parsed documents into a :class:`RegimeSet` (every public regime exactly once)."""
    evidence = parse_evidence(*evidence_doc)
    ids = frozenset(c.id for c in evidence)
    by_id: dict[str, Regime] = {}
    for file, data in regime_docs:
        regime = parse_regime(file, data, ids)
        if regime.id in by_id:
            raise RegimeError(
                f"{file}: field 'id': regime '{regime.id}' is already defined in "
                f"{by_id[regime.id].source_file}"
            )
        by_id[regime.id] = regime
    missing = [r for r in REGIME_IDS if r not in by_id]
    if missing:
        raise RegimeError(f"regimes: no file defines {', '.join(missing)}")
    return RegimeSet(tuple(by_id[r] for r in REGIME_IDS), evidence)
