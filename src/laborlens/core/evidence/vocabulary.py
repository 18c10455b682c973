"""The controlled vocabulary of evidence document types and the response-path requirements.

Both are data in ``resources/evidence`` (``document_types.yaml``, ``paths.yaml``) with a citation
for every entry; this module loads, validates and indexes them. Category ids are identical to the
rules layer's evidence categories (``laborlens.core.rules.evidence_categories()`` when present).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from laborlens.core import resources
from laborlens.core.evidence.model import EvidenceError

TYPES_RESOURCE = "evidence/document_types.yaml"
PATHS_RESOURCE = "evidence/paths.yaml"

SCOPES: tuple[str, ...] = ("case", "shipment", "edge", "node")
APPLIES_TO: tuple[str, ...] = ("case", "shipment", "edge", "node", "producing", "source")
SEVERITIES: dict[str, int] = {"blocking": 3, "major": 2, "minor": 1}


class UnknownDocumentTypeError(EvidenceError):
    """A document type that is not in the vocabulary (the message suggests close ids)."""


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    source: str


@dataclass(frozen=True, slots=True)
class DocumentType:
    """One document type of the vocabulary (see ``document_types.yaml`` for the fields)."""

    id: str
    label: str
    scope: tuple[str, ...]
    categories: tuple[str, ...]
    source: str
    aliases: tuple[str, ...] = ()
    carries_quantity: bool = False
    before_shipment: bool = False
    names_producer: bool = False
    validity_days: int | None = None
    products: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Requirement:
    """Documents a path needs for each subject of one kind (``applies_to``)."""

    id: str
    applies_to: str
    any_of: tuple[str, ...]
    severity: str
    why: str
    path: str


@dataclass(frozen=True, slots=True)
class ResponsePath:
    id: str
    label: str
    citation: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Document types, categories and response paths, with the resource files' hashes."""

    types: tuple[DocumentType, ...]
    categories: tuple[Category, ...]
    paths: tuple[ResponsePath, ...]
    quantity_tolerance: float
    version: str

    def type_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.types)

    def get(self, type_id: str) -> DocumentType:
        for t in self.types:
            if t.id == type_id:
                return t
        raise UnknownDocumentTypeError(f"unknown document type '{type_id}'")

    def resolve(self, text: str) -> DocumentType:
        """The document type named by ``text``: an id or an alias, case/punctuation-insensitive.

        Raises:
            UnknownDocumentTypeError: no type matches; the message lists the closest ids.
        """
        key = _key(text)
        for t in self.types:
            if key == _key(t.id) or key == _key(t.label) or key in {_key(a) for a in t.aliases}:
                return t
        names = {_key(t.id): t.id for t in self.types}
        for t in self.types:
            for a in t.aliases:
                names.setdefault(_key(a), t.id)
        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
        hint = sorted({names[c] for c in close})
        msg = f"unknown document type '{text}'"
        if hint:
            msg += f"; did you mean {', '.join(hint)}?"
        msg += " (see `laborlens evidence types`)"
        raise UnknownDocumentTypeError(msg)

    def category(self, category_id: str) -> Category | None:
        for c in self.categories:
            if c.id == category_id:
                return c
        return None

    def path(self, path_id: str) -> ResponsePath:
        for p in self.paths:
            if p.id == path_id:
                return p
        raise EvidenceError(
            f"unknown response path '{path_id}'; known: {', '.join(p.id for p in self.paths)}"
        )


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


def _str_tuple(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise resources.ResourceError(f"{where}: expected a list of strings")
    return tuple(value)


@cache
def load_vocabulary() -> Vocabulary:
    """Load and validate the bundled vocabulary (cached: resources are immutable).

    Raises:
        ResourceError: a resource file is malformed; the message names the file and entry.
    """
    raw = resources.read_yaml(TYPES_RESOURCE)
    categories = tuple(
        Category(id=str(c["id"]), label=str(c["label"]), source=str(c.get("source", "")))
        for c in raw.get("categories", [])
    )
    cat_ids = {c.id for c in categories}
    types: list[DocumentType] = []
    for n, t in enumerate(raw.get("document_types", []), start=1):
        where = f"{TYPES_RESOURCE} document_types[{n}]"
        try:
            tid = str(t["id"])
            dt = DocumentType(
                id=tid,
                label=str(t["label"]),
                scope=_str_tuple(t.get("scope"), f"{where}.scope"),
                categories=_str_tuple(t.get("categories"), f"{where}.categories"),
                source=str(t["source"]),
                aliases=_str_tuple(t.get("aliases"), f"{where}.aliases"),
                carries_quantity=bool(t.get("carries_quantity", False)),
                before_shipment=bool(t.get("before_shipment", False)),
                names_producer=bool(t.get("names_producer", False)),
                validity_days=int(t["validity_days"]) if t.get("validity_days") else None,
                products=_str_tuple(t.get("products"), f"{where}.products"),
            )
        except KeyError as exc:
            raise resources.ResourceError(f"{where}: missing field {exc}") from exc
        bad_scope = set(dt.scope) - set(SCOPES)
        if not dt.scope or bad_scope:
            raise resources.ResourceError(f"{where} ({tid}): bad scope {sorted(bad_scope)}")
        bad_cat = set(dt.categories) - cat_ids
        if bad_cat:
            raise resources.ResourceError(f"{where} ({tid}): unknown categories {sorted(bad_cat)}")
        if not dt.source.strip():
            raise resources.ResourceError(f"{where} ({tid}): no source")
        types.append(dt)
    ids = [t.id for t in types]
    if len(ids) != len(set(ids)):
        raise resources.ResourceError(f"{TYPES_RESOURCE}: duplicate document type ids")

    praw = resources.read_yaml(PATHS_RESOURCE)
    paths_raw: dict[str, Any] = praw.get("paths", {})
    type_ids = set(ids)

    def reqs(path_id: str, seen: tuple[str, ...]) -> tuple[Requirement, ...]:
        if path_id in seen:
            raise resources.ResourceError(f"{PATHS_RESOURCE}: path '{path_id}' includes itself")
        body = paths_raw.get(path_id)
        if body is None:
            raise resources.ResourceError(f"{PATHS_RESOURCE}: unknown path '{path_id}'")
        out: list[Requirement] = []
        for inc in body.get("includes", []) or []:
            out.extend(reqs(str(inc), (*seen, path_id)))
        for n, r in enumerate(body.get("requirements", []), start=1):
            where = f"{PATHS_RESOURCE} {path_id}.requirements[{n}]"
            req = Requirement(
                id=str(r["id"]),
                applies_to=str(r["applies_to"]),
                any_of=_str_tuple(r.get("any_of"), f"{where}.any_of"),
                severity=str(r["severity"]),
                why=str(r["why"]),
                path=path_id,
            )
            if req.applies_to not in APPLIES_TO:
                raise resources.ResourceError(f"{where}: bad applies_to '{req.applies_to}'")
            if req.severity not in SEVERITIES:
                raise resources.ResourceError(f"{where}: bad severity '{req.severity}'")
            unknown = set(req.any_of) - type_ids
            if not req.any_of or unknown:
                raise resources.ResourceError(f"{where}: unknown document types {sorted(unknown)}")
            out.append(req)
        return tuple(out)

    paths = tuple(
        ResponsePath(
            id=pid,
            label=str(body.get("label", pid)),
            citation=str(body.get("citation", "")).strip(),
            requirements=reqs(pid, ()),
        )
        for pid, body in paths_raw.items()
    )
    version = (
        f"{raw.get('snapshot_date', 'undated')}#"
        f"{resources.sha256(TYPES_RESOURCE)[:8]}{resources.sha256(PATHS_RESOURCE)[:4]}"
    )
    return Vocabulary(
        types=tuple(types),
        categories=categories,
        paths=paths,
        quantity_tolerance=float(praw.get("quantity_tolerance", 0.02)),
        version=version,
    )
