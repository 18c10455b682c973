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

Node names and addresses come in several scripts: Chinese nodes in Han script (about 45 %) or
pinyin/English, Vietnamese, Bangladeshi, Indian … nodes in their country's usual form, Xinjiang
nodes in Xinjiang places, and listed nodes (about 0.05 %) under the names published on the
bundled UFLPA and WRO lists, so that screening has real work to do.

Usage:
    python bench/gen_chains.py --nodes 2000 --out /tmp/chain   # nodes.csv + edges.csv
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# --- names and addresses in several scripts -------------------------------------------------
# Word pools for synthetic company names (not real companies, except the listed ones taken from
# the bundled lists so that screening finds them).
_HAN_BRAND = "华盛鑫源泰恒丰瑞达隆昌宏远兴福佳美新海天金利永安博雅德豪汇通和顺富康嘉信宝广元"
_PY_BRAND = [
    "Hua",
    "Sheng",
    "Xin",
    "Yuan",
    "Tai",
    "Heng",
    "Feng",
    "Rui",
    "Da",
    "Long",
    "Chang",
    "Hong",
    "Xing",
    "Fu",
    "Jia",
    "Mei",
    "Hai",
    "Tian",
    "Jin",
    "Li",
    "Yong",
    "An",
    "Bo",
    "De",
    "Hao",
]
_LATIN_BRAND = [
    "Apex",
    "Sunrise",
    "Golden",
    "Pacific",
    "Everest",
    "Orient",
    "Lotus",
    "Delta",
    "Royal",
    "Silver",
    "Green",
    "Star",
    "Crown",
    "Ocean",
    "Eagle",
    "Prime",
    "Unity",
    "Summit",
    "Nova",
    "Vista",
    "Hanoi",
    "Saigon",
    "Mekong",
    "Bengal",
    "Indus",
    "Alpine",
    "Atlas",
    "Zenith",
]
_CN_CITIES = [
    ("江苏省南通市", "Nantong, Jiangsu", "南通"),
    ("浙江省宁波市", "Ningbo, Zhejiang", "宁波"),
    ("山东省滨州市", "Binzhou, Shandong", "滨州"),
    ("广东省佛山市", "Foshan, Guangdong", "佛山"),
    ("河南省郑州市", "Zhengzhou, Henan", "郑州"),
    ("江苏省无锡市", "Wuxi, Jiangsu", "无锡"),
    ("福建省晋江市", "Jinjiang, Fujian", "晋江"),
    ("四川省乐山市", "Leshan, Sichuan", "乐山"),
    ("内蒙古包头市", "Baotou, Inner Mongolia", "包头"),
    ("云南省曲靖市", "Qujing, Yunnan", "曲靖"),
]
_XJ_PLACES = [
    ("新疆阿克苏地区阿瓦提县", "Awati County, Aksu, Xinjiang", "阿克苏"),
    ("新疆石河子市", "Shihezi, Xinjiang", "石河子"),
    ("新疆昌吉回族自治州昌吉市", "Changji, Xinjiang Uygur Autonomous Region", "昌吉"),
    ("新疆巴音郭楞蒙古自治州库尔勒市", "Korla, Bayingolin, Xinjiang", "库尔勒"),
    ("新疆喀什地区喀什市", "Kashgar, XUAR", "喀什"),
    ("新疆哈密市", "Hami, Xinjiang", "哈密"),
]
_ABROAD = {
    "VN": ("Công ty TNHH {b} {w}", "{n} Đường số {k}, KCN Tân Tạo, TP. Hồ Chí Minh, Vietnam"),
    "BD": ("{b} {w} Ltd.", "Plot {n}, BSCIC Industrial Estate, Gazipur, Dhaka, Bangladesh"),
    "IN": ("{b} {w} Pvt. Ltd.", "{n} GIDC Estate, Surat, Gujarat, India"),
    "PK": ("{b} {w} (Pvt) Ltd.", "{n} Sundar Industrial Estate, Lahore, Pakistan"),
    "KH": ("{b} {w} Co., Ltd.", "Street {k}, Phnom Penh SEZ, Cambodia"),
    "MY": ("{b} {w} Sdn. Bhd.", "{n} Jalan Perindustrian {k}, Penang, Malaysia"),
    "TH": ("{b} {w} Co., Ltd.", "{n} Moo {k}, Amata City, Rayong, Thailand"),
    "US": ("{b} {w} Inc.", "{n} Commerce Way, Charlotte, NC, USA"),
    "DE": ("{b} {w} GmbH", "Industriestraße {n}, 40210 Düsseldorf, Germany"),
    "GB": ("{b} {w} Ltd", "{n} Trading Estate, Leicester, United Kingdom"),
}
_WORD = {
    "cotton": ("Cotton", "棉业"),
    "spinning": ("Spinning", "纺纱"),
    "fabric": ("Textile", "纺织"),
    "garment": ("Garment", "服装"),
    "importer": ("Apparel", "贸易"),
    "silicon": ("Silicon", "硅业"),
    "poly": ("New Energy", "新能源"),
    "wafer": ("Solar", "光伏"),
    "cell": ("Solar Power", "光电"),
    "module": ("Energy", "能源"),
    "bauxite": ("Mining", "矿业"),
    "alumina": ("Alumina", "氧化铝"),
    "smelter": ("Aluminium", "铝业"),
    "parts": ("Metal Parts", "金属制品"),
}


def _word(role: str) -> tuple[str, str]:
    for key, pair in _WORD.items():
        if key in role:
            return pair
    return ("Industrial", "实业")


def _listed_names() -> list[tuple[str, str | None]]:
    from laborlens.core.lists import load_bundled

    out = []
    for rl in load_bundled().lists:
        if rl.info.list_id in ("us_uflpa_entity_list", "us_cbp_wro_findings"):
            out += [(e.name, e.addresses[0] if e.addresses else None) for e in rl.entries]
    return out


def node_names(chain: Synthetic, seed: int = 11) -> tuple[list[str], list[str]]:
    """A name and an address per node: Chinese nodes in Han script or pinyin/English, others in
    their country's usual form; Xinjiang nodes in Xinjiang places; listed nodes by the names
    published on the bundled lists."""
    rng = np.random.default_rng(seed)
    n = chain.n
    han = rng.random(n) < 0.45
    b1, b2 = rng.integers(0, 10**6, n), rng.integers(0, 10**6, n)
    num, k = rng.integers(1, 999, n), rng.integers(1, 40, n)
    listed = _listed_names()
    names: list[str] = []
    addresses: list[str] = []
    for v in range(n):
        c = chain.countries[int(chain.country[v])]
        w_en, w_han = _word(chain.role[int(chain.role_code[v])])
        if chain.listed[v]:
            name, addr = listed[v % len(listed)]
            names.append(name)
            addresses.append(addr or f"{_XJ_PLACES[v % 6][1]}, China")
            continue
        if c == "CN":
            place = _XJ_PLACES[int(b1[v]) % 6] if chain.xj[v] else _CN_CITIES[int(b2[v]) % 10]
            if han[v]:
                brand = (
                    _HAN_BRAND[int(b1[v]) % len(_HAN_BRAND)]
                    + _HAN_BRAND[int(b2[v]) % len(_HAN_BRAND)]
                )
                names.append(f"{place[2]}{brand}{w_han}有限公司")
                addresses.append(f"{place[0]}工业园区{num[v]}号")
            else:
                brand = (
                    _PY_BRAND[int(b1[v]) % len(_PY_BRAND)]
                    + _PY_BRAND[int(b2[v]) % len(_PY_BRAND)].lower()
                )
                names.append(f"{place[1].split(',')[0]} {brand} {w_en} Co., Ltd.")
                addresses.append(f"No. {num[v]} Industrial Park, {place[1]}, China")
            continue
        name_t, addr_t = _ABROAD.get(c, ("{b} {w} Co.", "{n} Industrial Zone, " + c))
        lb = _LATIN_BRAND
        brand = f"{lb[int(b1[v]) % len(lb)]} {lb[int(b2[v]) % len(lb)]}"
        names.append(name_t.format(b=brand, w=w_en))
        addresses.append(addr_t.format(n=num[v], k=k[v]))
    return names, addresses


def to_rows(chain: Synthetic) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The chain as node and edge rows (the columns of ``nodes.csv`` and ``edges.csv``)."""
    nodes_t, edges_t = tables_of(chain)
    return nodes_t.to_pylist(), edges_t.to_pylist()


def tables_of(chain: Synthetic) -> tuple[Any, Any]:
    """The node and edge columns as Arrow tables (text, as a file would hold them)."""
    import pyarrow as pa

    tables = load_tables()
    names, addresses = node_names(chain)
    roles = pa.array(list(chain.role)).take(pa.array(chain.role_code))
    labels = pa.array([m.label for m in tables.materials])
    nodes = pa.table(
        {
            "id": pa.array([f"N{v}" for v in range(chain.n)]),
            "name": pa.array(names),
            "address": pa.array(addresses),
            "country": pa.array(list(chain.countries)).take(pa.array(chain.country)),
            "role": roles,
            "product": labels.take(pa.array(chain.node_material)),
        }
    )
    base = pa.array([u for _, u in tables.base])
    m = chain.src.shape[0]
    periods = pa.array([f"2025-{k:02d}" for k in range(1, 13)])
    edges = pa.table(
        {
            "from": pa.array(np.char.add("N", chain.src.astype(str)).tolist()),
            "to": pa.array(np.char.add("N", chain.dst.astype(str)).tolist()),
            "product": labels.take(pa.array(chain.material)),
            "quantity": pa.array(np.char.mod("%.1f", chain.qty).tolist()),
            "unit": base.take(pa.array(chain.dim)),
            "value": pa.array(np.char.mod("%.2f", chain.value).tolist()),
            "currency": pa.array(["USD"] * m),
            "period": periods.take(pa.array(chain.period)),
            "declared": pa.array(np.where(chain.declared_untainted, "untainted", "").tolist()),
        }
    )
    return nodes, edges


def write_folder(chain: Synthetic, out: Path) -> None:
    """Write ``nodes.csv`` and ``edges.csv`` that ``laborlens trace`` reads."""
    import pyarrow.csv as pacsv

    out.mkdir(parents=True, exist_ok=True)
    nodes, edges = tables_of(chain)
    pacsv.write_csv(nodes, out / "nodes.csv")
    pacsv.write_csv(edges, out / "edges.csv")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--edges", type=int, default=0, help="default: 3 per node")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True, help="folder for nodes.csv + edges.csv")
    args = ap.parse_args()
    chain = generate(args.nodes, args.edges or 3 * args.nodes, args.seed)
    write_folder(chain, args.out)
    print(f"wrote {chain.n} nodes and {chain.src.shape[0]} edges to {args.out}")


if __name__ == "__main__":
    main()
