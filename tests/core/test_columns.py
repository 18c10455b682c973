"""Schema of the synonym resources: columns.yaml, chain/units.yaml and chain/roles.yaml."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from laborlens.core import columns, resources
from laborlens.core.chain import EDGE_TYPES, load_tables
from laborlens.core.chain.model import EDGE_COLUMNS, NODE_COLUMNS
from laborlens.core.model import RECORD_FIELDS
from laborlens.core.records import field_for_header, normalize_header

CANONICAL = {
    "record": set(RECORD_FIELDS),
    "chain_node": set(RECORD_FIELDS) | set(NODE_COLUMNS),
    "chain_edge": set(EDGE_COLUMNS),
    "relation_types": set(EDGE_TYPES),
    "declared": {"untainted", "tainted"},
}


@pytest.mark.parametrize("section", columns.SECTIONS)
def test_every_section_maps_synonyms_onto_canonical_names_only(section: str) -> None:
    table = columns.synonyms(section)
    assert table and set(table) <= CANONICAL[section], set(table) - CANONICAL[section]
    words = [w for ws in table.values() for w in ws]
    dup = [w for w, n in Counter(words).items() if n > 1]
    assert not dup, f"{section}: synonyms of two columns: {dup}"


def test_record_synonyms_are_in_normalised_form() -> None:
    for fld, words in columns.synonyms("record").items():
        for w in words:
            assert normalize_header(w) == w, (fld, w)
            assert field_for_header(w)[0] == fld, (fld, w)


def test_chain_synonyms_are_lower_case_words() -> None:
    for section in ("chain_node", "chain_edge", "relation_types", "declared"):
        for words in columns.synonyms(section).values():
            assert all(re.fullmatch(r"[a-z_]+", w) for w in words), words


def test_units_have_a_known_dimension_a_positive_factor_and_a_source() -> None:
    doc = resources.read_yaml("chain/units.yaml")
    for name, spec in doc["units"].items():
        assert spec["dimension"] in doc["base"], name
        assert spec["factor"] > 0 and spec["source"].strip(), name
    tables = load_tables()
    for base in doc["base"].values():
        assert tables.comparable(1.0, base) == (1.0, base)


def test_roles_are_single_lower_case_words() -> None:
    tables = load_tables()
    assert set(tables.importer_roles) <= set(tables.non_producer_roles)
    for role in (*tables.non_producer_roles, *tables.importer_roles):
        assert re.fullmatch(r"\w+", role) and role == role.casefold(), role
