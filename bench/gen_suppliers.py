"""Generated supplier masters for the screening benchmark: a realistic and a repetitive one.

Usage (from the repository root):

    python bench/gen_suppliers.py OUT.csv --rows 1000000               # high cardinality
    python bench/gen_suppliers.py OUT.csv --rows 100000 --profile repetitive

``high`` (the default) looks like a real supplier master: every row is a different supplier, so
names and street addresses are (nearly) all distinct — a trade name drawn from a pool of Han
characters, a city or county of the bundled gazetteer, an industry and a legal form; street
addresses with a street name, a house number and sometimes a building and room. About 35 % of
the names are in Han script (Chinese suppliers, half with a pinyin English name as an alias),
25 % are Chinese suppliers known by a pinyin/English name only, the rest are suppliers in Asia,
Europe and the Americas; about 1 % are names published on the bundled lists (verbatim, upper
case or with another legal form), about 3 % of the addresses are in Xinjiang, about 0.5 % of the
rows are bad (nothing to screen, malformed coordinates, a wrong USCC check character, one
3,000-character cell in 2,000). Some rows carry a phone number or a Unified Social Credit Code.

``repetitive`` is the earlier benchmark data: 12 trade names, 8 industries and 21 places, so
a few thousand distinct names and a few dozen addresses per 100,000 rows (it flatters any cache).

Rows are generated deterministically from ``--seed``.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = [
    "supplier_id",
    "supplier_name",
    "other_names",
    "address",
    "country",
    "phone",
    "registration_id",
    "hs_code",
    "product",
    "lat",
    "lon",
    "buyer",
    "annual_spend_usd",
]

# Characters and words common in Chinese trade names (字号) and street names.
_TRADE_CHARS = (
    "华美金和联创海滨安宏达天成恒信瑞丰永盛新鑫源兴隆泰福嘉利德昌顺富贵祥宝龙凤明光辉远东方"
    "中国正大荣佳伟业志诚鼎康健乐欣悦晨阳春秋江河湖山林森木石玉晶星月云峰岭泉川海洋港湾"
    "威力博通科技讯智慧精工艺品尚雅致典卓越腾飞扬帆宇宙环球汇聚合众友邦亚太欧洲美洲"
    "和谐平安吉祥如意万家千百十一二三四五六七八九正道德仁义礼孝忠勇毅坚强锦绣丽彩虹"
)


def _words(text: str) -> list[str]:
    return text.split()


def _pairs(text: str) -> list[tuple[str, str]]:
    """``han=English`` pairs separated by ``|``."""
    return [(han.strip(), en.strip()) for han, en in (p.split("=") for p in text.split("|"))]


_INDUSTRIES = _pairs(
    "纺织=Textile|服装=Garment|服饰=Apparel|电子=Electronics|电子科技=Electronic Technology"
    "|工艺品=Crafts|鞋业=Footwear|五金=Hardware|五金制品=Hardware Products|包装=Packaging"
    "|包装材料=Packaging Material|食品=Foods|农产品=Agricultural Products"
    "|塑料制品=Plastic Products|机械=Machinery|机电=Mechanical and Electrical"
    "|光伏=Photovoltaic|新能源=New Energy|化工=Chemical|玩具=Toys|家具=Furniture|灯饰=Lighting"
    "|箱包=Luggage|贸易=Trading|进出口=Import and Export|实业=Industrial|制衣=Clothing"
    "|针织=Knitting|印染=Printing and Dyeing|铝业=Aluminium|汽车配件=Auto Parts"
    "|医疗器械=Medical Equipment"
)
_CN_FORMS = _pairs(
    "有限公司=Co., Ltd.|有限责任公司=Co., Ltd.|股份有限公司=Co., Ltd.|厂=Factory"
    "|集团有限公司=Group Co., Ltd."
)
_STREET_LATIN = dict(
    _pairs(
        "路=Road|街=Street|大道=Avenue|东路=East Road|西路=West Road|南路=South Road"
        "|北路=North Road|中路=Middle Road|大街=Street"
    )
)
_STREET_HAN = list(_STREET_LATIN)
_PARKS = _pairs("工业园=Industrial Park|科技园=Science Park|开发区=Development Zone")


@dataclass(frozen=True, slots=True)
class _Country:
    """Suppliers outside mainland China: cities, streets, name words, legal forms."""

    code: str
    cities: list[str]
    streets: list[str]
    words: list[str]
    forms: list[str]


def _country(code: str, cities: str, streets: str, words: str, forms: str) -> _Country:
    return _Country(code, cities.split("|"), streets.split("|"), words.split(), forms.split("|"))


_FOREIGN = [
    _country(
        "VN",
        "Ho Chi Minh City|Hanoi|Hai Phong|Da Nang|Binh Duong|Dong Nai",
        "Nguyen Van Linh|Le Loi|Tran Hung Dao|Hai Ba Trung|Vo Van Kiet|Ly Thuong Kiet",
        "Thanh Phat Minh Hoang Viet Tien Phuong Long An Hung Dai Nam",
        "Co., Ltd|JSC|Joint Stock Company|Company Limited",
    ),
    _country(
        "BD",
        "Dhaka|Chittagong|Gazipur|Narayanganj|Savar",
        "Mirpur|Tongi|Ashulia|Banani|Gulshan|Uttara",
        "Rahman Karim Bengal Padma Meghna Sonar Tara Rupali Shapla Jamuna",
        "Ltd|Limited|Apparels Ltd|Knit Composite Ltd",
    ),
    _country(
        "IN",
        "Ludhiana, Punjab|Tiruppur, Tamil Nadu|Surat, Gujarat|Mumbai|Noida|Pune",
        "MG Road|Station Road|Industrial Area Phase|Ring Road|Nehru Nagar|GIDC",
        "Shree Ganesh Laxmi Bharat Sai Krishna Om Sunrise Vardhman Arvind",
        "Pvt Ltd|Private Limited|Exports|Industries|LLP",
    ),
    _country(
        "TR",
        "Denizli|Istanbul|Bursa|Izmir|Gaziantep|Kayseri",
        "Ataturk Caddesi|Cumhuriyet Caddesi|Organize Sanayi|Inonu Bulvari|Gazi Caddesi",
        "Yildiz Anadolu Ege Marmara Baris Deniz Kartal Ozen Aksoy Tekin",
        "A.S.|Ltd. Sti.|Tekstil A.S.|San. ve Tic. Ltd. Sti.",
    ),
    _country(
        "MX",
        "Monterrey, Nuevo Leon|Guadalajara, Jalisco|Puebla|Tijuana|Leon, Guanajuato",
        "Avenida Constitucion|Calle Hidalgo|Boulevard Diaz Ordaz|Calle Juarez|Av. Reforma",
        "Grupo Industrias Textiles Norte Azteca Sol Real Nova Alfa",
        "S.A. de C.V.|S. de R.L. de C.V.|S.A.P.I. de C.V.",
    ),
    _country(
        "MY",
        "Penang|Johor Bahru|Shah Alam|Kuala Lumpur|Ipoh",
        "Jalan Perusahaan|Jalan Bukit|Lorong Industri|Jalan Tun Razak|Persiaran Klang",
        "Maju Jaya Sinar Global Mega Prima Setia Bintang Harapan Makmur",
        "Sdn Bhd|Sdn. Bhd.|Berhad",
    ),
    _country(
        "US",
        "Los Angeles, CA|Dallas, TX|Atlanta, GA|Columbus, OH|Newark, NJ|Seattle, WA",
        "Main Street|Commerce Drive|Industrial Parkway|Market Street|Harbor Boulevard",
        "Pacific Atlantic Summit Eagle Liberty Pioneer Keystone Frontier Apex",
        "Inc.|LLC|Corp.|Co.",
    ),
    _country(
        "DE",
        "Hamburg|Munich|Stuttgart|Cologne|Dortmund",
        "Hauptstrasse|Industriestrasse|Bahnhofstrasse|Gewerbering|Hafenstrasse",
        "Nord Sud Rhein Alpen Hansa Kraft Stern Werk Bau Technik",
        "GmbH|GmbH & Co. KG|AG",
    ),
    _country(
        "ID",
        "Jakarta|Bandung|Surabaya|Semarang|Tangerang",
        "Jalan Sudirman|Jalan Gatot Subroto|Jalan Industri|Jalan Raya Bogor",
        "Sinar Mas Indah Jaya Abadi Sejahtera Mulia Agung Putra Sentosa",
        "PT|Tbk",
    ),
]
_EN_WORDS = _words(
    "Global Golden Bright Star Ocean Sun United Royal Prime Grand Silver Jade Dragon Phoenix "
    "Lotus Crown Harvest Rainbow Victory Evergreen"
)
_PRODUCTS = _pairs(
    "6109.10=cotton T-shirts|6110.20=cotton sweaters|6203.42=men's cotton trousers"
    "|6204.62=women's denim jeans|5208.12=woven cotton fabric|5205.11=cotton yarn"
    "|6302.21=cotton bed linen|8544.42=cable assemblies|8517.62=network switches"
    "|8471.30=laptop computers|8504.40=power adapters|8541.43=solar modules"
    "|8541.42=photovoltaic cells|2804.61=polysilicon|7601.10=unwrought aluminium ingots"
    "|7604.29=aluminium profiles|9505.10=Christmas decorations|9503.00=plastic toys"
    "|6403.99=leather shoes|6402.99=sports shoes|4202.92=travel bags|2002.90=tomato paste"
    "|0810.90=dried fruit|0802.12=shelled almonds|1701.99=refined sugar|7318.15=steel bolts"
    "|7326.90=steel brackets|3926.90=plastic parts|9403.60=wooden furniture|9405.40=LED lamps"
    "|8708.29=car body parts|9018.39=medical catheters|3901.10=polyethylene granules"
    "|2905.11=methanol|2836.91=lithium carbonate|8507.60=lithium-ion batteries"
    "|0306.17=frozen shrimp|0303.89=frozen fish|1604.14=canned tuna|4011.10=car tyres"
    "|7113.19=gold jewellery|6911.10=porcelain tableware|4412.31=plywood"
    "|6802.93=granite slabs|5402.33=polyester yarn|5407.52=dyed polyester fabric"
    "|6116.10=work gloves|3005.90=surgical dressings"
)
_QUALIFIERS = ["", "", "", "assorted", "OEM", "export grade", "premium", "bulk", "various sizes"]

_XINJIANG = "65"
_SPECIAL_PROVINCES = ("71", "81", "82")  # Taiwan, Hong Kong, Macao: other countries here


@dataclass(frozen=True, slots=True)
class _Place:
    han: str  # 省 + 市 + 区/县
    latin: str  # District, City, Province
    province: str  # two-digit code
    city_short: str  # a short Han city name, used in trade names
    city_latin: str
    code: str


def _pinyin_table(chars: str) -> dict[str, str]:
    from pypinyin import Style, lazy_pinyin

    return {c: lazy_pinyin(c, style=Style.NORMAL)[0] for c in set(chars)}


def _latin(table: dict[str, str], text: str) -> str:
    return "".join(table.get(c, "") for c in text).capitalize()


def _places() -> list[_Place]:
    """Every county-level division of the gazetteer, with its Han and Latin names."""
    from laborlens.core.resources import read_json

    gaz = read_json("geo/gazetteer.json")
    divisions: dict[str, list[str]] = gaz["divisions"]
    latin: dict[str, str] = {}
    for name, code, kind, source in gaz["names"]:
        if source == "pypinyin" and kind.endswith("_latin") and " " not in name:
            latin.setdefault(code, name.title())
    provinces = gaz["provinces"]
    out: list[_Place] = []
    for code, (han, _src) in divisions.items():
        prov = code[:2]
        if code.endswith("00") or prov in _SPECIAL_PROVINCES or prov not in provinces:
            continue
        pref = code[:4] + "00"
        pref_han = divisions.get(pref, [""])[0]
        prov_han = divisions.get(prov + "0000", [""])[0]
        if not pref_han or code not in latin or pref not in latin:
            continue
        city_short = pref_han[:2]
        prov_en = provinces[prov]["en"].replace(" Province", "")
        out.append(
            _Place(
                han=f"{prov_han}{pref_han if pref_han != prov_han else ''}{han}",
                latin=f"{latin[code]}, {latin[pref]}, {prov_en}",
                province=prov,
                city_short=city_short,
                city_latin=latin[pref],
                code=code,
            )
        )
    return out


def _listed_names() -> list[str]:
    from laborlens.core.lists import load_bundled

    names: list[str] = []
    lists = load_bundled()
    for list_id in ("us_uflpa_entity_list", "us_cbp_wro_findings"):
        for entry in lists.get(list_id).entries:
            if entry.schema != "Region":
                names.extend(entry.names())
    for entry in lists.get("us_ofac_sdn").entries:
        if entry.schema != "Person" and "XINJIANG" in entry.name.upper():
            names.append(entry.name)
    return names


def _uscc(rng: random.Random, division: str, valid: bool = True) -> str:
    from stdnum.cn import uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + division + "".join(rng.choice(alphabet) for _ in range(9))
    check = uscc.calc_check_digit(body)
    if not valid:
        check = alphabet[(alphabet.index(check) + 1) % len(alphabet)]
    return body + check


class _HighCardinality:
    """Row factory of the high-cardinality master (see the module docstring)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = _places()
        self.xj = [p for p in self.places if p.province == _XINJIANG]
        self.inland = [p for p in self.places if p.province != _XINJIANG]
        self.listed = _listed_names()
        self.pinyin = _pinyin_table(_TRADE_CHARS + "".join(p.city_short for p in self.places))

    def _trade(self) -> str:
        n = 2 if self.rng.random() < 0.85 else 3
        return "".join(self.rng.choice(_TRADE_CHARS) for _ in range(n))

    def _street(self, place: _Place, han: bool) -> str:
        rng = self.rng
        name = "".join(rng.choice(_TRADE_CHARS) for _ in range(2))
        kind = rng.choice(_STREET_HAN)
        number = rng.randrange(1, 1200)
        if han:
            extra = (
                f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2500)}室"
                if rng.random() < 0.3
                else ""
            )
            park = rng.choice(_PARKS)[0] if rng.random() < 0.15 else ""
            return f"{place.han}{park}{name}{kind}{number}号{extra}"
        extra = (
            f"Room {rng.randrange(101, 2500)}, Building {rng.randrange(1, 30)}, "
            if rng.random() < 0.3
            else ""
        )
        park = f"{rng.choice(_PARKS)[1]}, " if rng.random() < 0.15 else ""
        street = f"{_latin(self.pinyin, name)} {_STREET_LATIN[kind]}"
        return f"{extra}No. {number} {street}, {park}{place.latin}, China"

    def _phone(self, place: _Place) -> str:
        rng = self.rng
        return (
            f"+86 {rng.randrange(130, 190)} {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
        )

    def _chinese(self, place: _Place, han_name: bool) -> tuple[str, str, str, str, str]:
        rng = self.rng
        trade = self._trade()
        ind_han, ind_en = rng.choice(_INDUSTRIES)
        form_han, form_en = rng.choice(_CN_FORMS)
        city = place.city_short if rng.random() < 0.8 else ""
        english = " ".join(
            x for x in (_latin(self.pinyin, city), _latin(self.pinyin, trade), ind_en, form_en) if x
        )
        if han_name:
            name = f"{city}{trade}{ind_han}{form_han}"
            other = english if rng.random() < 0.5 else ""
            address = self._street(place, han=rng.random() < 0.7)
        else:
            name, other = english, ""
            address = self._street(place, han=False)
        phone = self._phone(place) if rng.random() < 0.3 else ""
        reg = _uscc(rng, place.code) if rng.random() < 0.2 else ""
        return name, other, address, phone, reg

    def _foreign(self) -> tuple[str, str, str, str]:
        rng = self.rng
        country = rng.choice(_FOREIGN)
        core = " ".join(rng.sample(country.words + _EN_WORDS, 2))
        ind = rng.choice(_INDUSTRIES)[1]
        name = f"{core} {ind} {rng.choice(country.forms)}"
        street = rng.choice(country.streets)
        address = f"{rng.randrange(1, 2000)} {street}, {rng.choice(country.cities)}"
        return name, address, country.code, ""

    def row(self, i: int) -> list[str]:
        rng = self.rng
        hs, product = rng.choice(_PRODUCTS)
        qualifier = rng.choice(_QUALIFIERS)
        if qualifier:
            product = f"{product}, {qualifier}"
        lat = lon = phone = reg = other = ""
        roll = rng.random()
        if roll < 0.01:  # published on a bundled list
            name = rng.choice(self.listed)
            style = rng.random()
            if style < 0.2:
                name = name.upper()
            elif style < 0.35:
                name = name.replace("Co., Ltd.", "Company Limited").replace("有限公司", "公司")
            place = rng.choice(self.places)
            address, country = self._street(place, han=rng.random() < 0.5), "CN"
        elif roll < 0.04:  # in Xinjiang
            place = rng.choice(self.xj)
            name, other, address, phone, reg = self._chinese(place, han_name=rng.random() < 0.6)
            country = rng.choice(["CN", "China", "中国", ""])
            if rng.random() < 0.2:
                lat, lon = f"{rng.uniform(36.0, 47.0):.4f}", f"{rng.uniform(75.0, 90.0):.4f}"
        elif roll < 0.043:  # nothing to screen
            name = address = country = hs = product = ""
        elif roll < 0.045:  # bad coordinates and a wrong USCC check character
            place = rng.choice(self.inland)
            name, other, address, phone, _ = self._chinese(place, han_name=False)
            reg = _uscc(rng, place.code, valid=False)
            lat, lon, country = "north", "x", "CN"
        elif roll < 0.375:  # Chinese supplier, Han name
            place = rng.choice(self.inland)
            name, other, address, phone, reg = self._chinese(place, han_name=True)
            country = rng.choice(["CN", "CN", "China", "中国"])
        elif roll < 0.62:  # Chinese supplier known by its pinyin/English name
            place = rng.choice(self.inland)
            name, other, address, phone, reg = self._chinese(place, han_name=False)
            country = rng.choice(["CN", "China", "PRC"])
        else:  # elsewhere
            name, address, country, phone = self._foreign()
        if rng.random() < 0.0005:
            product = "x" * 3000
        return [
            f"S-{i:07d}",
            name,
            other,
            address,
            country,
            phone,
            reg,
            hs,
            product,
            lat,
            lon,
            rng.choice(["ann", "bo", "chen", "dev", "eva", "farid"]),
            str(rng.randrange(1000, 10**7)),
        ]


class _Repetitive:
    """Row factory of the repetitive master (the earlier benchmark data)."""

    _CN = _pairs(
        "广东省深圳市南山区=Nanshan District, Shenzhen, Guangdong"
        "|浙江省义乌市福田街道=Futian Subdistrict, Yiwu, Zhejiang"
        "|江苏省苏州市工业园区=Suzhou Industrial Park, Jiangsu"
        "|山东省青岛市黄岛区=Huangdao District, Qingdao, Shandong"
        "|福建省厦门市同安区=Tong'an District, Xiamen, Fujian"
        "|河北省保定市白沟=Baigou, Baoding, Hebei"
        "|四川省成都市武侯区=Wuhou District, Chengdu, Sichuan"
        "|湖北省襄阳市高新区=High-tech Zone, Xiangyang, Hubei"
    )
    _XJ = _pairs(
        "新疆乌鲁木齐市天山区=Tianshan District, Urumqi, Xinjiang"
        "|新疆石河子市北四路=Shihezi, Xinjiang"
        "|新疆喀什地区喀什市=Kashgar, Xinjiang Uygur Autonomous Region"
        "|新疆昌吉回族自治州昌吉市=Changji, XUAR|新疆阿克苏地区阿克苏市=Aksu, Xinjiang"
    )
    _OTHER = _pairs(
        "Ho Chi Minh City=VN|Dhaka=BD|Penang=MY|Ludhiana, Punjab=IN|Denizli=TR"
        "|Monterrey, Nuevo León=MX|Cebu=PH|Jakarta=ID"
    )
    _CORE = _words("华美 金和 联创 海滨 同安 宏达 天成 恒信 瑞丰 永盛 新海 鑫源")
    _PINYIN = _words(
        "Huamei Jinhe Lianchuang Haibin Tongan Hongda Tiancheng Hengxin Ruifeng Yongsheng "
        "Xinhai Xinyuan"
    )

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.listed = _listed_names()

    def row(self, i: int) -> list[str]:
        rng = self.rng
        k = rng.randrange(len(self._CORE))
        ind_han, ind_en = _INDUSTRIES[rng.randrange(8)]
        hs, product = rng.choice(_PRODUCTS[:8])
        roll = rng.random()
        lat = lon = other = ""
        if roll < 0.01:
            name = rng.choice(self.listed)
            address, country = rng.choice(self._CN)[1], "CN"
        elif roll < 0.03:
            cn, en = rng.choice(self._XJ)
            name = f"{cn[2:5]}{self._CORE[k]}{ind_han}有限公司"
            other = f"{self._PINYIN[k]} {ind_en} Co., Ltd."
            address, country = (cn if rng.random() < 0.5 else en), "中国"
            lat, lon = "43.8", "87.6"
        elif roll < 0.035:
            name = address = country = hs = product = ""
        elif roll < 0.04:
            name = f"{self._PINYIN[k]} Trading {i}"
            address, country = rng.choice(self._OTHER)
            lat, lon = "north", "x"
        elif roll < 0.6:
            cn, en = rng.choice(self._CN)
            name = f"{cn[3:5]}{self._CORE[k]}{ind_han}有限公司"
            other = f"{self._PINYIN[k]} {ind_en} Co., Ltd."
            address, country = (cn if rng.random() < 0.5 else en), "CN"
        else:
            address, country = rng.choice(self._OTHER)
            form = rng.choice(["Ltd", "JSC", "Sdn Bhd", "Pvt Ltd", "S.A. de C.V."])
            name = f"{self._PINYIN[k]} {ind_en} {form}"
        if rng.random() < 0.0005:
            product = "x" * 3000
        return [
            f"S-{i:07d}",
            name,
            other,
            address,
            country,
            "",
            "",
            hs,
            product,
            lat,
            lon,
            rng.choice(["ann", "bo", "chen", "dev"]),
            str(rng.randrange(1000, 10**7)),
        ]


PROFILES: dict[str, Callable[[random.Random], _HighCardinality | _Repetitive]] = {
    "high": _HighCardinality,
    "repetitive": _Repetitive,
}


def rows(n: int, profile: str = "high", seed: int = 7) -> Iterator[list[str]]:
    """``n`` generated rows (without the header) of a profile."""
    factory = PROFILES[profile](random.Random(seed))
    for i in range(1, n + 1):
        yield factory.row(i)


def generate(path: Path, n: int, profile: str = "high", seed: int = 7) -> None:
    """Write ``n`` rows of ``profile`` to ``path`` (UTF-8 CSV with a header)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        out.writerows(rows(n, profile, seed))


def cardinality(path: Path) -> dict[str, int]:
    """Distinct values per screened column (for the benchmark report)."""
    seen: dict[str, set[str]] = {c: set() for c in ("supplier_name", "address", "product")}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for column, values in seen.items():
                values.add(row[column])
    return {c: len(v) for c, v in seen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="high")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.output, args.rows, args.profile, args.seed)


if __name__ == "__main__":
    main()
