"""Shared fixtures: the bundled lists and a compiled screening index, built once per session."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, settings

from laborlens.core.lists import ListSet, load_bundled
from laborlens.core.screen import ScreeningIndex

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="session")
def bundled() -> ListSet:
    return load_bundled()


@pytest.fixture(scope="session")
def index(bundled: ListSet) -> ScreeningIndex:
    return ScreeningIndex.build(bundled)


# The reliability properties run at least 1,000 examples each (issue-level target); other
# property tests keep their own, smaller settings.
settings.register_profile(
    "reliability",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
