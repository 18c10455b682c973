"""Load and validate the regime files shipped in ``resources/regimes`` (or drafts of them)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml

from laborlens.core import resources
from laborlens.core.rules.schema import EvidenceCategory, RegimeError, RegimeSet, build_set

_FOLDER = "regimes"
_EVIDENCE_FILE = "evidence_categories.yaml"


def _parse(name: str, text: str) -> Any:
    try:
        return resources.load_yaml(text)
    except yaml.YAMLError as exc:
        raise RegimeError(f"{name}: invalid YAML: {exc}") from exc


@cache
def _bundled() -> RegimeSet:
    files = [f for f in resources.list_dir(_FOLDER) if f.endswith(".yaml") and f != _EVIDENCE_FILE]
    docs = [(f, _parse(f, resources.read_text(f"{_FOLDER}/{f}"))) for f in files]
    evidence = (
        _EVIDENCE_FILE,
        _parse(_EVIDENCE_FILE, resources.read_text(f"{_FOLDER}/{_EVIDENCE_FILE}")),
    )
    return build_set(docs, evidence)


def load_regimes(
    texts: Mapping[str, str] | None = None,
    *,
    evidence_text: str | None = None,
    bundled: bool = True,
) -> RegimeSet:
    """The regimes, validated.

    Args:
        texts: optional regime files as ``{file name: YAML text}``, replacing the bundled ones
            with the same name (or adding to them). Used to check a draft rule file; the core
            does no file I/O, so the caller reads the file.
        evidence_text: optional replacement for ``evidence_categories.yaml``.
        bundled: start from the bundled regime files (default); ``False`` uses ``texts`` only.

    Raises:
        RegimeError: a file is malformed; the message names the file and the field.
    """
    if texts is None and evidence_text is None and bundled:
        return _bundled()
    merged: dict[str, Any] = {}
    for f in resources.list_dir(_FOLDER) if bundled else ():
        if f.endswith(".yaml") and f != _EVIDENCE_FILE:
            merged[f] = resources.read_text(f"{_FOLDER}/{f}")
    merged.update(texts or {})
    docs = [(name, _parse(name, text)) for name, text in sorted(merged.items())]
    ev_text = (
        evidence_text
        if evidence_text is not None
        else resources.read_text(f"{_FOLDER}/{_EVIDENCE_FILE}")
    )
    return build_set(docs, (_EVIDENCE_FILE, _parse(_EVIDENCE_FILE, ev_text)))


def evidence_categories() -> list[EvidenceCategory]:
    """Every evidence category as ``(id, label, source)``, in file order (stable ids)."""
    return list(_bundled().evidence)
