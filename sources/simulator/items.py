"""三张清单: the enforcement item catalogue and the reform's moves between its lists.

The catalogue is built once per seed, independent of scale and date range. Each domain holds
a fixed number of items by the figure date, and a fixed number of them are on the
comprehensive list by then (``ITEM_COUNTS``: 5,360 items, 2,412 comprehensive = 45%, from
all 21 departments and 28 domains). Before the reform the comprehensive list holds the urban
management items and about a seventh of the rest; the others move over in the batches the
city published in 2020-2022, each move a new version of the item on the batch day. Some
comprehensive items are then delegated to the towns (赋权乡镇). A few items enter the
catalogue during the reform, and a few after the figure date (they only show in longer runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np

from sources.simulator.formats import Row
from sources.simulator.histories import (
    History,
    export_histories,
    office_second,
    working_day,
)
from sources.simulator.world import Stream, World
from sources.systems.items import DOMAINS, ITEMS

# Items per domain on the figure date: (all, on the comprehensive list).
ITEM_COUNTS: dict[str, tuple[int, int]] = {
    "URBAN_MGMT": (420, 420), "MARKET_ORDER": (560, 120), "FOOD_SAFETY": (330, 60),
    "DRUG_DEVICE": (250, 30), "ECOLOGY": (380, 90), "TRANSPORT": (420, 110),
    "HEALTH": (330, 90), "WORK_SAFETY": (300, 60), "LAND": (150, 100), "MINERALS": (110, 80),
    "PLANNING": (120, 100), "CONSTRUCTION": (300, 160), "REAL_ESTATE": (160, 120),
    "AGRICULTURE": (280, 160), "ANIMAL_HUSBANDRY": (150, 100), "WATER": (140, 90),
    "CULTURE": (130, 100), "TOURISM": (70, 55), "PUBLIC_ORDER": (120, 20), "EDUCATION": (60, 30),
    "CIVIL_AFFAIRS": (70, 40), "LABOUR": (90, 40), "COMMERCE": (90, 50), "SPORTS": (30, 20),
    "MEDICAL_INSURANCE": (40, 10), "CIVIL_AIR_DEFENCE": (30, 25), "STATISTICS": (40, 12),
    "FORESTRY": (190, 120),
}
ALWAYS_COMPREHENSIVE = ("URBAN_MGMT",)  # the comprehensive bureau's own domain
PRE_REFORM_SHARE = 0.15  # of the other comprehensive items, already there before 2020
NEW_SHARE = 0.03  # items that enter the catalogue during the reform
LATE_SHARE = 0.015  # items that enter it after the figure date (professional)
# Days the city published items moved to the comprehensive list, with each batch's weight.
MOVE_BATCHES = ((date(2020, 9, 1), 0.08), (date(2021, 3, 1), 0.2), (date(2021, 7, 1), 0.22),
                (date(2021, 10, 8), 0.15), (date(2022, 1, 4), 0.15), (date(2022, 4, 1), 0.2))
DELEGATION_BATCHES = (date(2021, 7, 1), date(2022, 1, 4), date(2022, 5, 5))
DELEGATED_SHARE = 0.18  # of the comprehensive items, once the batches are out
# Item types, the type digits of a power's code (02 处罚, 06 检查, 03 强制) and their shares.
TYPES = (("PENALTY", "02", 0.8), ("INSPECTION", "06", 0.12), ("COERCION", "03", 0.08))
TYPE_DIGITS = {kind: digits for kind, digits, _ in TYPES}
FINE_RANGES = ((0, 200), (50, 500), (200, 2_000), (500, 5_000), (1_000, 10_000),
               (2_000, 20_000), (5_000, 50_000), (10_000, 100_000), (20_000, 200_000),
               (50_000, 500_000), (100_000, 1_000_000))

# Who an item is about and the laws it rests on, per domain (names only need to read true).
SUBJECTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "URBAN_MGMT": (("沿街商户", "施工单位", "户外广告设置人", "餐饮经营者", "单位和个人"),
                   ("浙江省城市市容和环境卫生管理条例", "城市道路管理条例")),
    "MARKET_ORDER": (("经营者", "网络交易经营者", "广告发布者", "企业", "个体工商户"),
                     ("中华人民共和国反不正当竞争法", "中华人民共和国广告法",
                      "市场主体登记管理条例")),
    "FOOD_SAFETY": (("食品生产者", "食品经营者", "餐饮服务提供者", "集中交易市场开办者"),
                    ("中华人民共和国食品安全法", "浙江省食品小作坊小餐饮店和食品摊贩管理规定")),
    "DRUG_DEVICE": (("药品零售企业", "医疗器械经营企业", "化妆品经营者"),
                    ("中华人民共和国药品管理法", "医疗器械监督管理条例")),
    "ECOLOGY": (("排污单位", "建设项目单位", "危险废物经营单位", "餐饮油烟排放单位"),
                ("中华人民共和国大气污染防治法", "中华人民共和国水污染防治法",
                 "中华人民共和国固体废物污染环境防治法")),
    "TRANSPORT": (("道路运输经营者", "机动车维修经营者", "客运驾驶员", "船舶所有人"),
                  ("中华人民共和国道路运输条例", "浙江省公路路政管理条例")),
    "HEALTH": (("公共场所经营者", "医疗机构", "供水单位", "学校"),
               ("公共场所卫生管理条例", "医疗机构管理条例")),
    "WORK_SAFETY": (("生产经营单位", "危险化学品经营企业", "非煤矿山企业", "工贸企业"),
                    ("中华人民共和国安全生产法", "危险化学品安全管理条例")),
    "LAND": (("用地单位", "农村村民", "土地使用者"), ("中华人民共和国土地管理法",)),
    "MINERALS": (("采矿权人", "探矿权人", "砂石开采者"), ("中华人民共和国矿产资源法",)),
    "PLANNING": (("规划许可申请人", "个人建房户", "规划设计单位"), ("中华人民共和国城乡规划法",)),
    "CONSTRUCTION": (("建设单位", "施工企业", "监理单位", "预拌混凝土企业"),
                     ("建设工程质量管理条例", "中华人民共和国建筑法")),
    "REAL_ESTATE": (("房地产开发企业", "物业服务企业", "房地产经纪机构"),
                    ("物业管理条例", "城市房地产开发经营管理条例")),
    "AGRICULTURE": (("农药经营者", "种子生产经营者", "农产品生产企业", "肥料经营者"),
                    ("农药管理条例", "中华人民共和国种子法", "中华人民共和国农产品质量安全法")),
    "ANIMAL_HUSBANDRY": (("畜禽养殖场", "屠宰企业", "兽药经营者"),
                         ("中华人民共和国动物防疫法", "生猪屠宰管理条例")),
    "WATER": (("河道采砂单位", "取水单位", "水利工程管理单位"),
              ("中华人民共和国水法", "中华人民共和国防洪法")),
    "CULTURE": (("娱乐场所经营者", "互联网上网服务营业场所", "出版物经营者"),
                ("娱乐场所管理条例", "互联网上网服务营业场所管理条例")),
    "TOURISM": (("旅行社", "导游", "景区经营者"), ("中华人民共和国旅游法",)),
    "PUBLIC_ORDER": (("养犬人", "旅馆业经营者", "印章刻制业经营者"),
                     ("中华人民共和国治安管理处罚法", "浙江省犬类管理规定")),
    "EDUCATION": (("校外培训机构", "民办学校"), ("中华人民共和国民办教育促进法",)),
    "CIVIL_AFFAIRS": (("社会组织", "养老机构", "殡葬服务单位"), ("殡葬管理条例",)),
    "LABOUR": (("用人单位", "职业中介机构", "劳务派遣单位"), ("劳动保障监察条例",)),
    "COMMERCE": (("单用途预付卡发卡企业", "报废机动车回收企业", "成品油零售企业"),
                 ("报废机动车回收管理办法",)),
    "SPORTS": (("高危险性体育项目经营者", "健身场所经营者"), ("全民健身条例",)),
    "MEDICAL_INSURANCE": (("定点医药机构", "参保人员"), ("医疗保障基金使用监督管理条例",)),
    "CIVIL_AIR_DEFENCE": (("人防工程建设单位", "人防工程使用单位"), ("中华人民共和国人民防空法",)),
    "STATISTICS": (("统计调查对象", "规模以上企业"), ("中华人民共和国统计法",)),
    "FORESTRY": (("林木采伐者", "木材经营加工单位", "林地使用者"),
                 ("中华人民共和国森林法", "森林防火条例")),
}
ACTS = ("未取得许可擅自从事经营活动", "超出许可范围从事经营活动", "未按规定建立台账",
        "拒绝、阻碍监督检查", "未按规定公示信息", "伪造、变造许可证件", "未按规定报告有关情况",
        "逾期未改正违法行为", "违反安全管理规定", "未按规定配备专业人员", "擅自变更登记事项",
        "未按规定保存记录", "提供虚假材料", "未履行告知义务", "擅自改变用途",
        "未按规定设置警示标志", "违规处置废弃物", "未按规定开展自查", "出租、出借许可证件",
        "未按规定办理备案", "擅自占用公共场地", "未落实主体责任")
QUALIFIERS = ("", "且情节严重", "且拒不改正", "造成危害后果", "屡查屡犯", "首次轻微违法")
ASPECTS = ("许可条件保持情况", "经营行为", "安全管理制度落实情况", "台账记录", "从业人员资质",
           "设施设备运行情况", "信息公示情况", "整改落实情况")
MEASURES = ("查封", "扣押", "暂扣", "封存", "责令暂停相关活动", "代履行")
DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """Article numbers as written in Chinese law (1..199)."""
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = "一百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (DIGITS[ones] if ones else "")


def _names(rng: np.random.Generator, domain: str, kinds: list[str]) -> list[str]:
    """Distinct item names of one domain, drawn from its subjects and the generic acts."""
    subjects = SUBJECTS[domain][0]
    pools = {
        "PENALTY": [f"对{s}{a}{q}的行政处罚" for q in QUALIFIERS for s in subjects for a in ACTS],
        "INSPECTION": [f"对{s}{a}的行政检查" for s in subjects for a in ASPECTS],
        "COERCION": [f"对{s}{a}相关物品的{m}" for m in MEASURES for s in subjects for a in ACTS],
    }
    order = {k: rng.permutation(len(pool)).tolist() for k, pool in pools.items()}
    used = dict.fromkeys(pools, 0)
    names = []
    for kind in kinds:
        n = used[kind]
        used[kind] += 1
        pool = pools[kind]
        suffix = f"（{n // len(pool) + 1}）" if n >= len(pool) else ""
        names.append(pool[order[kind][n % len(pool)]] + suffix)
    return names


def _domain_items(rng: np.random.Generator, number: int, domain: str) -> list[History]:
    """The items of one domain, with their listing, moves and delegations."""
    total, comprehensive = ITEM_COUNTS[domain]
    late = int(round(total * LATE_SHARE))
    n = total + late
    kinds = [TYPES[i][0] for i in rng.choice(len(TYPES), n, p=[t[2] for t in TYPES])]
    names = _names(rng, domain, kinds)
    listed = [working_day(rng, date(2016, 3, 1), date(2019, 11, 29)) for _ in range(n)]
    for i in rng.choice(total, size=int(round(total * NEW_SHARE)), replace=False).tolist():
        listed[i] = working_day(rng, date(2020, 3, 2), date(2022, 5, 27))
    for i in range(total, n):
        listed[i] = working_day(rng, date(2022, 8, 1), date(2023, 6, 30))
    comp = set(rng.choice(total, size=comprehensive, replace=False).tolist())
    comp_day = _comprehensive_days(rng, domain, sorted(comp), listed)
    delegated = _delegations(rng, comp_day)
    laws = SUBJECTS[domain][1]
    department = DOMAINS[domain][1]
    counters = dict.fromkeys((t[0] for t in TYPES), 0)
    histories = []
    for i, kind in enumerate(kinds):
        counters[kind] += 1
        code = f"33{TYPE_DIGITS[kind]}{number:02d}{counters[kind]:04d}00"
        fine = FINE_RANGES[int(rng.integers(len(FINE_RANGES)))] if kind == "PENALTY" else None
        moved = i in comp and comp_day[i] > listed[i]
        state: Row = {
            "item_code": code, "item_name": names[i], "item_type": kind,
            "department_code": department, "domain_code": domain,
            "list_type": "COMPREHENSIVE" if i in comp and not moved else "PROFESSIONAL",
            "legal_basis": f"《{laws[int(rng.integers(len(laws)))]}》"
                           f"第{_chinese(int(rng.integers(8, 160)))}条",
            "penalty_min": float(fine[0]) if fine else None,
            "penalty_max": float(fine[1]) if fine else None,
            "exercise_level": "CITY" if rng.random() < 0.1 else "COUNTY",
            "delegated_to_town": False,
            "is_sanguo": bool(rng.random() < (0.3 if moved else 0.05)),
            "is_dormant": bool(rng.random() < (0.35 if i in comp else 0.22)),
            "listed_date": listed[i].isoformat(), "version_date": listed[i].isoformat(),
        }
        history = History(code, listed[i], office_second(rng), state)
        if moved:
            history.change(comp_day[i], office_second(rng), list_type="COMPREHENSIVE",
                           version_date=comp_day[i].isoformat())
        if i in delegated:
            history.change(delegated[i], office_second(rng), delegated_to_town=True,
                           exercise_level="TOWN", version_date=delegated[i].isoformat())
        histories.append(history)
    return histories


def _comprehensive_days(rng: np.random.Generator, domain: str, comp: list[int],
                        listed: list[date]) -> dict[int, date]:
    """Day each comprehensive item joined the list: its listing day or a later move batch."""
    days: dict[int, date] = {}
    for i in comp:
        batches = [(d, w) for d, w in MOVE_BATCHES if d > listed[i]]
        early = domain in ALWAYS_COMPREHENSIVE or rng.random() < PRE_REFORM_SHARE
        if early or not batches or listed[i] > date(2020, 1, 1):
            days[i] = listed[i]
            continue
        weights = np.array([w for _, w in batches])
        days[i] = batches[int(rng.choice(len(batches), p=weights / weights.sum()))][0]
    return days


def _delegations(rng: np.random.Generator, comp_day: dict[int, date]) -> dict[int, date]:
    """Comprehensive items delegated to the towns, on the first batch after they joined."""
    eligible = [i for i, d in comp_day.items() if d <= DELEGATION_BATCHES[-1]]
    chosen = rng.random(len(eligible)) < DELEGATED_SHARE
    result = {}
    for i, pick in zip(eligible, chosen.tolist(), strict=True):
        if pick:
            result[i] = next(d for d in DELEGATION_BATCHES if d >= comp_day[i])
    return result


def export_rows(world: World, start: date, end: date) -> dict[str, dict[date, list[Row]]]:
    """The catalogue's exports: table name -> export day -> item versions of that day."""
    histories = [
        history
        for number, domain in enumerate(DOMAINS, start=1)
        for history in _domain_items(world.rng(Stream.ITEMS, number), number, domain)
    ]
    return {ITEMS.table_name: export_histories(histories, start, end)}



@dataclass(frozen=True)
class ItemIndex:
    """The catalogue as columns, for the systems that cite an item (cases, checklist lines).

    One entry per item: its code, type (PENALTY / INSPECTION / COERCION), department and
    domain codes, the day it was listed and the day it joined the comprehensive list
    (``None``: never, within the catalogue's history). A generator picks among the items its
    department held on a day, so every cited code is one the catalogue exports.
    """

    code: tuple[str, ...]
    item_type: tuple[str, ...]
    department: tuple[str, ...]
    domain: tuple[str, ...]
    listed: tuple[date, ...]
    comprehensive_from: tuple[date | None, ...]

    def of_department(self, department_code: str, item_type: str, on: date) -> list[int]:
        """Positions of the department's items of a type that were listed by ``on``."""
        return [i for i, (dept, kind, day) in enumerate(
            zip(self.department, self.item_type, self.listed, strict=True))
            if dept == department_code and kind == item_type and day <= on]


@cache
def item_index(seed: int) -> ItemIndex:
    """The catalogue of ``seed`` as an ``ItemIndex`` (built once per seed)."""
    rows = []
    for number, domain in enumerate(DOMAINS, start=1):
        for history in _domain_items(np.random.default_rng(
                np.random.SeedSequence([seed, int(Stream.ITEMS), number])), number, domain):
            comprehensive = history.state["list_type"] == "COMPREHENSIVE"
            moved = next((day for day, _, values in history.patches
                          if values.get("list_type") == "COMPREHENSIVE"), None)
            rows.append((history.key, history.state["item_type"],
                         history.state["department_code"], domain, history.created,
                         history.created if comprehensive else moved))
    columns = list(zip(*rows, strict=True))
    return ItemIndex(*(tuple(column) for column in columns))
