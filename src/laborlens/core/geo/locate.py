"""``locate``: gather the signals of one record, weigh them, report one finding per province."""

from __future__ import annotations

from dataclasses import dataclass

from laborlens.core.geo.codes import phone, phones_in_text, postal_codes, uscc
from laborlens.core.geo.coords import coordinates
from laborlens.core.geo.finding import make_finding, set_aside_text
from laborlens.core.geo.gazetteer import Gazetteer
from laborlens.core.geo.signals import SetAside, Signal
from laborlens.core.geo.text import normalise, repair_mojibake
from laborlens.core.geo.textscan import scan_text
from laborlens.core.geo.weigh import XINJIANG, score, weigh
from laborlens.core.model import Finding, Record, RowError

__all__ = ["DECISION_THRESHOLD", "GeoResult", "locate", "normalise_country"]

#: A province is reported when its combined score reaches this.
DECISION_THRESHOLD = 0.5
_SPECIAL = frozenset({"71", "81", "82"})  # Taiwan, Hong Kong, Macao: reported as countries
_SPECIAL_ISO = frozenset({"TW", "HK", "MO"})
_MAX_TEXT = 20_000  # longer free text is cut (no real address is this long)


@dataclass(frozen=True, slots=True)
class GeoResult:
    """What ``locate`` found for one record.

    ``notes`` explain evidence that did not decide (a weak name without support, a name
    outranked by an explicit division of another province), also when nothing was found.
    """

    findings: tuple[Finding, ...] = ()
    country: str | None = None
    country_inferred: bool = False
    errors: tuple[RowError, ...] = ()
    notes: tuple[str, ...] = ()


def normalise_country(gazetteer: Gazetteer, value: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name or code in any supported language, else None."""
    v = value.strip()
    if not v:
        return None
    if v in gazetteer.country_lookup:
        return gazetteer.country_lookup[v]
    key = " ".join(normalise(v).replace("'", "").split())
    return gazetteer.country_lookup.get(key) or gazetteer.country_lookup.get(
        " ".join(normalise(v).split())
    )


@dataclass(slots=True)
class _Gathered:
    signals: list[Signal]
    countries: list[tuple[str, str]]
    streets: list[str]
    notes: list[str]
    errors: list[RowError]
    phone_country: str | None = None
    is_uscc: bool = False
    coord_country: str | None = None


def _gather(gaz: Gazetteer, record: Record, given: str | None) -> _Gathered:
    g = _Gathered([], [], [], [], [])
    if record.address:
        address, repaired = repair_mojibake(record.address[:_MAX_TEXT])
        if repaired:
            g.notes.append("address repaired from mojibake (UTF-8 read as Latin-1)")
        scan = scan_text(gaz, address, "address")
        g.signals.extend(scan.signals)
        g.countries.extend(scan.countries)
        g.streets.extend(scan.streets)
        # A six-digit number in a Chinese-script address is a postal code of China.
        han = given in (None, "CN") and scan.han
        g.signals.extend(postal_codes(gaz, address, "address", scan.norm, strong=han))
        g.signals.extend(phones_in_text(gaz, address, "address"))
    for value in (record.name, *record.aliases):
        if value:
            g.signals.extend(scan_text(gaz, value[:_MAX_TEXT], "name").signals)
    if record.phone:
        sigs, g.phone_country = phone(gaz, record.phone[:200])
        g.signals.extend(sigs)
    # Telephone numbers in any other column (a fax, a second phone, a contact note).
    for column, value in record.extra:
        if value:
            g.signals.extend(phones_in_text(gaz, value[:_MAX_TEXT], column))
    if record.registration_id:
        sigs, errs, g.is_uscc = uscc(gaz, record.registration_id[:200])
        g.signals.extend(sigs)
        g.errors.extend(errs)
    sigs, errs, g.coord_country = coordinates(gaz, record.lat, record.lon)
    g.signals.extend(sigs)
    g.errors.extend(errs)
    return g


def _context(g: _Gathered, given: str | None) -> tuple[bool, bool]:
    """(China named, foreign context) from the country column and the text."""
    named = {c for c, _ in g.countries}
    cn_named = given == "CN" or (given is None and "CN" in named)
    if given is not None and given != "CN":
        return cn_named, True
    if (given is None and not cn_named and named) or not named.isdisjoint(_SPECIAL_ISO):
        return cn_named, True
    # Hong Kong, Macao and Taiwan addresses are full of romanisations that collide with
    # mainland pinyin ("Kwai Chung", "Sha Tin"): treat them like a foreign context.
    for s in g.signals:
        special = s.province in _SPECIAL and s.feature == "name_match" and not s.weak
        if special and s.code.endswith("0000"):
            return cn_named, True
    return cn_named, False


def locate(gazetteer: Gazetteer, record: Record) -> GeoResult:
    """Locate one record: region findings, the record's country (given or inferred), errors.

    Never raises on bad input: unusable values become ``RowError``s naming the column.
    """
    gaz = gazetteer
    given: str | None = None
    errors: list[RowError] = []
    if record.country:
        given = normalise_country(gaz, record.country)
        if given is None:
            msg = f"country '{record.country[:60]}' not recognised; ignored"
            errors.append(RowError(msg, "country"))
    g = _gather(gaz, record, given)
    errors.extend(g.errors)
    cn_named, foreign = _context(g, given)
    counted, aside = weigh(g.signals, cn_named=cn_named, foreign=foreign)
    findings, special = _findings(gaz, counted, aside, g)
    country, inferred = given, False
    if country is None:
        country = (
            ("CN" if findings else None)
            or (special[0] if special else None)
            or (g.countries[-1][0] if g.countries else None)
            or g.phone_country
            or ("CN" if g.is_uscc else None)
            or g.coord_country
        )
        inferred = country is not None
    notes = set_aside_text(gaz, aside) if aside and not findings else ()
    return GeoResult(findings, country, inferred, tuple(errors), notes)


def _findings(
    gaz: Gazetteer, counted: dict[str, list[Signal]], aside: list[SetAside], g: _Gathered
) -> tuple[tuple[Finding, ...], list[str]]:
    """Findings of the provinces that clear the threshold; HK/MO/TW as countries."""
    findings: list[Finding] = []
    special: list[str] = []
    lines = set_aside_text(gaz, aside)
    for prov, sigs in sorted(counted.items(), key=lambda kv: kv[0] != XINJIANG):
        total = score(sigs)
        if total < DECISION_THRESHOLD:
            continue
        if prov in _SPECIAL:
            country_code = gaz.provinces[prov].country
            if country_code:
                special.append(country_code)
            continue
        findings.append(
            make_finding(
                gaz, prov, score=total, sigs=sigs, streets=g.streets, aside=lines, notes=g.notes
            )
        )
    findings.sort(key=lambda f: (f.region != "CN-XJ", -f.score))
    return tuple(findings), special
