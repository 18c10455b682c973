"""Which signals count, per province: support, ambiguity, contest and administrative context.

Every signal that does not count is kept as a :class:`SetAside` with the reason, so the finding
can say which signals won and why (docs/geo.md "Decision").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from laborlens.core.geo.signals import SetAside, Signal
from laborlens.core.geo.textscan import ADMIN_END_HAN

__all__ = ["XINJIANG", "Weighed", "score", "weigh"]

XINJIANG = "65"

Span = tuple[str, int, str]
Weighed = tuple[dict[str, list[Signal]], list[SetAside]]


def _span(s: Signal) -> Span:
    return (s.field, s.start, s.feature)


def score(sigs: Iterable[Signal]) -> float:
    """1 - Π(1 - weight): independent signals reinforce each other."""
    rest = 1.0
    for s in sigs:
        rest *= 1.0 - s.weight
    return 1.0 - rest


def _level_rank(code: str) -> int:
    if code.endswith("0000"):
        return 2
    if code.endswith("00"):
        return 1
    return 0


def _rank(code: str) -> int:
    # XPCC cities (6590xx) and the seat cities of Xinjiang's prefectures (65xx01: Korla, Yining,
    # Kashi…) are run as prefecture-level places although coded as counties.
    if code.startswith("6590") or (code.startswith("65") and code.endswith("01")):
        return 1
    return _level_rank(code)


def _signal_rank(s: Signal) -> int:
    if s.place is not None and s.place.target.kind.startswith("town"):
        return 0
    return _rank(s.code)


def _dedupe(sigs: list[Signal]) -> list[Signal]:
    """Several names of one division in one span (喀什 as prefecture and city) count once."""
    seen: dict[Span, Signal] = {}
    for s in sigs:
        k = _span(s)
        if k not in seen or s.weight > seen[k].weight:
            seen[k] = s
    return list(seen.values())


def _context_filter(
    signals: list[Signal], *, cn_named: bool, foreign: bool
) -> tuple[list[Signal], list[SetAside]]:
    """Apply the record's country context; town uses of county names become weak."""
    usable: list[Signal] = []
    aside: list[SetAside] = []
    for s in signals:
        if s.town and not s.weak:
            # 天山镇, Shawan Town: a town of that name, not the county itself
            s = s._replace(weak=True, weight=min(s.weight, 0.55), note="followed by a town word")
        if foreign:
            if s.weak or s.feature == "postal_code":
                aside.append(SetAside(s.province, s.evidence, "foreign address: not counted"))
                continue
            if s.feature == "name_match" and s.evidence.isascii() and not s.code.endswith("0000"):
                # a Latin city name in a foreign address: only with other support
                s = s._replace(weak=True)
        elif cn_named and s.feature == "postal_code":
            s = s._replace(weight=0.6, weak=False)
        usable.append(s)
    return usable, aside


def _unsupported(s: Signal) -> SetAside:
    if s.place is not None and s.place.weak_why:
        why = s.place.weak_why
    elif s.feature == "postal_code":
        why = "a postal code alone, in a record not known to be in China"
    else:
        why = s.note or s.feature.replace("_", " ")
    return SetAside(s.province, s.evidence, f"weak ({why}), nothing else supports it")


def _choose_ambiguous(usable: list[Signal], anchors: dict[str, set[Span]]) -> set[int]:
    """Meanings of ambiguous names that count (ids): those whose province has support; with
    none, the province both of two ambiguous names can mean ("Xiangcheng District, Suzhou");
    else the meaning of the highest level if it is the only one at that level."""
    groups: dict[Span, list[Signal]] = defaultdict(list)
    for s in usable:
        if s.ambiguous:
            groups[_span(s)].append(s)
    shared: dict[str, int] = defaultdict(int)
    for group in groups.values():
        for prov in {s.province for s in group}:
            shared[prov] += 1
    chosen: set[int] = set()
    for group in groups.values():
        ok = [s for s in group if anchors[s.province] - {_span(s)}]
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
    return chosen


def _support(usable: list[Signal], cn_named: bool) -> Weighed:
    """The signals that count, per province, given the support each has."""
    # Support: an unambiguous signal of that province from another span or feature.
    anchors: dict[str, set[Span]] = defaultdict(set)
    for s in usable:
        if not s.ambiguous:
            anchors[s.province].add(_span(s))
    chosen = _choose_ambiguous(usable, anchors) if any(s.ambiguous for s in usable) else set()
    out: dict[str, list[Signal]] = defaultdict(list)
    aside: list[SetAside] = []
    for s in usable:
        if s.ambiguous and id(s) not in chosen:
            aside.append(SetAside(s.province, s.evidence, "a name several provinces share"))
            continue
        if not s.ambiguous and s.weak:
            supported = bool(anchors[s.province] - {_span(s)})
            # "China" in the text vouches for a short Latin name ("Hami, China") but not for a
            # Han name inside a longer word (资源 in 矿产资源) nor for a romanised town name.
            vouched = cn_named and s.place is not None and s.place.vouchable
            if not (supported or vouched):
                aside.append(_unsupported(s))
                continue
        out[s.province].append(s)
    return {p: _dedupe(v) for p, v in out.items()}, aside


def weigh(signals: list[Signal], *, cn_named: bool, foreign: bool) -> Weighed:
    """The signals that count per province, and those set aside with the reason."""
    if not signals:
        return {}, []
    town = weak = False
    for s in signals:
        town = town or s.town
        weak = weak or s.weak or bool(s.ambiguous)
    if foreign or cn_named or town:
        usable, aside = _context_filter(signals, cn_named=cn_named, foreign=foreign)
        weak = True  # the filter may have made signals weak: resolve below
    else:
        usable, aside = signals, []
    if not (foreign or cn_named) and len(usable) == 1 and usable[0].weak:
        # one weak signal, nothing to vouch for it
        return {}, [*aside, _unsupported(usable[0])]
    if not weak:  # the common case: nothing to resolve
        fast: dict[str, list[Signal]] = defaultdict(list)
        for s in usable:
            fast[s.province].append(s)
        counted = {p: _dedupe(v) for p, v in fast.items()}
    else:
        counted, more = _support(usable, cn_named)
        aside += more
    for step in (_contest, _drop_embedded_han, _outrank):
        if len(counted) < 2:
            break
        counted, dropped = step(counted)
        aside += dropped
    return counted, aside


def _strong(sigs: list[Signal]) -> bool:
    return any(
        s.feature != "name_match" or _rank(s.code) >= 1 or not s.evidence.isascii() for s in sigs
    )


def _contest(counted: dict[str, list[Signal]]) -> Weighed:
    """Drop a province held only by county-level Latin names when another has more.

    "Yanjiang Development Zone, Dandong": Yanjiang is also a county in Sichuan, but Dandong
    is a prefecture. Xinjiang is dropped this way only when its county-level evidence also
    scores lower than the competing province ("Jinghe New City, Xi'an").
    """
    rivals = [score(v) for v in counted.values() if _strong(v)]
    if not rivals:
        return counted, []
    top = max(rivals)
    kept: dict[str, list[Signal]] = {}
    aside: list[SetAside] = []
    for p, v in counted.items():
        if _strong(v) or (p == XINJIANG and score(v) >= top):
            kept[p] = v
        else:
            reason = "only a county-level Latin name; another province is better attested"
            aside += [SetAside(p, s.evidence, reason) for s in v]
    return kept, aside


def _bare_han(s: Signal) -> bool:
    return (
        s.feature == "name_match"
        and not s.evidence.isascii()
        and s.evidence[-1] not in ADMIN_END_HAN
    )


def _attested(sigs: list[Signal]) -> bool:
    full = any(
        s.feature == "name_match" and not s.evidence.isascii() and not _bare_han(s) for s in sigs
    )
    return full and len({_span(s) for s in sigs}) >= 2


def _drop_embedded_han(counted: dict[str, list[Signal]]) -> Weighed:
    """Drop a province held only by one bare Han name (once or repeated) when another is
    well attested.

    Han text has no word boundaries, so a bare name can be part of a longer word or a street,
    river or landmark: 山西 in 蛇山西山坡 (Wuhan), 镇江 in 三斗坪镇江峡大道 (Yichang), 牡丹江 the
    river in Dunhua. Such a province is dropped when another province is named by two or more
    separate signals, one of them a full administrative name. Xinjiang is never dropped this
    way (the administrative-context rule below handles it).
    """
    if not any(_attested(v) for v in counted.values()):
        return counted, []
    kept: dict[str, list[Signal]] = {}
    aside: list[SetAside] = []
    for p, v in counted.items():
        lone = len({s.evidence for s in v}) == 1 and all(_bare_han(s) for s in v)
        if p == XINJIANG or _attested(v) or not lone:
            kept[p] = v
        else:
            reason = "a bare Han name, read as part of another word; another province is named"
            aside += [SetAside(p, s.evidence, reason) for s in v]
    return kept, aside


def _explicit(s: Signal) -> bool:
    """A name that states its level: a province, a prefecture, or any name with its
    administrative word (乐山市沙湾区, Yiwu City)."""
    if s.feature != "name_match" or s.weak or s.ambiguous:
        return False
    return _signal_rank(s) >= 1 or not s.bare


def _outrank(counted: dict[str, list[Signal]]) -> Weighed:
    """An explicit division of one province outranks a bare county or town name of another.

    番禺区沙湾镇, 英山县温泉镇, 长宁区天山中医医院, "Taiyuan Wusu International Airport": a
    province held by one bare county-level name (no 市/县/区, City/County; or followed by a
    town word) and nothing else is dropped when another province names an explicit division.
    """
    explicit = {p: next((s for s in v if _explicit(s)), None) for p, v in counted.items()}
    kept: dict[str, list[Signal]] = {}
    aside: list[SetAside] = []
    for p, v in counted.items():
        lone = len({s.evidence for s in v}) == 1 and all(
            s.feature == "name_match" and (s.bare or s.town) and _signal_rank(s) == 0 for s in v
        )
        winner = next((w for q, w in explicit.items() if q != p and w is not None), None)
        if lone and winner is not None:
            reason = (
                f"a bare county or town name; the explicit division '{winner.evidence}' of "
                f"another province outranks it"
            )
            aside += [SetAside(p, s.evidence, reason) for s in v]
        else:
            kept[p] = v
    return kept, aside
