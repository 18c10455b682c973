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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True, eq=False)
class NameIndex:
    """Everything name matching needs; immutable by convention and picklable."""

    entries: tuple[ListEntry, ...]
    refs: tuple[RefName, ...]
    postings: Mapping[str, tuple[int, ...]]
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


def reference_keys(a: NameAnalysis) -> set[str]:
    """Blocking keys of a reference name."""
    keys: set[str] = set()
    prev_core: str | None = None
    for t in a.tokens:
        if t.role in ("legal", "generic"):
            prev_core = None
            continue
        keys.add(t.key)
        if t.role == "core":
            if 4 <= len(t.key) <= 20:
                keys.update("D:" + d for d in deletions(t.key))
                keys.add("O:" + ocr_skeleton(t.key))
            if len(t.key) >= 3:
                keys.add("P:" + t.key[:3])
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
    postings: dict[str, list[int]] = {}
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
        for key in reference_keys(a):
            postings.setdefault(key, []).append(ri)
    return NameIndex(
        entries=tuple(kept),
        refs=tuple(refs),
        postings={k: tuple(v) for k, v in postings.items()},
        idf=idf,
        max_idf=max_idf,
        registration={k: tuple(v) for k, v in registration.items()},
        versions={k: v.version for k, v in infos.items()},
        lexicon=lex,
        han_refs=any("han" in r.analysis.scripts for r in refs),
    )
