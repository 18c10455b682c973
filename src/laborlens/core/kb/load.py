"""Loading the knowledge base files (``resources/kb/*.yaml``), validated."""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from laborlens.core import resources
from laborlens.core.kb.schema import KBError, KnowledgeBase, parse_file

FOLDER = "kb"
#: The lists a KB file may describe.
KB_LISTS = ("us_uflpa_entity_list", "us_cbp_wro_findings", "us_bis_entity_list")

_BUNDLED: KnowledgeBase | None = None


def _parse(texts: Mapping[str, str]) -> KnowledgeBase:
    entities = []
    for name, text in sorted(texts.items()):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise KBError(f"{name}: invalid YAML: {exc}") from exc
        entities += parse_file(name, data, KB_LISTS)
    return KnowledgeBase(tuple(entities))


def load_kb(texts: Mapping[str, str] | None = None) -> KnowledgeBase:
    """The knowledge base: the bundled ``resources/kb/*.yaml`` files, or ``texts``
    (``{file name: YAML text}``, for tests and drafts), validated.

    Raises:
        KBError: a file is malformed; the message names the file, the entity and the fact.
    """
    global _BUNDLED  # noqa: PLW0603 - immutable, loaded once per process
    if texts is not None:
        return _parse(texts)
    if _BUNDLED is None:
        files = [f for f in resources.list_dir(FOLDER) if f.endswith((".yaml", ".yml"))]
        _BUNDLED = _parse({f: resources.read_text(f"{FOLDER}/{f}") for f in files})
    return _BUNDLED
