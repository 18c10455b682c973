"""Cross-script features of ``names-v2``: renderings of Han parts and short forms.

* :func:`rendered_parts` — a romanised-Han core part on one side rendered, as a whole, by a run
  of Latin words on the other: Wade-Giles, Cantonese or a spelling variant (``光明`` ↔ ``Kwang
  Ming``), a CC-CEDICT translation (``长城`` ↔ ``Great Wall``), or a mix (``东浦精密`` ↔ ``Dongpu
  Precision``).
* :func:`short_form` — one name is a short form of the other: a Chinese short name (简称) that
  is the start of the other's distinctive part once its region prefix and legal form are dropped
  (``东浦`` ↔ ``東浦精密光電股份有限公司``, ``高华科技`` ↔ ``南京高华科技股份有限公司``), the first
  characters of its words (``中石化`` ↔ ``中国石油化工``), a CC-CEDICT abbreviation, the same start
  romanised or translated (``Haiwan`` ↔ ``海灣國際開發``), or the pinyin initials of the Chinese
  name (``SHHY`` ↔ ``苏豪弘业``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from laborlens.core.names.analysis import NameAnalysis, Token, simplified
from laborlens.core.names.features import Part
from laborlens.core.names.render import (
    align,
    chain,
    could_start,
    glosses_of,
    han_data,
    han_initials,
    readings,
    segment,
    stem,
)
from laborlens.core.names.text import HAN_RUN, latin_words

_DISTINCT = ("core", "number", "industry")
#: Score of a short form: this plus up to 0.1 by the share of the longer name it covers.
SHORT_FORM_BASE = 0.72
#: A romanised short name must render at least this share of the other name's Han part
#: (industry words not counted).
MIN_SHORT_COVERAGE = 0.4
#: Score of a name given only by the pinyin initials of the other (``SHHY``).
INITIALS_SHORT_FORM = 0.72
#: Similarity of a part rendered through Wade-Giles / Cantonese / a translation (pinyin: 1.0).
RENDERED_SIM = 0.95


@dataclass(frozen=True, slots=True)
class HanProfile:
    """The Han distinctive part of a name: simplified characters of its core, number and
    industry parts in order (leading regions, legal forms and generic words dropped), the
    character offsets where words end, and every Han character of the name."""

    han: str
    bounds: frozenset[int]
    starts: tuple[int, ...]
    full: str
    #: every Han word of the name but legal forms, in order, with whether it may be left out
    #: of a short name without a trace (a region or a generic word)
    words: tuple[tuple[str, bool], ...] = ()
    #: characters of ``han`` in industry words (a short name often leaves them out)
    industry_chars: int = 0


def _han_of(t: Token) -> str:
    return "".join(HAN_RUN.findall(t.text))


def _profile_of(tokens: tuple[Token, ...]) -> HanProfile | None:
    han = ""
    bounds: set[int] = set()
    starts: list[int] = []
    full = simplified("".join(_han_of(t) for t in tokens))
    if not full:
        return None
    for t in tokens:
        if t.role not in _DISTINCT:
            continue
        text = simplified(_han_of(t))
        if not text:
            continue
        pieces = segment(text) if t.role == "core" else (text,)
        for p in pieces:
            starts.append(len(han))
            han += p
            bounds.add(len(han))
    if not han:
        return None
    industry = sum(len(simplified(_han_of(t))) for t in tokens if t.role == "industry")
    words: list[tuple[str, bool]] = []
    for t in tokens:
        text = simplified(_han_of(t))
        if not text or t.role == "legal":
            continue
        optional = t.role in ("region", "generic")
        pieces = segment(text) if t.role == "core" else (text,)
        words.extend((p, optional) for p in pieces)
    return HanProfile(han, frozenset(bounds), tuple(starts), full, tuple(words), industry)


_PROFILES: dict[tuple[str, int], HanProfile | None] = {}


def clear_profiles() -> None:
    """Forget cached Han profiles (with the other caches of ``matcher.clear_caches``)."""
    _PROFILES.clear()


def han_profile(a: NameAnalysis) -> HanProfile | None:
    """The :class:`HanProfile` of a name, or ``None`` when it has no Han distinctive part."""
    if "han" not in a.scripts:
        return None
    key = (a.text, len(a.tokens))  # cheaper to hash than the tokens; one lexicon per run
    got = _PROFILES.get(key, _PROFILES)
    if got is _PROFILES:
        if len(_PROFILES) > 65536:
            _PROFILES.clear()
        got = _PROFILES[key] = _profile_of(a.tokens)
    return got  # type: ignore[return-value]


def _latin_words(t: Token) -> tuple[str, ...]:
    if t.via != "lexicon" and t.role in ("core", "number"):
        return (t.key,)
    return tuple(latin_words(t.text))


def distinctive_latin(a: NameAnalysis) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The Latin words of a name's distinctive tokens (core, number, industry) and their token
    indexes; empty when the name has Han text."""
    words: list[str] = []
    idx: list[int] = []
    # a name made of a region word only (Tacheng: 塔城, or 大城 in Wade-Giles) renders by it
    roles = _DISTINCT if any(t.role in _DISTINCT for t in a.tokens) else ("region",)
    for i, t in enumerate(a.tokens):
        if t.role in roles and t.text.isascii():
            got = _latin_words(t)
            words.extend(got)
            idx.extend([i] * len(got))
    return tuple(words), tuple(idx)


def _runs(a: NameAnalysis, free: list[int]) -> list[list[int]]:
    """Maximal runs of adjacent free Latin tokens (core or lexicon words written in Latin)."""
    runs: list[list[int]] = []
    for i in sorted(free):
        t = a.tokens[i]
        if t.role in ("legal",) or not t.text.isascii():
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _render_side(
    a: NameAnalysis, b: NameAnalysis, afree: list[int], bfree: list[int], a_is_query: bool
) -> list[Part]:
    parts: list[Part] = []
    for i in list(afree):
        t = a.tokens[i]
        if t.via != "pinyin" or t.role != "core":
            continue
        han = simplified(_han_of(t))
        if len(han) < 2:
            continue
        bounds = frozenset({len(han)})
        done = False
        for run in _runs(b, bfree):
            for s in range(len(run)):
                first = _latin_words(b.tokens[run[s]])
                if not first or not could_start(han, first[0]):
                    continue
                for e in range(len(run), s, -1):
                    toks = run[s:e]
                    words = tuple(w for j in toks for w in _latin_words(b.tokens[j]))
                    al = align(han, words, bounds)
                    if al is None or al.chars != len(han) or al.kinds == {"pinyin"}:
                        continue
                    how = "translated" if al.kinds == {"translated"} else "romanised"
                    if "translated" in al.kinds and len(al.kinds) > 1:
                        how = "rendered"
                    afree.remove(i)
                    for j in toks:
                        bfree.remove(j)
                    qi, ri = ((i,), tuple(toks)) if a_is_query else (tuple(toks), (i,))
                    parts.append(Part(qi, ri, RENDERED_SIM, how, chain(al)))
                    done = True
                    break
                if done:
                    break
            if done:
                break
    return parts


def rendered_parts(
    q: NameAnalysis, r: NameAnalysis, qfree: list[int], rfree: list[int]
) -> list[Part]:
    """Han core parts rendered as a whole by Latin words on the other side (not plain pinyin,
    which :func:`~laborlens.core.names.features.exact_parts` already links)."""
    if not (
        ("han" in q.scripts and "latin" in r.scripts)
        or ("han" in r.scripts and "latin" in q.scripts)
    ):
        return []
    return _render_side(q, r, qfree, rfree, True) + _render_side(r, q, rfree, qfree, False)


@dataclass(frozen=True, slots=True)
class ShortForm:
    """A short-form relation: how, the share of the longer name covered, the chain."""

    how: str
    coverage: float
    note: str
    score: float


def _word_prefixes(s: str, words: tuple[tuple[str, bool], ...]) -> float:
    """Share of the distinctive words of a name that a Chinese short name abbreviates, taking
    a start of each word it uses, in order (五洲特纸 = 五洲 特种 纸业, 中远海控 = 中远 海运 控股);
    0 when it is not such a short name. A region or generic word may be left out anywhere, another
    word only after the first one used, and a two-character short name uses adjacent words."""
    n = len(words)
    total = sum(len(w) for w, opt in words if not opt) or 1

    @cache
    def go(k: int, j: int, started: bool) -> float:
        if k == len(s):
            return 0.0
        if j >= n:
            return -1.0
        word, optional = words[j]
        best = -1.0
        for length in range(min(len(word), len(s) - k), 0, -1):
            if s[k : k + length] != word[:length]:
                continue
            rest = go(k + length, j + 1, True)
            if rest >= 0:
                best = max(best, rest + (0 if optional else len(word)))
        if optional or (started and len(s) > 2):
            best = max(best, go(k, j + 1, started))
        return best

    got = go(0, 0, False)
    return got / total if got > 0 else 0.0


def _han_short(short: HanProfile, long: HanProfile) -> ShortForm | None:
    s, full = short.han, long.han
    if len(s) < 2 or len(short.full) >= len(long.full) or len(s) > len(full) + 4:
        return None
    if full.startswith(s) and (len(s) in long.bounds or len(s) == len(full)):
        cov = len(s) / len(full)
        return ShortForm("short_form", cov, f"{s} = start of {full}", SHORT_FORM_BASE + 0.1 * cov)
    # first characters of consecutive words (中石化 = 中国 石油 化工)
    starts = long.starts
    if len(s) <= len(starts) and all(full[starts[k]] == s[k] for k in range(len(s))):
        cov = starts[len(s)] / len(full) if len(s) < len(starts) else 1.0
        if len(s) >= 3 or cov >= 0.5:
            note = f"{s} = first characters of the words of {full}"
            return ShortForm("short_form", cov, note, SHORT_FORM_BASE + 0.1 * cov)
    cov = _word_prefixes(s, long.words) if len(short.full) < len(long.full) else 0.0
    if cov > 0:
        note = f"{s} = starts of the words of {''.join(w for w, _ in long.words)}"
        return ShortForm("short_form", cov, note, SHORT_FORM_BASE + 0.1 * min(1.0, cov))
    for expansion in han_data().abbreviations.get(s, ()):
        if long.full.startswith(expansion) or expansion.startswith(long.han):
            note = f"{s} = CC-CEDICT abbreviation of {expansion}"
            return ShortForm("abbreviation", 1.0, note, SHORT_FORM_BASE + 0.1)
    return None


def _latin_short(words: tuple[str, ...], long: HanProfile) -> ShortForm | None:
    if not words:
        return None
    if len(words) == 1 and 2 <= len(words[0]) <= 8:
        w = words[0]
        for han in (long.han, long.full):
            if len(han) == len(w) >= 3 and han_initials(han) == w:
                note = f"{w.upper()} = pinyin initials of {han}"
                return ShortForm("initials", 0.0, note, INITIALS_SHORT_FORM + 0.03 * (len(w) >= 4))
    al = align(long.han, words, long.bounds)
    if al is None or al.chars < 2 or al.chars >= len(long.han) or al.kinds == {"translated"}:
        return None
    cov = al.chars / len(long.han)
    if al.chars / max(1, len(long.han) - long.industry_chars) < MIN_SHORT_COVERAGE:
        return None
    return ShortForm("short_form", cov, chain(al), SHORT_FORM_BASE + 0.1 * cov)


def _han_short_of_latin(short: HanProfile, words: tuple[str, ...]) -> ShortForm | None:
    """A Chinese short name romanised by the first words of a Latin name. Three characters at
    least, and readings only: a two-character name or a translated word (北方 → North) starts
    too many English names to say anything on its own."""
    if len(short.han) < 3:
        return None
    for k in range(1, len(words)):
        al = align(short.han, words[:k], short.bounds)
        if al is not None and al.chars == len(short.han) and "translated" not in al.kinds:
            cov = k / len(words)
            return ShortForm("short_form", cov, chain(al), SHORT_FORM_BASE + 0.1 * cov)
    return None


def short_form(a: NameAnalysis, b: NameAnalysis) -> ShortForm | None:
    """How one of two names is a short form of the other (either way), or ``None``.

    Only across scripts or between Han names: two Latin names are left to containment.
    """
    pa, pb = han_profile(a), han_profile(b)
    if pa is None and pb is None:
        return None
    if pa is not None and pb is not None:
        return _han_short(pa, pb) or _han_short(pb, pa)
    han_side, latin_side = (pa, b) if pa is not None else (pb, a)
    assert han_side is not None
    words, _ = distinctive_latin(latin_side)
    if not words or any(not t.text.isascii() for t in latin_side.tokens):
        return None
    roles = {t.role for t in latin_side.tokens}
    if roles & {"generic", "legal"} or ("region" in roles and roles & set(_DISTINCT)):
        # the Latin name is a full company name, not a short name: Xinjiang Zhonghe or KUNLUN
        # HOLDING COMPANY LTD is not the short form of 中核科技 or 昆仑万维
        return _han_short_of_latin(han_side, words)
    return _latin_short(words, han_side) or _han_short_of_latin(han_side, words)


# --- blocking keys ---------------------------------------------------------------------------

_MAX_READING_KEYS = 48


def _reading_pairs(han: str) -> set[str]:
    """Joined readings of the first two characters (``光明`` → ``guangming``, ``kwongming`` …)."""
    if len(han) < 2:
        return set()
    first, second = readings(han[0]), readings(han[1])
    out = {a + b for a in first for b in second if len(a + b) >= 4}
    return set(sorted(out)[:_MAX_READING_KEYS])


def _gloss_keys(profile: HanProfile, prefix: str) -> set[str]:
    keys: set[str] = set()
    for k, start in enumerate(profile.starts[:2]):
        end = profile.starts[k + 1] if k + 1 < len(profile.starts) else len(profile.han)
        for g in glosses_of(profile.han[start:end]):
            if len(g[0]) >= 4:
                keys.add(prefix + stem(g[0]))
    return keys


def _short_starts(p: HanProfile) -> set[str]:
    """Two-character starts a short name of this name may have: the first two characters of
    one of its first words, or the first characters of two of them (南钢 for 南京钢铁)."""
    words = [w for w, _ in p.words[:4]]
    out = {w[:2] for w in words[:3] if len(w) >= 2}
    out.update(a[0] + b[0] for i, a in enumerate(words) for b in words[i + 1 :])
    return out


def reference_cross_keys(a: NameAnalysis) -> set[str]:
    """Blocking keys of a reference name for short forms and renderings: ``S:`` first two
    characters of its Han distinctive part, ``Y:`` joined readings of those characters, ``H:``
    stems of the glosses of its first words, ``I:`` pinyin initials (Han names); ``G:`` stems
    of its distinctive words (Latin names, found by the glosses of a Han query)."""
    p = han_profile(a)
    if p is None:
        words, _ = distinctive_latin(a)
        return {"G:" + stem(w) for w in words[:4] if len(w) >= 4 and not w.isdigit()}
    keys = {"S:" + p.han[:2]} if len(p.han) >= 2 else set()
    keys.update("S:" + k for k in _short_starts(p))
    keys.update("Y:" + k for k in _reading_pairs(p.han))
    keys.update(_gloss_keys(p, "H:"))
    for han in (p.han, p.full):
        if 3 <= len(han) <= 8:
            keys.add("I:" + han_initials(han))
    return keys


def query_cross_keys(a: NameAnalysis, han_refs: bool = True) -> set[str]:
    """Blocking keys of a query name that may meet :func:`reference_cross_keys` (``han_refs``:
    whether the index holds Han reference names at all; without, a Latin query has none)."""
    if "han" in a.scripts:
        p = han_profile(a)
        if p is None:
            return set()
        keys = {"S:" + p.han[:2]} if len(p.han) >= 2 and han_refs else set()
        return keys | _gloss_keys(p, "G:")
    if not han_refs:
        return set()
    words, _ = distinctive_latin(a)
    if not words:
        return set()
    joined = "".join(words)
    keys = {"Y:" + joined[:k] for k in range(4, min(len(joined), 12) + 1)}
    keys.update("H:" + stem(w) for w in words[:4] if len(w) >= 4 and not w.isdigit())
    return keys
