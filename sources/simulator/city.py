"""The simulated city: real counties and towns, departments, industries, people and businesses.

The structure is fixed by the seed and does not depend on the scale: the same towns, the same
320k market entities (about the real stock of Quzhou) and the same residents exist at demo and
full scale; only how often things happen to them changes. Entities are numpy columns, and
strings (names, codes) are made only for the rows that reach an export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources import reference
from sources.simulator import names

N_ENTITIES = 320_000
N_PEOPLE = 400_000
INSPECTORS_PER_UNIT = 24  # inspectors per (county, department)
STAFF_RESERVED = 10_000  # the last residents are enforcement staff, never case parties

# Rough county centroids (lat, lon, WGS-84) and how intensely each county is supervised:
# 柯城区 is the urban core (more inspections per entity), 开化县 the mountainous west (fewer).
COUNTY_CENTROID = {
    "330802": (28.99, 118.80), "330803": (28.98, 119.00), "330822": (28.90, 118.51),
    "330824": (29.14, 118.41), "330825": (29.03, 119.17), "330881": (28.74, 118.63),
}
COUNTY_INTENSITY = {
    "330802": 1.25, "330803": 1.0, "330822": 0.95, "330824": 0.8, "330825": 1.0, "330881": 1.0,
}
COUNTY_BUSINESS_DENSITY = {
    "330802": 1.35, "330803": 0.9, "330822": 1.0, "330824": 0.85, "330825": 1.05, "330881": 1.0,
}
# Districts prefix business names with the city, county-level units with their own name.
CITY_PREFIX = "衢州市"
DISTRICTS = ("330802", "330803")
# Weight of a town by its kind when placing businesses and people.
TOWN_KIND_WEIGHT = {"街道": 3.0, "镇": 1.5, "乡": 0.6}
ONE_PLUS_FIVE = ("ZHZF", "SCJG", "STHJ", "JTYS", "WSJK", "YJGL")


@dataclass(frozen=True)
class Industry:
    """A line of business: how its names read and which departments care about it."""

    code: str
    sole_words: tuple[str, ...]  # 个体工商户: 行业 + 组织形式, e.g. 餐饮店
    company_words: tuple[str, ...]  # 公司: 行业, followed by 有限公司
    sole_share: float
    company_share: float
    affinity: dict[str, float]
    risk: float  # relative chance of being inspected in a month
    key_share: float  # share under key supervision (重点监管)


INDUSTRIES = (
    Industry("CATERING", ("餐饮店", "小吃店", "面馆", "饭店", "快餐店", "烧烤店"),
             ("餐饮管理", "餐饮服务"), 0.26, 0.06,
             {"SCJG": 3, "ZHZF": 2, "WSJK": 1, "STHJ": 1, "YJGL": 0.6}, 1.2, 0.05),
    Industry("RETAIL", ("超市", "便利店", "食品店", "副食品商店", "服装店"),
             ("商贸", "贸易", "超市"), 0.30, 0.14, {"SCJG": 4, "ZHZF": 1, "SWJ": 0.5}, 0.8, 0.02),
    Industry("MANUFACTURING", ("五金加工厂", "木制品厂", "服装加工厂"),
             ("机械制造", "五金制品", "新材料科技", "纸业", "电子科技"), 0.05, 0.20,
             {"YJGL": 3, "STHJ": 3, "SCJG": 1, "RSJ": 0.6, "ZHZF": 0.5}, 1.2, 0.12),
    Industry("CHEMICAL", ("化工经营部",), ("化工", "精细化工", "氟化工", "新材料"), 0.005, 0.04,
             {"YJGL": 4, "STHJ": 4, "GAJ": 0.6, "SCJG": 0.5}, 2.0, 0.5),
    Industry("CONSTRUCTION", ("建材店", "装饰工作室"), ("建筑工程", "建材", "混凝土", "装饰工程"),
             0.04, 0.12, {"ZJJS": 3, "ZHZF": 2, "STHJ": 1, "YJGL": 1, "ZRZY": 1}, 1.1, 0.08),
    Industry("TRANSPORT", ("货运部", "汽车修理厂", "洗车店"), ("物流", "运输", "汽车服务"), 0.06,
             0.08, {"JTYS": 5, "YJGL": 1, "STHJ": 0.6, "ZHZF": 0.5}, 1.0, 0.08),
    Industry("MEDICAL", ("诊所", "药店", "口腔诊所"), ("医药连锁", "医疗器械"), 0.04, 0.03,
             {"WSJK": 4, "SCJG": 2, "YBJ": 1}, 1.1, 0.1),
    Industry("LEISURE", ("宾馆", "民宿", "KTV", "网吧", "棋牌室"),
             ("酒店管理", "文化娱乐", "旅游开发"), 0.08, 0.05,
             {"WGLY": 3, "GAJ": 2, "WSJK": 1, "YJGL": 0.6, "ZHZF": 0.5}, 1.0, 0.05),
    Industry("AGRICULTURE", ("家庭农场", "养殖场", "农资店"), ("农业开发", "生态农业", "茶业"),
             0.08, 0.07, {"NYNC": 4, "STHJ": 1, "LYJ": 1, "SCJG": 0.5, "SLJ": 0.4}, 0.8, 0.04),
    Industry("EDUCATION", ("培训部", "托管中心"), ("教育咨询", "文化传播"), 0.03, 0.04,
             {"JYJ": 4, "WSJK": 0.5, "YJGL": 0.5, "MZJ": 0.3}, 0.9, 0.05),
    Industry("MINING", ("砂石经营部",), ("矿业", "砂石"), 0.005, 0.02,
             {"ZRZY": 3, "YJGL": 3, "STHJ": 2, "SLJ": 1, "LYJ": 0.5}, 1.8, 0.4),
    Industry("SERVICES", ("健身馆", "理发店", "美容店", "养老服务站"),
             ("体育发展", "物业管理", "人力资源"), 0.05, 0.15,
             {"TYJ": 1, "WSJK": 1, "MZJ": 1, "RSJ": 1, "SCJG": 1, "RFJ": 0.3, "TJJ": 0.3}, 0.7,
             0.02),
)


@dataclass(frozen=True)
class Geography:
    """Counties and towns of the reference lists, with a made-up but stable town centre."""

    county_codes: tuple[str, ...]
    county_names: tuple[str, ...]
    town_codes: tuple[str, ...]
    town_county: np.ndarray  # county index per town
    town_weight: np.ndarray  # share of businesses and people per town (sums to 1)
    town_lat: np.ndarray
    town_lon: np.ndarray

    @property
    def county_intensity(self) -> np.ndarray:
        return np.array([COUNTY_INTENSITY[c] for c in self.county_codes])

    def business_prefix(self, county: int) -> str:
        code = self.county_codes[county]
        return CITY_PREFIX + self.county_names[county] if code in DISTRICTS else \
            self.county_names[county]


def build_geography(rng: np.random.Generator) -> Geography:
    """Place each real town at a stable offset from its county centroid.

    Subdistricts (街道) sit near the county seat, towns and townships further out; every
    entity later lands within about 0.1° of its county centroid.
    """
    counties = reference.counties()
    county_index = {c.code: i for i, c in enumerate(counties)}
    towns = [t for t in reference.towns() if t.code]  # the reference lists one office with no code
    kinds = [next((w for k, w in TOWN_KIND_WEIGHT.items() if t.name_zh.endswith(k)), 1.0)
             for t in towns]
    town_county = np.array([county_index[t.parent_code] for t in towns])
    density = np.array([COUNTY_BUSINESS_DENSITY[c.code] * _population(c) for c in counties])
    weight = np.array(kinds) * density[town_county]
    per_county = np.bincount(town_county, weights=np.array(kinds))
    weight = weight / per_county[town_county]
    spread = np.where(np.array([t.name_zh.endswith("街道") for t in towns]), 0.03, 0.07)
    centroids = np.array([COUNTY_CENTROID[c.code] for c in counties])
    return Geography(
        county_codes=tuple(c.code for c in counties),
        county_names=tuple(c.name_zh for c in counties),
        town_codes=tuple(t.code for t in towns),
        town_county=town_county,
        town_weight=weight / weight.sum(),
        town_lat=centroids[town_county, 0] + rng.uniform(-1, 1, len(towns)) * spread,
        town_lon=centroids[town_county, 1] + rng.uniform(-1, 1, len(towns)) * spread,
    )


def _population(county: reference.Place) -> float:
    populations = {"330802": 528_847, "330803": 373_920, "330822": 259_966, "330824": 258_810,
                   "330825": 360_229, "330881": 494_412}
    return populations.get(county.code, 300_000) / 1e5


@dataclass(frozen=True)
class Departments:
    """The reference departments, their base weight as lead and each industry's affinity."""

    codes: tuple[str, ...]
    base: np.ndarray  # weight as lead department regardless of industry
    affinity: np.ndarray  # (industries, departments): who inspects which industry

    def index(self, code: str) -> int:
        return self.codes.index(code)


def build_departments() -> Departments:
    codes = tuple(d.code for d in reference.departments())
    base = np.array([2.0 if c in ONE_PLUS_FIVE else 0.2 for c in codes])
    affinity = np.full((len(INDUSTRIES), len(codes)), 0.05)
    for row, industry in enumerate(INDUSTRIES):
        for code, weight in industry.affinity.items():
            affinity[row, codes.index(code)] += weight
    affinity *= base  # the 1+5 teams lead most visits of every industry
    return Departments(codes=codes, base=base, affinity=affinity)


@dataclass(frozen=True)
class People:
    """Residents: case parties, sole-trader operators and inspectors."""

    surname: np.ndarray
    given1: np.ndarray
    given2: np.ndarray
    county: np.ndarray  # county index of the ID number's birthplace
    birth: np.ndarray  # datetime64[D]
    serial: np.ndarray
    phone_prefix: np.ndarray
    phone_suffix: np.ndarray
    county_suffix: np.ndarray  # last two digits of the county code, per county index

    def names(self, idx: np.ndarray) -> list[str]:
        return names.person_names(self.surname[idx], self.given1[idx], self.given2[idx])

    def id_numbers(self, idx: np.ndarray) -> list[str]:
        return names.id_numbers(self.county_suffix[self.county[idx]], self.birth[idx],
                                self.serial[idx])

    def phones(self, idx: np.ndarray) -> list[str]:
        return names.phones(self.phone_prefix[idx], self.phone_suffix[idx])


def build_people(rng: np.random.Generator, geo: Geography) -> People:
    surname, given1, given2 = names.draw_person_parts(rng, N_PEOPLE)
    county_weight = np.bincount(geo.town_county, weights=geo.town_weight)
    first, last = date(1950, 1, 1).toordinal(), date(2002, 12, 31).toordinal()
    birth = (np.datetime64("1950-01-01") + rng.integers(0, last - first, N_PEOPLE)).astype(
        "datetime64[D]")
    return People(
        surname=surname, given1=given1, given2=given2,
        county=rng.choice(len(county_weight), size=N_PEOPLE, p=county_weight),
        birth=birth,
        serial=rng.integers(0, 1000, N_PEOPLE),
        phone_prefix=rng.integers(0, len(names.MOBILE_PREFIXES), N_PEOPLE),
        phone_suffix=rng.integers(0, 10**8, N_PEOPLE),
        county_suffix=np.array([int(code[-2:]) for code in geo.county_codes]),
    )
