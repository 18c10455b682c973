"""The ``region`` finding of one decided province: evidence, division chain, explanation."""

from __future__ import annotations

from laborlens.core.geo.gazetteer import Gazetteer
from laborlens.core.geo.signals import SetAside, Signal, signal_why
from laborlens.core.geo.weigh import XINJIANG
from laborlens.core.model import Finding

__all__ = ["ALGORITHM", "make_finding", "set_aside_text"]

ALGORITHM = "geo-v3"


def _neg_weight(s: Signal) -> float:
    return -s.weight


def _chain(gaz: Gazetteer, sigs: list[Signal]) -> tuple[str | None, str | None]:
    """(prefecture code, county code) the signals name, preferring a county whose prefecture
    is also named."""
    divisions = gaz.divisions
    codes = [s.code for s in sigs if s.code[2:] != "0000"]
    counties = [c for c in codes if c[4:] != "00"]
    if counties:
        if len(counties) > 1:
            counties.sort(key=lambda c: (c[:4] + "00" not in codes, c))
        county = counties[0]
        parent = county[:4] + "00"
        return (parent if parent in divisions else None), county
    pref = sorted(c for c in codes if c in divisions)
    return (pref[0] if pref else None), None


def set_aside_text(gaz: Gazetteer, aside: list[SetAside]) -> tuple[str, ...]:
    """ "'Aksu' (Xinjiang): weak (...), no support" — one line per evidence and province."""
    out: dict[str, None] = {}
    for a in aside:
        label = gaz.provinces[a.province].label if a.province in gaz.provinces else a.province
        out[f"'{a.evidence}' ({label}): {a.reason}"] = None
    return tuple(out)


def make_finding(
    gaz: Gazetteer,
    prov: str,
    *,
    score: float,
    sigs: list[Signal],
    streets: list[str],
    aside: tuple[str, ...],
    notes: list[str],
) -> Finding:
    province = gaz.provinces[prov]
    prefecture, county = _chain(gaz, sigs)
    ordered = sorted(sigs, key=_neg_weight) if len(sigs) > 1 else sigs
    best = ordered[0]
    evidence = tuple(dict.fromkeys([s.evidence for s in ordered]))
    details: list[tuple[str, object]] = [
        ("province_code", f"{prov}0000"),
        ("role", "xinjiang" if prov == XINJIANG else "province"),
    ]
    if prefecture:
        details.append(("prefecture", f"{prefecture} {gaz.divisions[prefecture]}"))
    if county:
        details.append(("county", f"{county} {gaz.divisions.get(county, '')}".strip()))
    whys = [signal_why(gaz, s) for s in ordered]
    if prov == XINJIANG and any(
        s.feature == "xpcc_regiment" or s.code.startswith("6590") or "xpcc" in w
        for s, w in zip(ordered, whys, strict=True)
    ):
        details.append(("xpcc", True))
    details.append(
        ("signals", tuple([(s.feature, s.field, s.evidence, round(s.weight, 3)) for s in sigs]))
    )
    near = [s.evidence for s in sigs if s.feature == "coordinates" and s.note]
    if near:
        details.append(("near_boundary", tuple(near)))
    if streets:
        details.append(("ignored_street_names", tuple(streets)))
    if aside:
        details.append(("set_aside", aside))
    if notes:
        details.append(("notes", tuple(notes)))
    details.append(("gazetteer", gaz.version))
    why = "; ".join(whys)
    if aside:
        why += "; not counted: " + "; ".join(aside)
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
