"""Shared fixtures: the bundled lists and a compiled screening index, built once per session."""

from __future__ import annotations

from datetime import date

import pytest

from laborlens.core.lists import ListSet, load_bundled
from laborlens.core.screen import ScreeningIndex

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def bundled() -> ListSet:
    return load_bundled()


@pytest.fixture(scope="session")
def index(bundled: ListSet) -> ScreeningIndex:
    return ScreeningIndex.build(bundled)
