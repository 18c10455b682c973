"""Cross-script renderings of Han text: word segmentation, readings and English glosses.

A Han name part can be written in Latin letters in several ways, and a company's English name
often mixes them: ``鲁泰纺织`` → ``Lutai Textile`` (pinyin + translation), ``长城`` → ``Great Wall``
(translation), ``光明`` → ``Kwang Ming`` / ``Kwong Ming`` (Wade-Giles / Cantonese), ``大展`` →
``Tachan``. This module renders a Han run and aligns the renderings with Latin words:

* **segmentation**: CC-CEDICT words (``resources/names/cedict.tsv``, CC BY-SA 4.0), fewest pieces;
* **readings** per character: pinyin (every reading pypinyin knows; ``ü`` as ``u``, ``v`` or
  ``yu``), Wade-Giles and the Hong Kong Government Cantonese romanisation
  (``resources/names/han_readings.tsv``), and the Taiwan spelling variants of
  ``resources/names/romanisation_variants.tsv``;
* **glosses** per word of two or more characters: the CC-CEDICT senses (1–4 English words).

:func:`align` finds how far a sequence of Latin words renders a Han string from its start,
syllable by syllable or word by word, and says which renderings it used (the explanation
chain of a finding: ``长城 → "great wall" → Great Wall``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from laborlens.core import resources

CEDICT_RESOURCE = "names/cedict.tsv"
READINGS_RESOURCE = "names/han_readings.tsv"
VARIANTS_RESOURCE = "names/romanisation_variants.tsv"
MAX_WORD = 6
#: Suffixes stripped before comparing an English gloss word with a name word
#: (``precise`` / ``precision``, ``product`` / ``products``).
_SUFFIXES = (
    "ations",
    "ation",
    "ions",
    "ion",
    "ings",
    "ing",
    "ies",
    "es",
    "s",
    "ed",
    "al",
    "e",
    "y",
)


@dataclass(frozen=True, slots=True, eq=False)
class HanData:
    """CC-CEDICT words and glosses, per-character readings and spelling variants."""

    glosses: Mapping[str, tuple[tuple[str, ...], ...]]
    abbreviations: Mapping[str, tuple[str, ...]]
    prefixes: frozenset[str]
    readings: Mapping[str, tuple[str, ...]]
    #: (pattern, replacement) spelling variants applied to every reading
    variants: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def han_data() -> HanData:
    """The bundled renderings data (loaded once, on first use)."""
    glosses: dict[str, tuple[tuple[str, ...], ...]] = {}
    abbreviations: dict[str, tuple[str, ...]] = {}
    for line in resources.read_text(CEDICT_RESOURCE).splitlines():
        if not line or line.startswith("#"):
            continue
        word, gl, ab = [*line.split("\t"), "", ""][:3]
        glosses[word] = tuple(tuple(g.split()) for g in gl.split("|") if g)
        if ab:
            abbreviations[word] = tuple(ab.split("|"))
    readings: dict[str, tuple[str, ...]] = {}
    for line in resources.read_text(READINGS_RESOURCE).splitlines():
        if not line or line.startswith("#"):
            continue
        ch, wg, hk = [*line.split("\t"), "", ""][:3]
        readings[ch] = tuple(r for r in (*wg.split("|"), *hk.split("|")) if r)
    variants: list[tuple[str, str]] = []
    for line in resources.read_text(VARIANTS_RESOURCE).splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        variants.append((cols[0], cols[1]))
    prefixes = frozenset(
        w[:i] for w in glosses.keys() | abbreviations.keys() for i in range(1, len(w))
    )
    return HanData(glosses, abbreviations, prefixes, readings, tuple(variants))


@lru_cache(maxsize=65536)
def segment(simp: str) -> tuple[str, ...]:
    """CC-CEDICT segmentation of a simplified Han run into the fewest words (ties: the longer
    first word); characters no word covers stand alone."""
    data = han_data()
    n = len(simp)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, start of last piece)
    best[0] = (0, 0)
    for i in range(n):
        cur = best[i]
        if cur is None:
            continue
        for j in range(i + 1, min(n, i + MAX_WORD) + 1):
            piece = simp[i:j]
            if j - i > 1 and piece not in data.glosses and piece not in data.abbreviations:
                if piece not in data.prefixes:
                    break
                continue
            cand = (cur[0] + 1, i)
            old = best[j]
            if old is None or cand[0] < old[0] or (cand[0] == old[0] and i < old[1]):
                best[j] = cand
    out: list[str] = []
    j = n
    while j > 0:
        got = best[j]
        assert got is not None  # single characters always connect
        out.append(simp[got[1] : j])
        j = got[1]
    return tuple(reversed(out))


@lru_cache(maxsize=16384)
def readings(ch: str) -> frozenset[str]:
    """Every Latin spelling of one Han character: pinyin (all readings; ü as u / v / yu),
    Wade-Giles, Cantonese (Hong Kong Government) and the listed spelling variants."""
    from pypinyin import Style, pinyin

    out: set[str] = set()
    for p in pinyin(ch, style=Style.NORMAL, heteronym=True, v_to_u=True)[0]:
        p = re.sub(r"[^a-zü]", "", p.lower())
        if not p or p == ch:
            continue
        if "ü" in p:
            out.update({p.replace("ü", "u"), p.replace("ü", "v"), p.replace("ü", "yu")})
        else:
            out.add(p)
    data = han_data()
    out.update(data.readings.get(ch, ()))
    for r in list(out):
        for pattern, replacement in data.variants:
            if pattern in r:
                out.add(r.replace(pattern, replacement))
    return frozenset(out)


def stem(word: str) -> str:
    """A crude English stem (``precision`` → ``precis``) for comparing glosses with names."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _same_word(a: str, b: str) -> bool:
    return a == b or (len(a) >= 4 and len(b) >= 4 and stem(a) == stem(b))


def glosses_of(word: str) -> tuple[tuple[str, ...], ...]:
    """The English senses of a Han word (two or more characters; one character is too
    ambiguous to translate on its own)."""
    if len(word) < 2:
        return ()
    return han_data().glosses.get(word, ())


@dataclass(frozen=True, slots=True)
class Alignment:
    """How Latin words render the start of a Han string.

    ``chars``: characters rendered (from the start); ``steps``: the chain, one
    ``(han, latin, how)`` per step, ``how`` being ``pinyin``, ``romanised`` (Wade-Giles,
    Cantonese or a spelling variant) or ``translated`` (a CC-CEDICT sense).
    """

    chars: int
    steps: tuple[tuple[str, str, str], ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(h for _, _, h in self.steps)


def align(han: str, words: tuple[str, ...], boundaries: frozenset[int]) -> Alignment | None:
    """The longest rendering of a prefix of ``han`` (simplified) by *all* of ``words``.

    Readings consume letters character by character, so syllables may be written together or
    apart (``Tachan``, ``Ta Chan``), but a word must end on a character boundary; a gloss
    consumes whole words for a whole CC-CEDICT word. The prefix must end at one of
    ``boundaries`` (word or segment ends) or at the end of ``han``. Returns ``None`` when the
    words cannot all be rendered.
    """
    if not han or not words or len(words) > 12 or sum(map(len, words)) > 60:
        return None
    return _align(han, words, boundaries)


@lru_cache(maxsize=16384)
def standard_pinyin(ch: str) -> str:
    """The most common toneless pinyin reading of one character (``""`` for none)."""
    from pypinyin import Style, lazy_pinyin

    got = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore", v_to_u=True)
    return re.sub(r"[^a-z]", "", got[0].lower().replace("ü", "v")) if got else ""


@lru_cache(maxsize=65536)
def could_start(han: str, word: str) -> bool:
    """Whether a Latin word can begin a rendering of ``han`` (a reading of its first character
    starts the word, or the word begins a gloss of a word starting there): a cheap test
    before :func:`align`."""
    if any(word.startswith(r) for r in readings(han[0])):
        return True
    for k in range(2, min(len(han), MAX_WORD) + 1):
        if any(g and _same_word(g[0], word) for g in glosses_of(han[:k])):
            return True
    return False


@lru_cache(maxsize=65536)
def _align(han: str, words: tuple[str, ...], boundaries: frozenset[int]) -> Alignment | None:
    if not could_start(han, words[0]):
        return None
    standard = [standard_pinyin(c) for c in han]
    # state: (char index, word index, letter position) -> steps so far
    start: tuple[int, int, int] = (0, 0, 0)
    seen: dict[tuple[int, int, int], tuple[tuple[str, str, str], ...]] = {start: ()}
    stack = [start]
    best: Alignment | None = None
    n, m = len(han), len(words)
    while stack:
        state = stack.pop()
        ci, wi, pos = state
        steps = seen[state]
        if wi == m and pos == 0:
            if ci > 0 and (ci == n or ci in boundaries) and (best is None or ci > best.chars):
                best = Alignment(ci, steps)
            continue
        if ci >= n:
            continue
        word = words[wi]
        nxt: list[tuple[tuple[int, int, int], tuple[str, str, str]]] = []
        for r in readings(han[ci]):
            if word.startswith(r, pos):
                p = pos + len(r)
                how = "pinyin" if ci < len(standard) and r == standard[ci] else "romanised"
                target = (ci + 1, wi + 1, 0) if p == len(word) else (ci + 1, wi, p)
                nxt.append((target, (han[ci], r, how)))
        if pos == 0:
            for k in range(min(n, ci + MAX_WORD), ci + 1, -1):
                for g in glosses_of(han[ci:k]):
                    got = words[wi : wi + len(g)]
                    if len(got) == len(g) and all(map(_same_word, got, g)):
                        nxt.append(((k, wi + len(g), 0), (han[ci:k], " ".join(got), "translated")))
        for target, step in nxt:
            if target not in seen:
                seen[target] = (*steps, step)
                stack.append(target)
    return best


def chain(al: Alignment) -> str:
    """The explanation chain: ``长城 → "great wall" (translated); 鲁 → lu; 泰 → tai``."""
    parts: list[str] = []
    for han, latin, how in al.steps:
        parts.append(f'{han} → "{latin}"' + ("" if how == "pinyin" else f" ({how})"))
    return "; ".join(parts)


@lru_cache(maxsize=65536)
def han_initials(han: str) -> str:
    """The first letters of the standard pinyin of each character (``苏豪弘业`` → ``shhy``)."""
    return "".join(standard_pinyin(c)[:1] for c in han)
