"""Shared fixtures for the geo tests: the gazetteer is built once per session."""

from __future__ import annotations

import pytest

from laborlens.core.geo import Gazetteer, build_gazetteer


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return build_gazetteer()
