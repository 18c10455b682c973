"""Place resolution: which Chinese province (and prefecture, county) a record is in.

Public entry points (stable):
    build_gazetteer() -> Gazetteer
    locate(gazetteer, record) -> GeoResult

``locate`` gathers explained signals from every field (address text, postal codes, the
party's name, phone area code, the division code inside a Unified Social Credit Code and
coordinates), weighs them per province, and reports one ``region`` finding per province that
clears the decision threshold. Short or look-alike names ("Kashi", "Hami", "Aral", two-character
county names) and names that several provinces share decide only with support from another
signal; place names used as street names ("Urumqi Road", 新疆路) never decide. Xinjiang,
including XPCC units, is ``CN-XJ``. See docs/geo.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from laborlens.core.geo.features import (
    Signal,
    TextScan,
    coordinates,
    phone,
    postal_codes,
    scan_text,
    signal_why,
    uscc,
)
from laborlens.core.geo.gazetteer import HAN_RE, Gazetteer, build_gazetteer, normalise
from laborlens.core.model import Finding, Record, RowError

__all__ = [
    "ALGORITHM",
    "DECISION_THRESHOLD",
    "Gazetteer",
    "GeoResult",
    "build_gazetteer",
    "locate",
    "normalise_country",
]

ALGORITHM = "geo-v2"
#: A province is reported when its combined score reaches this.
DECISION_THRESHOLD = 0.5
XINJIANG = "65"
_SPECIAL = frozenset({"71", "81", "82"})  # Taiwan, Hong Kong, Macao: reported as countries
_MAX_TEXT = 20_000  # longer free text is cut (no real address is this long)


@dataclass(frozen=True, slots=True)
class GeoResult:
    """What ``locate`` found for one record."""

    findings: tuple[Finding, ...] = ()
    country: str | None = None
    country_inferred: bool = False
    errors: tuple[RowError, ...] = ()


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


def _mojibake_bytes(text: str) -> bytes | None:
    out = bytearray()
    for ch in text:
        if ch == "\ufffd":
            continue  # a byte the wrong decoder could not map; lost
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) < 256:
                out.append(ord(ch))
            else:
                return None
    return bytes(out)


def _han_count(text: str) -> int:
    return len(HAN_RE.findall(text))


_LATIN1_LETTER = re.compile("[\u00c0-\u00ff]")


def _repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo Chinese text decoded with the wrong codec (``æ–°ç–†`` → ``新疆``).

    Tried only on text with no Han characters and many Latin-1 letters. UTF-8 bytes must decode
    strictly (apart from bytes the wrong decoder already lost); GBK only when nearly all of the
    text is high Latin-1, so ordinary accented European text is never "repaired".
    """
    if text.isascii() or HAN_RE.search(text) or not _LATIN1_LETTER.search(text):
        return text, False
    raw = _mojibake_bytes(text)
    if raw is None:
        return text, False
    lost = "\ufffd" in text
    try:
        fixed = raw.decode("utf-8", errors="ignore" if lost else "strict")
    except UnicodeDecodeError:
        fixed = ""
    if _han_count(fixed) >= 2:
        return fixed, True
    visible = [c for c in text if not c.isspace() and not c.isdigit()]
    high = sum(0x80 <= ord(c) <= 0xFF for c in visible)
    if visible and high / len(visible) >= 0.7:
        try:
            fixed = raw.decode("gb18030")
        except UnicodeDecodeError:
            return text, False
        if _han_count(fixed) >= 2:
            return fixed, True
    return text, False


def _level_rank(code: str) -> int:
    if code.endswith("0000"):
        return 2
    if code.endswith("00"):
        return 1
    return 0


def _span(s: Signal) -> tuple[str, int, str]:
    return (s.field, s.start, s.feature)


def locate(gazetteer: Gazetteer, record: Record) -> GeoResult:
    """Locate one record: region findings, the record's country (given or inferred), errors.

    Never raises on bad input: unusable values become ``RowError``s naming the column.
    """
    gaz = gazetteer
    errors: list[RowError] = []
    given: str | None = None
    if record.country:
        given = normalise_country(gaz, record.country)
        if given is None:
            errors.append(
                RowError(f"country '{record.country[:60]}' not recognised; ignored", "country")
            )

    signals: list[Signal] = []
    text_countries: list[tuple[str, str]] = []
    streets: list[str] = []
    notes: list[str] = []
    if record.address:
        address = record.address[:_MAX_TEXT]
        address, repaired = _repair_mojibake(address)
        if repaired:
            notes.append("address repaired from mojibake (UTF-8 read as Latin-1)")
        scan: TextScan = scan_text(gaz, address, "address")
        signals.extend(scan.signals)
        text_countries.extend(scan.countries)
        streets.extend(scan.streets)
        signals.extend(postal_codes(gaz, address, "address", scan.norm))
    for value in (record.name, *record.aliases):
        if value:
            scan = scan_text(gaz, value[:_MAX_TEXT], "name")
            signals.extend(scan.signals)
    phone_country: str | None = None
    if record.phone:
        sigs, phone_country = phone(gaz, record.phone[:200])
        signals.extend(sigs)
    is_uscc = False
    if record.registration_id:
        sigs, errs, is_uscc = uscc(gaz, record.registration_id[:200])
        signals.extend(sigs)
        errors.extend(errs)
    sigs, errs, coord_country = coordinates(gaz, record.lat, record.lon)
    signals.extend(sigs)
    errors.extend(errs)

    cn_named = given == "CN" or (given is None and any(c == "CN" for c, _ in text_countries))
    foreign = (given is not None and given != "CN") or (
        given is None and not cn_named and any(c != "CN" for c, _ in text_countries)
    )
    # Hong Kong, Macao and Taiwan addresses are full of romanisations that collide with
    # mainland pinyin ("Kwai Chung", "Sha Tin"): treat them like a foreign context.
    if (
        (not _SPECIAL.isdisjoint({s.province for s in signals}))
        and any(
            s.province in _SPECIAL
            and s.feature == "name_match"
            and not s.weak
            and s.code.endswith("0000")
            for s in signals
        )
    ) or any(c in ("HK", "MO", "TW") for c, _ in text_countries):
        foreign = True
    counted = _contest(_weigh(signals, cn_named=cn_named, foreign=foreign))

    findings: list[Finding] = []
    decided_special: list[str] = []
    for prov, sigs_p in sorted(counted.items(), key=lambda kv: kv[0] != XINJIANG):
        score = 1.0
        for s in sigs_p:
            score *= 1.0 - s.weight
        score = 1.0 - score
        if score < DECISION_THRESHOLD:
            continue
        if prov in _SPECIAL:
            country_code = gaz.provinces[prov].country
            if country_code:
                decided_special.append(country_code)
            continue
        findings.append(_finding(gaz, prov, score=score, sigs=sigs_p, streets=streets, notes=notes))
    findings.sort(key=lambda f: (f.region != "CN-XJ", -f.score))

    country = given
    inferred = False
    if country is None:
        if findings:
            country = "CN"
        elif decided_special:
            country = decided_special[0]
        elif text_countries:
            country = text_countries[-1][0]
        elif phone_country:
            country = phone_country
        elif is_uscc:
            country = "CN"
        elif coord_country:
            country = coord_country
        inferred = country is not None
    return GeoResult(tuple(findings), country, inferred, tuple(errors))


def _weigh(signals: list[Signal], *, cn_named: bool, foreign: bool) -> dict[str, list[Signal]]:
    """The signals that count, per province (see docs/geo.md "Decision")."""
    if not signals:
        return {}
    usable: list[Signal] = []
    for s in signals if (foreign or cn_named) else ():
        if foreign:
            if s.weak or s.feature == "postal_code":
                continue
            if s.feature == "name_match" and s.evidence.isascii() and not s.code.endswith("0000"):
                # a Latin city name in a foreign address: only with other support
                s = s._replace(weak=True)
        elif cn_named and s.feature == "postal_code":
            s = s._replace(weight=0.6, weak=False)
        usable.append(s)
    if not (foreign or cn_named):
        usable = signals
        if len(usable) == 1:  # one signal, nothing to vouch for it if it is weak
            only = usable[0]
            return {} if only.weak else {only.province: [only]}

    if not any(s.weak or s.ambiguous for s in usable):  # the common case: nothing to resolve
        fast: dict[str, dict[tuple[str, int, str], Signal]] = {}
        for s in usable:
            per = fast.setdefault(s.province, {})
            k = _span(s)
            if k not in per or s.weight > per[k].weight:
                per[k] = s
        return {p: list(v.values()) for p, v in fast.items()}

    # Support: an unambiguous signal of that province from another span or feature.
    anchors: dict[str, set[tuple[str, int, str]]] = defaultdict(set)
    for s in usable:
        if not s.ambiguous:
            anchors[s.province].add(_span(s))

    def supported(s: Signal) -> bool:
        return bool(anchors[s.province] - {_span(s)})

    # Ambiguous names: keep the meanings whose province has support; with none, the
    # meaning of the highest level if it is the only one at that level.
    groups: dict[tuple[str, int, str], list[Signal]] = defaultdict(list)
    for s in usable:
        if s.ambiguous:
            groups[_span(s)].append(s)
    # Provinces named by two or more different ambiguous spans ("Xiangcheng District,
    # Suzhou": JS is the only province both can mean).
    shared: dict[str, int] = defaultdict(int)
    for group in groups.values():
        for prov in {s.province for s in group}:
            shared[prov] += 1
    chosen: set[int] = set()
    for group in groups.values():
        ok = [s for s in group if supported(s)]
        if not ok:
            best_shared = max(shared[s.province] for s in group)
            cands = {s.province for s in group if shared[s.province] == best_shared}
            if best_shared >= 2 and len(cands) == 1:
                ok = [s for s in group if s.province in cands and not s.weak]
        if ok:
            chosen.update(id(s) for s in ok)
            continue
        top = max(_level_rank(s.code) for s in group)
        best = [s for s in group if _level_rank(s.code) == top]
        if len({s.province for s in best}) == 1 and all(
            _level_rank(s.code) < top for s in group if s.province != best[0].province
        ):
            chosen.update(id(s) for s in best if not s.weak)

    out: dict[str, list[Signal]] = defaultdict(list)
    for s in usable:
        if s.ambiguous:
            if id(s) not in chosen:
                continue
        elif s.weak and not (
            supported(s) or (cn_named and s.feature == "name_match" and s.evidence.isascii())
        ):
            # "China" in the text vouches for a short Latin name ("Hami, China") but not for a
            # two-character Han county name inside a longer word (资源 in 矿产资源, 紫金 in
            # 紫金山天文台): Chinese text is in China anyway, so it is no evidence of the place.
            continue
        out[s.province].append(s)
    # Several names of one division in one span (e.g. 喀什 as prefecture and city) count once.
    for prov, sigs in out.items():
        seen: dict[tuple[str, int, str], Signal] = {}
        for s in sigs:
            k = _span(s)
            if k not in seen or s.weight > seen[k].weight:
                seen[k] = s
        out[prov] = list(seen.values())
    return out


def _rank(code: str) -> int:
    # XPCC cities (6590xx) and the seat cities of Xinjiang's prefectures (65xx01: Korla, Yining,
    # Kashi…) are run as prefecture-level places although coded as counties.
    if code.startswith("6590") or (code.startswith("65") and code.endswith("01")):
        return 1
    return _level_rank(code)


def _contest(counted: dict[str, list[Signal]]) -> dict[str, list[Signal]]:
    """Drop a province held only by county-level Latin names when another has more.

    "Yanjiang Development Zone, Dandong": Yanjiang is also a county in Sichuan, but Dandong
    is a prefecture. Xinjiang is dropped this way only when its county-level evidence also
    scores lower than the competing province ("Jinghe New City, Xi'an").
    """
    if len(counted) < 2:
        return counted

    def strong(sigs: list[Signal]) -> bool:
        return any(
            s.feature != "name_match" or _rank(s.code) >= 1 or not s.evidence.isascii()
            for s in sigs
        )

    def score(sigs: list[Signal]) -> float:
        rest = 1.0
        for s in sigs:
            rest *= 1.0 - s.weight
        return 1.0 - rest

    rivals = [score(v) for v in counted.values() if strong(v)]
    if not rivals:
        return counted
    top = max(rivals)
    kept = {p: v for p, v in counted.items() if strong(v) or (p == XINJIANG and score(v) >= top)}
    return _drop_embedded_han(kept)


#: Last characters of a Han name that mark it as a full administrative name (市, 县, 区 …) or an
#: XPCC unit (师, 团), as opposed to a bare name that may be part of a longer word.
_ADMIN_END = frozenset("省市县区州旗盟师团")


def _drop_embedded_han(counted: dict[str, list[Signal]]) -> dict[str, list[Signal]]:
    """Drop a province held only by one bare Han name (once or repeated) when another is
    well attested.

    Han text has no word boundaries, so a bare name can be part of a longer word or a street,
    river or landmark: 山西 in 蛇山西山坡 (Wuhan), 镇江 in 三斗坪镇江峡大道 (Yichang), 牡丹江 the
    river in Dunhua, 香格里拉镇 (a town in Sichuan). Such a province is dropped when another
    province is named by two or more separate signals, one of them a full administrative name
    (宜昌市夷陵区 …). Xinjiang is never dropped this way.
    """
    if len(counted) < 2:
        return counted

    def bare_han(s: Signal) -> bool:
        return (
            s.feature == "name_match"
            and not s.evidence.isascii()
            and (s.evidence[-1] not in _ADMIN_END)
        )

    def full_han(s: Signal) -> bool:
        return s.feature == "name_match" and not s.evidence.isascii() and not bare_han(s)

    def attested(sigs: list[Signal]) -> bool:
        return len({_span(s) for s in sigs}) >= 2 and any(full_han(s) for s in sigs)

    if not any(attested(v) for v in counted.values()):
        return counted
    return {
        p: v
        for p, v in counted.items()
        if p == XINJIANG
        or attested(v)
        or not (len({s.evidence for s in v}) == 1 and all(bare_han(s) for s in v))
    }


def _neg_weight(s: Signal) -> float:
    return -s.weight


def _finding(
    gaz: Gazetteer,
    prov: str,
    *,
    score: float,
    sigs: list[Signal],
    streets: list[str],
    notes: list[str],
) -> Finding:
    province = gaz.provinces[prov]
    divisions = gaz.divisions
    codes = [s.code for s in sigs if s.code[2:] != "0000"]
    county = None
    prefecture = None
    counties = [c for c in codes if c[4:] != "00"]
    if counties:
        if len(counties) > 1:
            # prefer a county whose prefecture is also named
            counties.sort(key=lambda c: (c[:4] + "00" not in codes, c))
        county = counties[0]
        parent = county[:4] + "00"
        prefecture = parent if parent in divisions else None
    elif codes:
        pref = sorted(c for c in codes if c in divisions)
        prefecture = pref[0] if pref else None
    ordered = sorted(sigs, key=_neg_weight) if len(sigs) > 1 else sigs
    best = ordered[0]
    evidence = tuple(dict.fromkeys([s.evidence for s in ordered]))
    details: list[tuple[str, object]] = [
        ("province_code", f"{prov}0000"),
        ("role", "xinjiang" if prov == XINJIANG else "province"),
    ]
    if prefecture:
        details.append(("prefecture", f"{prefecture} {divisions[prefecture]}"))
    if county:
        details.append(("county", f"{county} {divisions.get(county, '')}".strip()))
    whys = [signal_why(gaz, s) for s in ordered]
    if prov == XINJIANG and any(
        s.feature == "xpcc_regiment" or s.code.startswith("6590") or "xpcc" in w
        for s, w in zip(ordered, whys, strict=True)
    ):
        details.append(("xpcc", True))
    details.append(
        ("signals", tuple([(s.feature, s.field, s.evidence, round(s.weight, 3)) for s in sigs]))
    )
    if streets:
        details.append(("ignored_street_names", tuple(streets)))
    if notes:
        details.append(("notes", tuple(notes)))
    details.append(("gazetteer", gaz.version))
    why = "; ".join(whys)
    return Finding(
        kind="region",
        why=f"{province.label}: {why}",
        score=round(min(score, 0.999), 4),
        region=province.iso,
        label=province.label,
        evidence=evidence,
        field=best.field,
        algorithm=ALGORITHM,
        details=tuple(details),
    )
