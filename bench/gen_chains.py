"""Generate realistic synthetic supply chains for tracing benchmarks and demos.

Three commodity families share the node budget, each a tiered chain with the tier sizes, country
mixes and conversion steps of the real trade (shares are rough public figures, used only to make
the shape realistic; see docs/trace.md):

- cotton apparel: ginner → spinner → fabric mill → garment factory → importer (about 85-90 % of
  China's cotton is grown in Xinjiang; garment making is spread over CN, BD, VN, IN, KH);
- solar: metallurgical silicon → polysilicon → wafer → cell → module → importer (a large share of
  polysilicon capacity sits in Xinjiang; cells/modules are often made in MY, VN, TH);
- aluminium: bauxite → alumina → smelter → parts maker → importer (bauxite from GN/AU, about a
  tenth of primary aluminium smelted in Xinjiang).

Each buyer has a few suppliers in the tier above (preferential attachment: big suppliers serve
many buyers), about 2 % of edges skip a tier (traders), about 0.5 % run against the flow (recycling
and intra-group trade, which makes cycles; these carry about 5 % of a normal shipment, as recycled
or returned volumes are small next to virgin inputs), and monthly periods. Quantities are
lognormal in each tier's unit (kg, or pcs for wafers, cells, modules and garments).

Usage:
    python bench/gen_chains.py --nodes 2000 --edges 10000 --out /tmp/chain   # nodes.csv+edges.csv
"""

from __future__ import annotations

import argparse
import csv
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from laborlens.core.chain.tables import load_tables

# (family, tiers: (role, material id, unit, share of family nodes, {country: weight}, xj share))
FAMILIES: tuple[
    tuple[str, float, tuple[tuple[str, str, str, float, dict[str, float], float], ...]], ...
] = (
    (
        "cotton",
        0.5,
        (
            (
                "cotton ginner",
                "cotton_lint",
                "kg",
                0.12,
                {"CN": 0.6, "US": 0.2, "IN": 0.1, "BR": 0.1},
                0.85,
            ),
            (
                "spinning mill",
                "cotton_yarn",
                "kg",
                0.15,
                {"CN": 0.6, "VN": 0.15, "IN": 0.15, "PK": 0.1},
                0.15,
            ),
            (
                "fabric mill",
                "cotton_fabric",
                "kg",
                0.2,
                {"CN": 0.4, "VN": 0.2, "BD": 0.2, "IN": 0.2},
                0.02,
            ),
            (
                "garment factory",
                "garment",
                "pcs",
                0.4,
                {"BD": 0.3, "VN": 0.25, "CN": 0.2, "KH": 0.1, "IN": 0.15},
                0.01,
            ),
            ("importer", "garment", "pcs", 0.13, {"US": 0.6, "DE": 0.2, "GB": 0.2}, 0.0),
        ),
    ),
    (
        "solar",
        0.25,
        (
            (
                "metallurgical silicon smelter",
                "mg_silicon",
                "kg",
                0.1,
                {"CN": 0.8, "NO": 0.1, "BR": 0.1},
                0.5,
            ),
            (
                "polysilicon refiner",
                "polysilicon",
                "kg",
                0.08,
                {"CN": 0.85, "DE": 0.1, "US": 0.05},
                0.4,
            ),
            ("wafer maker", "solar_wafer", "pcs", 0.15, {"CN": 0.95, "MY": 0.05}, 0.02),
            (
                "cell maker",
                "solar_cell",
                "pcs",
                0.2,
                {"CN": 0.6, "MY": 0.15, "VN": 0.15, "TH": 0.1},
                0.0,
            ),
            (
                "module assembler",
                "solar_module",
                "pcs",
                0.27,
                {"CN": 0.5, "MY": 0.2, "VN": 0.2, "US": 0.1},
                0.0,
            ),
            ("importer", "solar_module", "pcs", 0.2, {"US": 0.7, "DE": 0.3}, 0.0),
        ),
    ),
    (
        "aluminium",
        0.25,
        (
            ("bauxite mine", "bauxite", "kg", 0.08, {"GN": 0.5, "AU": 0.4, "CN": 0.1}, 0.0),
            ("alumina refinery", "alumina", "kg", 0.1, {"CN": 0.7, "AU": 0.2, "IN": 0.1}, 0.02),
            (
                "aluminium smelter",
                "primary_aluminium",
                "kg",
                0.12,
                {"CN": 0.7, "CA": 0.1, "IN": 0.1, "AE": 0.1},
                0.12,
            ),
            (
                "parts maker",
                "aluminium_products",
                "kg",
                0.45,
                {"CN": 0.5, "MX": 0.2, "TH": 0.1, "DE": 0.2},
                0.0,
            ),
            ("importer", "aluminium_products", "kg", 0.25, {"US": 0.7, "DE": 0.3}, 0.0),
        ),
    ),
)


@dataclass(frozen=True)
class Synthetic:
    """A generated chain as arrays (node and edge attributes are codes into the tables)."""

    n: int
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    material: npt.NDArray[np.int64]  # edge material code (index into load_tables().materials)
    dim: npt.NDArray[np.int64]  # edge dimension code (index into load_tables().base)
    qty: npt.NDArray[np.float64]  # in base units
    value: npt.NDArray[np.float64]
    period: npt.NDArray[np.int64]
    declared_untainted: npt.NDArray[np.bool_]
    xj: npt.NDArray[np.bool_]  # node located in Xinjiang
    listed: npt.NDArray[np.bool_]  # node on an entity list
    country: npt.NDArray[np.int64]  # node country code (index into countries)
    countries: tuple[str, ...]
    role: tuple[str, ...]  # per node, via role_code
    role_code: npt.NDArray[np.int64]
    family: npt.NDArray[np.int64]
    node_material: npt.NDArray[np.int64]


def generate(n_nodes: int, n_edges: int, seed: int = 7) -> Synthetic:
    """A synthetic chain of about ``n_nodes`` nodes and ``n_edges`` edges (deterministic)."""
    rng = np.random.default_rng(seed)
    tables = load_tables()
    mat_ids = {m.id: i for i, m in enumerate(tables.materials)}
    dims = [d for d, _ in tables.base]
    countries: list[str] = []
    roles: list[str] = []
    node_parts: list[dict[str, npt.NDArray]] = []  # type: ignore[type-arg]
    tier_ranges: list[list[tuple[int, int, int]]] = []  # per family: (start, end, tier idx)
    start = 0
    for fam_idx, (_fam, share, tiers) in enumerate(FAMILIES):
        fam_nodes = int(n_nodes * share)
        ranges = []
        for t, (role, mat, _unit, tshare, cmix, xj_share) in enumerate(tiers):
            k = max(2, int(fam_nodes * tshare))
            names = list(cmix)
            for c in names:
                if c not in countries:
                    countries.append(c)
            probs = np.array([cmix[c] for c in names])
            pick = rng.choice(len(names), size=k, p=probs / probs.sum())
            ccode = np.array([countries.index(names[i]) for i in range(len(names))])[pick]
            is_cn = ccode == countries.index("CN") if "CN" in countries else np.zeros(k, bool)
            xj = is_cn & (rng.random(k) < xj_share)
            if role not in roles:
                roles.append(role)
            node_parts.append(
                {
                    "country": ccode,
                    "xj": xj,
                    "listed": rng.random(k) < 0.0005,
                    "role": np.full(k, roles.index(role)),
                    "family": np.full(k, fam_idx),
                    "material": np.full(k, mat_ids[mat]),
                }
            )
            ranges.append((start, start + k, t))
            start += k
        tier_ranges.append(ranges)
    n = start
    cat = {key: np.concatenate([p[key] for p in node_parts]) for key in node_parts[0]}
    # edges: each tier (after the first) buys from the tier above, in proportion to tier sizes
    buyers_total = sum(e - s for ranges in tier_ranges for s, e, t in ranges if t > 0)
    per_buyer = n_edges / max(buyers_total, 1)
    srcs, dsts = [], []
    for ranges in tier_ranges:
        for (s0, e0, _), (s1, e1, _) in itertools.pairwise(ranges):
            k_buyers = e1 - s1
            m = round(k_buyers * per_buyer)
            dst = s1 + rng.integers(0, k_buyers, size=m)
            # preferential attachment: Zipf-like popularity over suppliers
            sup = e0 - s0
            ranks = np.minimum(rng.zipf(1.6, size=m) - 1, sup - 1)
            perm = rng.permutation(sup)
            src = s0 + perm[ranks]
            srcs.append(src)
            dsts.append(dst)
    src = np.concatenate(srcs).astype(np.int64)
    dst = np.concatenate(dsts).astype(np.int64)
    m = src.shape[0]
    # tier-skipping (traders) and reverse (recycling / intra-group) edges
    skip = np.asarray(rng.random(m) < 0.02, dtype=bool)
    dst[skip] = np.minimum(dst[skip] + rng.integers(1, 50, size=int(skip.sum())), n - 1)
    rev = np.asarray(rng.random(m) < 0.005, dtype=bool)
    src[rev], dst[rev] = dst[rev].copy(), src[rev].copy()
    keep = src != dst
    src, dst = src[keep], dst[keep]
    m = src.shape[0]
    material = cat["material"][src].astype(np.int64)
    unit_dim = {
        mat_ids[t[1]]: dims.index("count" if t[2] == "pcs" else "mass")
        for _, _, tiers in FAMILIES
        for t in tiers
    }
    lut = np.full(len(tables.materials), dims.index("mass"), dtype=np.int64)
    for k, v in unit_dim.items():
        lut[k] = v
    dim = lut[material]
    qty = rng.lognormal(mean=8.0, sigma=1.2, size=m)
    # recycling / intra-group returns are small next to the virgin-material flows they join
    qty[rev[keep]] *= 0.05
    value = qty * rng.uniform(0.5, 5.0, size=m)
    period = rng.integers(0, 12, size=m).astype(np.int64)
    declared = rng.random(m) < 0.7
    return Synthetic(
        n=n,
        src=src,
        dst=dst,
        material=material,
        dim=dim,
        qty=qty,
        value=value,
        period=period,
        declared_untainted=declared,
        xj=cat["xj"].astype(bool),
        listed=cat["listed"].astype(bool),
        country=cat["country"].astype(np.int64),
        countries=tuple(countries),
        role=tuple(roles),
        role_code=cat["role"].astype(np.int64),
        family=cat["family"].astype(np.int64),
        node_material=cat["material"].astype(np.int64),
    )


def to_rows(chain: Synthetic) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The chain as node and edge rows (the columns of ``nodes.csv`` and ``edges.csv``)."""
    tables = load_tables()
    xj_places = ("Aksu, Xinjiang", "Shihezi, Xinjiang", "Korla, Xinjiang", "Changji, Xinjiang")
    other = {"CN": ("Nantong, Jiangsu", "Wuxi, Jiangsu", "Ningbo, Zhejiang", "Binzhou, Shandong")}
    nodes = []
    for v in range(chain.n):
        c = chain.countries[int(chain.country[v])]
        if chain.xj[v]:
            addr = f"{xj_places[v % len(xj_places)]}, China"
        else:
            places = other.get(c, ("Industrial Park",))
            addr = f"{places[v % len(places)]}, {c}"
        role = chain.role[int(chain.role_code[v])]
        nodes.append(
            {
                "id": f"N{v}",
                "name": f"Synthetic {role.title()} {v}",
                "address": addr,
                "country": c,
                "role": role,
                "product": tables.materials[int(chain.node_material[v])].label,
            }
        )
    base = [u for _, u in tables.base]
    edges = [
        {
            "from": f"N{chain.src[i]}",
            "to": f"N{chain.dst[i]}",
            "product": tables.materials[int(chain.material[i])].label,
            "quantity": f"{chain.qty[i]:.1f}",
            "unit": base[int(chain.dim[i])],
            "value": f"{chain.value[i]:.2f}",
            "currency": "USD",
            "period": f"2025-{int(chain.period[i]) + 1:02d}",
            "declared": "untainted" if chain.declared_untainted[i] else "",
        }
        for i in range(chain.src.shape[0])
    ]
    return nodes, edges


def write_folder(chain: Synthetic, out: Path) -> None:
    """Write ``nodes.csv`` and ``edges.csv`` that ``laborlens trace`` reads."""
    nodes, edges = to_rows(chain)
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("nodes.csv", nodes), ("edges.csv", edges)):
        with (out / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True, help="folder for nodes.csv + edges.csv")
    args = ap.parse_args()
    chain = generate(args.nodes, args.edges, args.seed)
    write_folder(chain, args.out)
    print(f"wrote {chain.n} nodes and {chain.src.shape[0]} edges to {args.out}")


if __name__ == "__main__":
    main()
