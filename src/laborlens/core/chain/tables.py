"""Units, materials, conversion yields and roles, from ``resources/chain`` (data, not code)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from laborlens.core import resources
from laborlens.core.resources import ResourceError

_UNITS = "chain/units.yaml"
_MATERIALS = "chain/materials.yaml"
_YIELDS = "chain/yields.yaml"
_DIGITS = re.compile(r"\D+")
_WORD = re.compile(r"\w+")
_ROLES = "chain/roles.yaml"
_TAINT = "chain/taint.yaml"


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    dimension: str
    factor: float
    source: str


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    label: str
    sector: str | None
    hs: tuple[str, ...]
    keywords: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Yield:
    """``value`` output base units (``to_unit``) per input base unit (``from_unit``)."""

    src: str
    dst: str
    from_dim: str
    to_dim: str
    value: float
    basis: str
    source: str


@dataclass(frozen=True, slots=True)
class Tables:
    """The conversion tables; immutable and picklable."""

    units: tuple[tuple[str, Unit], ...]
    base: tuple[tuple[str, str], ...]
    materials: tuple[Material, ...]
    yields: tuple[Yield, ...]
    non_producer_roles: tuple[str, ...] = ()
    importer_roles: tuple[str, ...] = ("importer",)
    propagating_kinds: tuple[str, ...] = ("listed_entity", "region", "goods_list", "routing")
    # lookup built once from ``units``; never mutated (kept out of eq/hash)
    unit_index: dict[str, Unit] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.unit_index:
            self.unit_index.update(self.units)

    def unit(self, name: str | None) -> Unit | None:
        """The unit named ``name`` (case-insensitive, spaces/dots ignored), or ``None``."""
        if not name:
            return None
        key = name.strip().casefold().replace(".", "").replace(" ", "_").replace("²", "2")
        return self.unit_index.get(key)

    def unit_names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.units)

    def material(self, hs_code: str | None, product: str | None) -> Material | None:
        """The material of an edge: longest HS prefix match, else first product keyword."""
        if hs_code:
            digits = _DIGITS.sub("", hs_code)
            best: tuple[int, Material] | None = None
            for m in self.materials:
                for p in m.hs:
                    if digits.startswith(p) and (best is None or len(p) > best[0]):
                        best = (len(p), m)
            if best:
                return best[1]
        if product:
            text = product.casefold()
            for m in self.materials:
                if any(k in text for k in m.keywords):
                    return m
        return None

    def is_producer(self, role: str | None) -> bool:
        """Whether a node with this role makes or transforms goods (unknown roles count)."""
        return not role_in(role, self.non_producer_roles)

    def is_importer(self, role: str | None) -> bool:
        """Whether a node with this role is the importer (tier 0)."""
        return role_in(role, self.importer_roles)

    def comparable(self, quantity: float, unit: str | None) -> tuple[float, str | None]:
        """A quantity in its dimension's base unit (``10.2 t`` -> ``10200 kg``); a unit that is
        not in the table is kept as written (lower-cased), so equal units still compare."""
        u = self.unit(unit)
        if u is None:
            return quantity, (unit.strip().casefold().rstrip(".") or None) if unit else None
        return quantity * u.factor, dict(self.base)[u.dimension]

    def yield_for(self, src: str, dst: str, to_dim: str | None = None) -> Yield | None:
        """The yield from material ``src`` to ``dst`` (optionally into dimension ``to_dim``)."""
        for y in self.yields:
            if y.src == src and y.dst == dst and (to_dim is None or y.to_dim == to_dim):
                return y
        return None


def role_in(role: str | None, words: Iterable[str]) -> bool:
    """Whether a free-text role (``cotton merchant``, ``Importer of record``) names one of
    ``words``, compared word by word (case-insensitive)."""
    if not role:
        return False
    wanted = {w.casefold() for w in words}
    text = role.casefold().strip()
    return text in wanted or bool(set(_WORD.findall(text)) & wanted)


def _require(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise ResourceError(f"{where}: missing field '{key}'")
    return obj[key]


@cache
def load_tables() -> Tables:
    """Load and validate the chain tables shipped in ``resources/chain``."""
    raw_units = resources.read_yaml(_UNITS)
    base = dict(_require(raw_units, "base", _UNITS))
    units: list[tuple[str, Unit]] = []
    for name, spec in _require(raw_units, "units", _UNITS).items():
        where = f"{_UNITS} unit '{name}'"
        dim = str(_require(spec, "dimension", where))
        if dim not in base:
            raise ResourceError(f"{where}: unknown dimension '{dim}'")
        units.append(
            (
                str(name).casefold(),
                Unit(
                    str(name),
                    dim,
                    float(_require(spec, "factor", where)),
                    str(_require(spec, "source", where)),
                ),
            )
        )
    materials = []
    for n, spec in enumerate(_require(resources.read_yaml(_MATERIALS), "materials", _MATERIALS)):
        where = f"{_MATERIALS} entry {n + 1}"
        materials.append(
            Material(
                id=str(_require(spec, "id", where)),
                label=str(_require(spec, "label", where)),
                sector=spec.get("sector"),
                hs=tuple(str(h) for h in spec.get("hs") or ()),
                keywords=tuple(str(k).casefold() for k in spec.get("keywords") or ()),
                source=str(_require(spec, "source", where)),
            )
        )
    ids = {m.id for m in materials}
    unit_dims = dict(units)
    yields = []
    for n, spec in enumerate(_require(resources.read_yaml(_YIELDS), "yields", _YIELDS)):
        where = f"{_YIELDS} entry {n + 1}"
        src, dst = str(_require(spec, "from", where)), str(_require(spec, "to", where))
        for m in (src, dst):
            if m not in ids:
                raise ResourceError(f"{where}: unknown material '{m}'")
        fu = unit_dims.get(str(_require(spec, "from_unit", where)).casefold())
        tu = unit_dims.get(str(_require(spec, "to_unit", where)).casefold())
        if fu is None or tu is None:
            raise ResourceError(f"{where}: unknown unit")
        value = float(_require(spec, "yield", where))
        if value <= 0:
            raise ResourceError(f"{where}: yield must be positive")
        yields.append(
            Yield(
                src,
                dst,
                fu.dimension,
                tu.dimension,
                value * tu.factor / fu.factor,
                str(_require(spec, "basis", where)),
                str(_require(spec, "source", where)),
            )
        )
    role_doc = resources.read_yaml(_ROLES)
    roles = tuple(str(r).casefold() for r in _require(role_doc, "non_producer_roles", _ROLES))
    importers = tuple(str(r).casefold() for r in _require(role_doc, "importer_roles", _ROLES))
    taint = resources.read_yaml(_TAINT)
    kinds = tuple(str(k) for k in _require(taint, "propagating_kinds", _TAINT))
    return Tables(
        tuple(units),
        tuple(base.items()),
        tuple(materials),
        tuple(yields),
        roles,
        importers,
        kinds,
    )
