from __future__ import annotations

import pytest

from laborlens.core import names
from laborlens.core.lists import load_bundled


@pytest.fixture(scope="session")
def bundled_index() -> names.NameIndex:
    """The name index over every bundled list (built once per test session)."""
    lists = load_bundled()
    infos = {rl.info.list_id: rl.info for rl in lists.lists}
    return names.build_name_index(lists.entities(), infos)


@pytest.fixture(scope="session")
def lexicon() -> names.Lexicon:
    return names.load_lexicon()
