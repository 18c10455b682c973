"""The name index: every name of every party entry, analysed once, with blocking keys.

Built once per run (a couple of seconds over all bundled lists), never mutated, picklable.
Candidate generation (blocking) looks each query key up in an inverted index and keeps only
reference names that could still reach the ``possible`` band (or contain a listed parent's
core), so a query is compared with a few candidates, not with all ~20,000 names.

Keys of a name (reference and query alike):

* the key of each core / number / industry / region token;
* ``D:`` + every one-deletion variant of each core word of 4–20 letters (symmetric-delete
  typo blocking: one substitution, insertion, deletion or transposition meets);
* adjacent core words joined (``zhong tai`` → ``zhongtai``);
* ``I:`` + the initials of the name (reference) / ``I:`` + each short word (query);
* ``P:`` + first three letters of core words (reference) / of romanised Han (query), so that
  ``大全`` (daquan) finds ``Daqo``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from laborlens.core.model import ListEntry, ListInfo
from laborlens.core.names.analysis import NameAnalysis, Token, analyse
from laborlens.core.names.compare import MIN_CONTAINED_SPECIFICITY, distinctive_core, weights
from laborlens.core.names.crossscript import reference_cross_keys
from laborlens.core.names.features import ocr_skeleton
from laborlens.core.names.lexicon import Lexicon, load_lexicon

#: Entry schemas that are not party names.
SKIPPED_SCHEMAS = frozenset({"Order", "Good"})

_DISTINCT_ROLES = frozenset({"core", "number", "industry", "region"})
_PARENS = re.compile(r"\s*[\(（\[][^\)）\]]*[\)）\]]\s*")


@dataclass(frozen=True, slots=True)
class RefName:
    """One indexed reference name."""

    entry: int  # index into NameIndex.entries
    name: str  # the name as published
    field: str  # 'name' or 'aliases'
    analysis: NameAnalysis
    weights: tuple[float, ...]
    total: float
    core_total: float
    keys: frozenset[str]  # token keys, for blocking with words too common to generate
    #: the name may be found inside a longer query (containment or a listed parent /
    #: "and subsidiaries" entry): specific enough, listed with subsidiaries, or 2+ distinctive
    #: words; candidate generation keeps such names when the query holds their core
    containable: bool = True


class Postings(Mapping[str, tuple[int, ...]]):
    """Reference names per blocking key, as ``key -> ascending reference indexes``.

    The typo (``D:``), look-alike (``O:``) and prefix (``P:``) keys of a core word are the
    same for every name holding that word, and make up most keys: instead of one posting per
    name and key, they are kept per distinct word (``derived``: key -> words; ``by_word``:
    word -> names holding it as a core word) and a key's names are joined on first use. The
    result is exactly the posting the key would have (same names, same order); building the
    index is much cheaper.
    """

    __slots__ = ("_memo", "by_word", "derived", "direct")
    _MEMO = 200_000

    def __init__(
        self,
        direct: dict[str, tuple[int, ...]],
        derived: dict[str, tuple[str, ...]],
        by_word: dict[str, tuple[int, ...]],
    ) -> None:
        self.direct = direct
        self.derived = derived
        self.by_word = by_word
        self._memo: dict[str, tuple[int, ...]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        found = self.direct.get(key)
        if found is not None:
            return found
        memo = self._memo
        found = memo.get(key)
        if found is not None:
            return found
        words = self.derived.get(key)
        if not words:
            return default
        if len(words) == 1:
            found = self.by_word[words[0]]
        else:
            found = tuple(sorted(set().union(*(self.by_word[w] for w in words))))
        if len(memo) >= self._MEMO:
            memo.clear()
        memo[key] = found
        return found

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return key in self.direct or key in self.derived

    def __iter__(self) -> Iterator[str]:
        yield from self.direct
        yield from self.derived

    def __len__(self) -> int:
        return len(self.direct) + len(self.derived)

    def __reduce__(self) -> tuple[Any, ...]:
        # the memo is rebuilt on use (workers get the index without it)
        return (Postings, (self.direct, self.derived, self.by_word))


@dataclass(frozen=True, slots=True, eq=False)
class NameIndex:
    """Everything name matching needs; immutable by convention and picklable."""

    entries: tuple[ListEntry, ...]
    refs: tuple[RefName, ...]
    postings: Postings
    idf: Mapping[str, float]
    max_idf: float
    registration: Mapping[str, tuple[int, ...]]
    versions: Mapping[str, str]
    lexicon: Lexicon
    #: whether any reference name is written in Han (cross-script keys of Latin queries)
    han_refs: bool = True

    def query_weights(self, a: NameAnalysis) -> list[float]:
        """Token weights of a query name against this index's statistics."""
        return weights(a.tokens, self.idf, self.max_idf)


def normalize_registration(value: str) -> str:
    """Upper-case letters and digits only (``91650100-MA77...`` → ``91650100MA77...``)."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def name_variants(name: str) -> list[str]:
    """A published name and, when it has a parenthesis, the name without it."""
    out = [name]
    stripped = _PARENS.sub(" ", name).strip()
    if stripped and stripped != name and len(stripped) >= 3:
        out.append(stripped)
    return out


def deletions(word: str) -> set[str]:
    """The word and its one-deletion variants."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=65536)
def _core_word_keys(key: str) -> frozenset[str]:
    """The typo, look-alike and prefix keys of one core word (words recur across names)."""
    keys: set[str] = set()
    if 4 <= len(key) <= 20:
        keys.update("D:" + d for d in deletions(key))
        keys.add("O:" + ocr_skeleton(key))
    if len(key) >= 3:
        keys.add("P:" + key[:3])
    return frozenset(keys)


def reference_keys(a: NameAnalysis) -> set[str]:
    """Blocking keys of a reference name."""
    keys = _direct_keys(a)
    for t in a.tokens:
        if t.role == "core":
            keys |= _core_word_keys(t.key)
    return keys


#: Key prefixes derived from one core word (typo, look-alike, prefix keys).
DERIVED = ("D:", "O:", "P:")


def _direct_keys(a: NameAnalysis) -> set[str]:
    """The keys of a reference name that are not derived from one core word alone."""
    keys: set[str] = set()
    prev_core: str | None = None
    for t in a.tokens:
        if t.role in ("legal", "generic"):
            prev_core = None
            continue
        keys.add(t.key)
        if t.role == "core":
            if prev_core is not None:
                keys.add(prev_core + t.key)
            prev_core = t.key
        else:
            # (a misspelt lexicon word, INTERNATLONAL, is corrected by the analysis: no typo
            # keys for lexicon words)
            prev_core = None
    # initials of the whole name and of each leading run of words (BAT = British American
    # Tobacco in "British American Tobacco Malawi")
    letters = ""
    count = 0
    for t in a.tokens:
        if t.role in ("legal", "number"):
            continue
        letters += "".join(w[0] for w in t.text.split() if w[:1].isascii() and w[:1].isalnum())
        count += 1
        if count >= 2 and len(letters) >= 2:
            keys.add("I:" + letters.lower())
    keys.update(reference_cross_keys(a))
    return keys


def token_keys(t: Token, known: Mapping[str, object] | None = None) -> set[str]:
    """Blocking keys of one query token (the key, typo variants of a word the index does not
    hold, its initials key, pinyin prefixes and syllables); see :func:`query_keys`."""
    keys = {t.key}
    if t.role == "core":
        if 4 <= len(t.key) <= 20 and (known is None or t.key not in known):
            keys.update("D:" + d for d in deletions(t.key))
            keys.add("O:" + ocr_skeleton(t.key))
        if 3 <= len(t.key) <= 8 and t.via == "literal" and not t.syllables:
            keys.add("I:" + t.key)
        if t.syllables and (t.via == "pinyin" or len(t.syllables) >= 2):
            keys.add("P:" + t.key[:3])
            if len(t.syllables) >= 2:
                keys.add("P:" + (t.syllables[0] + t.syllables[1])[:3])
            # a Han core may be written as separate syllables on the Latin side
            keys.update(t.syllables)
    return keys


def query_keys(
    a: NameAnalysis, known: Mapping[str, object] | None = None
) -> list[tuple[int, set[str]]]:
    """Blocking keys of a query name, grouped by the token they come from (-1: whole name).

    With ``known`` (the postings), typo keys are generated only for words the index does not
    hold verbatim: a listed word needs no typo search to find its candidates.
    """
    out: list[tuple[int, set[str]]] = []
    prev: tuple[int, str] | None = None
    for i, t in enumerate(a.tokens):
        if t.role in ("legal", "generic"):
            prev = None
            continue
        keys = token_keys(t, known)
        if t.role == "core":
            if prev is not None:
                keys.add(prev[1] + t.key)
            prev = (i, t.key)
        else:
            prev = None
        out.append((i, keys))
    if len(a.initials) >= 2:
        out.append((-1, {a.initials}))
    return out


def build_name_index(
    entries: Iterable[ListEntry],
    infos: Mapping[str, ListInfo],
    lexicon: Lexicon | None = None,
) -> NameIndex:
    """Analyse every name and alias of every party entry and build the inverted index.

    Args:
        entries: list entries (entries with schema ``Order`` or ``Good`` are skipped).
        infos: list manifests by list id (for ``list_version`` on findings).
        lexicon: the lexicon to use (default: the bundled ``resources/names/lexicon.tsv``).
    """
    lex = lexicon or load_lexicon()
    kept: list[ListEntry] = []
    analysed: list[tuple[int, str, str, NameAnalysis]] = []
    registration: dict[str, list[int]] = {}
    cache: dict[str, NameAnalysis] = {}
    for e in entries:
        if e.schema in SKIPPED_SCHEMAS:
            continue
        ei = len(kept)
        kept.append(e)
        reg = e.prop("registration_id")
        if reg and normalize_registration(reg):
            registration.setdefault(normalize_registration(reg), []).append(ei)
        seen: set[str] = set()
        for fld, raw in [("name", e.name)] + [("aliases", a) for a in e.aliases]:
            for variant in name_variants(raw):
                a = cache.get(variant)
                if a is None:
                    a = analyse(variant, lex)
                    cache[variant] = a
                if not a.distinctive:
                    continue
                k = a.key()
                if k in seen:
                    continue
                seen.add(k)
                analysed.append((ei, raw, fld, a))
    # document frequencies of token keys over reference names
    df: dict[str, int] = {}
    for _, _, _, a in analysed:
        for key in {t.key for t in a.tokens}:
            df[key] = df.get(key, 0) + 1
    n = len(analysed)
    idf = {k: math.log((n + 1) / (v + 1)) + 1.0 for k, v in df.items()}
    max_idf = math.log(n + 1) + 1.0
    refs: list[RefName] = []
    postings: defaultdict[str, list[int]] = defaultdict(list)
    by_word: defaultdict[str, list[int]] = defaultdict(list)
    for ri, (ei, raw, fld, a) in enumerate(analysed):
        w = tuple(weights(a.tokens, idf, max_idf))
        core_total = sum(w[i] for i in distinctive_core(a))
        containable = (
            a.specificity >= MIN_CONTAINED_SPECIFICITY
            or kept[ei].subsidiaries
            or sum(1 for t in a.tokens if t.role in _DISTINCT_ROLES) >= 2
        )
        refs.append(
            RefName(
                ei,
                raw,
                fld,
                a,
                w,
                sum(w),
                core_total,
                frozenset(t.key for t in a.tokens),
                containable,
            )
        )
        for key in _direct_keys(a):
            postings[key].append(ri)
        for word in {t.key for t in a.tokens if t.role == "core"}:
            by_word[word].append(ri)
    derived: defaultdict[str, list[str]] = defaultdict(list)
    for word in by_word:
        for key in _core_word_keys(word):
            derived[key].append(word)
    for key in derived.keys() & postings.keys():  # a key of both kinds: one posting
        union = set(postings[key]).union(*(by_word[w] for w in derived.pop(key)))
        postings[key] = sorted(union)
    return NameIndex(
        entries=tuple(kept),
        refs=tuple(refs),
        postings=Postings(
            {k: tuple(v) for k, v in postings.items()},
            {k: tuple(v) for k, v in derived.items()},
            {k: tuple(v) for k, v in by_word.items()},
        ),
        idf=idf,
        max_idf=max_idf,
        registration={k: tuple(v) for k, v in registration.items()},
        versions={k: v.version for k, v in infos.items()},
        lexicon=lex,
        han_refs=any("han" in r.analysis.scripts for r in refs),
    )
