"""Compile the product lexicon from its resource file (``resources/products/lexicon.yaml``),
checking every field; the matching itself is :mod:`laborlens.core.products.lexicon`."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from laborlens.core.products.lexicon import CJK, Concept, Context, Lexicon, normalise, tokens
from laborlens.core.resources import ResourceError


def _err(file: str, field: str, message: str) -> ResourceError:
    return ResourceError(f"{file}: field '{field}': {message}")


def _texts(file: str, field: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(file, field, f"expected a list of text, got {value!r}")
    return [str(v) for v in value]


def compile_lexicon(
    file: str, data: Any, *, sectors: frozenset[str], goods: frozenset[str]
) -> Lexicon:
    """Validate the lexicon document and compile it; sector and good names are checked."""
    if not isinstance(data, Mapping) or not isinstance(data.get("concepts"), list):
        raise _err(file, "concepts", "expected a list of concepts")
    concepts: dict[str, Concept] = {}
    en: dict[str, list[tuple[tuple[str, ...], str, str, bool]]] = {}
    zh: dict[str, list[tuple[str, str, bool]]] = {}
    en_ex: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {}
    zh_ex: dict[str, tuple[str, ...]] = {}
    for n, item in enumerate(data["concepts"]):
        where = f"concepts[{n}]"
        concept = _concept(file, where, item, sectors, goods)
        if concept.id in concepts:
            raise _err(file, f"{where}.id", f"duplicate concept '{concept.id}'")
        cid = concept.id
        concepts[cid] = concept
        seen_en: set[tuple[str, ...]] = set()  # "cotton" and "cottons" stem alike: keep one
        for key, strong in (("en", True), ("en_weak", False)):
            for term in _texts(file, f"{where}.{key}", item.get(key)):
                toks = tuple(tokens(normalise(term)))
                if toks and toks not in seen_en:
                    seen_en.add(toks)
                    en.setdefault(toks[0], []).append((toks, cid, term, strong))
        seen_zh: set[str] = set()
        for key, strong in (("zh", True), ("zh_weak", False)):
            for term in _texts(file, f"{where}.{key}", item.get(key)):
                t = normalise(term)
                if t not in seen_zh:
                    seen_zh.add(t)
                    zh.setdefault(t[0], []).append((t, cid, strong))
        en_ex[cid], zh_ex[cid] = _excludes(_texts(file, f"{where}.exclude", item.get("exclude")))
    if not concepts:
        raise _err(file, "concepts", "no concepts")
    context = _compile_context(file, data, concepts)
    # longest terms first so the cover rule sees them; order does not change the result set
    zh_sorted = {k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in zh.items()}
    return Lexicon(
        concepts=concepts,
        en_terms={k: tuple(sorted(v, key=lambda t: -len(t[0]))) for k, v in en.items()},
        en_exclude=en_ex,
        zh_terms=zh_sorted,
        zh_exclude=zh_ex,
        en_first=frozenset(en),
        en_exclude_len={
            c: max(len(p) for ps in by.values() for p in ps) for c, by in en_ex.items() if by
        },
        zh_auto=_zh_automata(zh_sorted, zh_ex),
        context=context,
    )


def _concept(
    file: str, where: str, item: Any, sectors: frozenset[str], goods: frozenset[str]
) -> Concept:
    """One concept's id, sectors, goods and source, checked."""
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
        raise _err(file, f"{where}.id", "each concept needs a text id")
    csectors = _texts(file, f"{where}.sectors", item.get("sectors"))
    cgoods = [
        unicodedata.normalize("NFC", g) for g in _texts(file, f"{where}.goods", item.get("goods"))
    ]
    for s in csectors:
        if s not in sectors:
            raise _err(file, f"{where}.sectors", f"unknown sector '{s}'")
    for g in cgoods:
        if g not in goods:
            raise _err(file, f"{where}.goods", f"unknown DOL good '{g}'")
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        raise _err(file, f"{where}.source", "every concept needs a source")
    return Concept(item["id"], tuple(csectors), tuple(cgoods), source)


def _excludes(
    phrases: list[str],
) -> tuple[dict[str, tuple[tuple[str, ...], ...]], tuple[str, ...]]:
    """A concept's exclude phrases: English by first token, Chinese as text."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    zh_phr: list[str] = []
    for phrase in phrases:
        norm = normalise(phrase)
        if CJK.search(norm):
            zh_phr.append(norm)
            continue
        toks = tuple(tokens(norm))
        if toks:
            by_first.setdefault(toks[0], []).append(toks)
    return {k: tuple(v) for k, v in by_first.items()}, tuple(zh_phr)


def _phrases(file: str, field: str, value: Any) -> tuple[tuple[str, ...], ...]:
    out = []
    for text in _texts(file, field, value):
        toks = tuple(tokens(normalise(text)))
        if not toks:
            raise _err(file, field, f"'{text}' has no word")
        out.append(toks)
    return tuple(out)


def _words(file: str, field: str, value: Any) -> frozenset[str]:
    """Single words (stemmed like text tokens)."""
    out = set()
    for phrase in _phrases(file, field, value):
        if len(phrase) != 1:
            raise _err(file, field, f"expected single words, got '{' '.join(phrase)}'")
        out.add(phrase[0])
    return frozenset(out)


def _compile_context(file: str, data: Mapping[str, Any], concepts: Mapping[str, Any]) -> Context:
    """Validate the top-level ``context`` section and the concepts' context fields."""
    ctx = data.get("context") or {}
    if not isinstance(ctx, Mapping):
        raise _err(file, "context", "expected a mapping")
    known = {
        "purpose_markers",
        "purpose_wearers",
        "purpose_ends",
        "purpose_process_nouns",
        "source",
    }
    unknown = set(ctx) - known
    if unknown:
        raise _err(file, f"context.{sorted(unknown)[0]}", "unknown field")
    if ctx and not (isinstance(ctx.get("source"), str) and ctx["source"].strip()):
        raise _err(file, "context.source", "the context rules need a source")
    per: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
        "not_with": {},
        "unless": {},
        "weak_overridden_by": {},
    }
    for n, item in enumerate(data["concepts"]):
        for key, table in per.items():
            if item.get(key) is not None:
                table[item["id"]] = _phrases(file, f"concepts[{n}].{key}", item.get(key))
        if item.get("unless") is not None and item.get("not_with") is None:
            raise _err(file, f"concepts[{n}].unless", "only meaningful with 'not_with'")
    return Context(
        purpose_markers=_phrases(file, "context.purpose_markers", ctx.get("purpose_markers")),
        purpose_wearers=_words(file, "context.purpose_wearers", ctx.get("purpose_wearers")),
        purpose_ends=_words(file, "context.purpose_ends", ctx.get("purpose_ends")),
        purpose_process_nouns=_words(
            file, "context.purpose_process_nouns", ctx.get("purpose_process_nouns")
        ),
        not_with=per["not_with"],
        unless=per["unless"],
        weak_overridden_by=per["weak_overridden_by"],
    )


def _zh_automata(
    zh_terms: Mapping[str, tuple[tuple[str, str, bool], ...]],
    zh_exclude: Mapping[str, tuple[str, ...]],
) -> tuple[Any, Any]:
    """Automata over the Chinese terms (value: ``(rank, term, concept, strong)`` entries, rank =
    position in the first character's longest-first list, which orders matches as the scan
    does) and over the exclusion phrases (value: ``(phrase, concepts)``)."""
    import ahocorasick  # C extension; a declared runtime dependency

    terms: dict[str, list[tuple[int, str, str, bool]]] = {}
    for entries in zh_terms.values():
        for rank, (term, concept, strong) in enumerate(entries):
            terms.setdefault(term, []).append((rank, term, concept, strong))
    phrases: dict[str, list[str]] = {}
    for concept, ps in zh_exclude.items():
        for p in ps:
            if p and concept not in phrases.setdefault(p, []):
                phrases[p].append(concept)
    t_auto = ahocorasick.Automaton()
    for term, values in terms.items():
        t_auto.add_word(term, tuple(values))
    t_auto.make_automaton()
    e_auto = ahocorasick.Automaton()
    for p, concepts in phrases.items():
        e_auto.add_word(p, ((p, tuple(concepts)),))
    e_auto.make_automaton()
    if not terms:
        return (_Empty(), _Empty())
    if not phrases:
        return (t_auto, _Empty())
    return (t_auto, e_auto)


class _Empty:
    """Stands in for an automaton with no words (pyahocorasick cannot search those)."""

    def iter(self, text: str) -> list[tuple[int, Any]]:
        return []
