"""三张清单: the enforcement item catalogue (执法事项目录).

Every enforcement power of the city is an item of the master catalogue (执法目录总清单); each
item is on exactly one of the two working lists: the comprehensive-enforcement list
(综合执法清单, items exercised by the comprehensive bureau) or the professional list
(专业执法清单, items kept by their department or a professional team). The catalogue is
versioned: an item moved to the comprehensive list or delegated to the towns (赋权乡镇) is
exported again, as a new row with the new ``version_date`` and a later ``updated_at``, in the
JSON Lines export of that day. The latest ``updated_at`` of an item is its current state.
"""

from __future__ import annotations

from sources.contracts import Column, DateOrder, TableContract
from sources.reference import department_codes

SYSTEM = "items"

# The 28 enforcement domains (执法领域) of the catalogue: code -> (name, owning department).
# Departments are those of ``sources/reference/departments.csv``; a department may own several
# domains (market supervision owns three), every department owns at least one.
DOMAINS: dict[str, tuple[str, str]] = {
    "URBAN_MGMT": ("城市管理", "ZHZF"),
    "MARKET_ORDER": ("市场秩序", "SCJG"),
    "FOOD_SAFETY": ("食品安全", "SCJG"),
    "DRUG_DEVICE": ("药品医疗器械", "SCJG"),
    "ECOLOGY": ("生态环境", "STHJ"),
    "TRANSPORT": ("交通运输", "JTYS"),
    "HEALTH": ("卫生健康", "WSJK"),
    "WORK_SAFETY": ("安全生产", "YJGL"),
    "LAND": ("土地管理", "ZRZY"),
    "MINERALS": ("矿产资源", "ZRZY"),
    "PLANNING": ("城乡规划", "ZRZY"),
    "CONSTRUCTION": ("建筑市场", "ZJJS"),
    "REAL_ESTATE": ("房地产与物业", "ZJJS"),
    "AGRICULTURE": ("农业农村", "NYNC"),
    "ANIMAL_HUSBANDRY": ("畜牧兽医", "NYNC"),
    "WATER": ("水利", "SLJ"),
    "CULTURE": ("文化市场", "WGLY"),
    "TOURISM": ("旅游", "WGLY"),
    "PUBLIC_ORDER": ("公共秩序", "GAJ"),
    "EDUCATION": ("教育", "JYJ"),
    "CIVIL_AFFAIRS": ("民政", "MZJ"),
    "LABOUR": ("劳动保障", "RSJ"),
    "COMMERCE": ("商务", "SWJ"),
    "SPORTS": ("体育", "TYJ"),
    "MEDICAL_INSURANCE": ("医疗保障", "YBJ"),
    "CIVIL_AIR_DEFENCE": ("人民防空", "RFJ"),
    "STATISTICS": ("统计", "TJJ"),
    "FORESTRY": ("林业", "LYJ"),
}
DOMAIN_CODES = frozenset(DOMAINS)
ITEM_TYPES = frozenset({"PENALTY", "INSPECTION", "COERCION"})  # 处罚 / 检查 / 强制
LIST_TYPES = frozenset({"COMPREHENSIVE", "PROFESSIONAL"})  # 综合执法清单 / 专业执法清单
EXERCISE_LEVELS = frozenset({"CITY", "COUNTY", "TOWN"})
PENALTY_RANGE = (0.0, 10_000_000.0)  # yuan; amounts beyond are typing errors

ITEMS = TableContract(
    system=SYSTEM,
    entity="items",
    description="Enforcement items of the master catalogue (执法事项), one row per item version.",
    columns=(
        Column("item_code", "string", "Item code in the catalogue (事项编码)", required=True),
        Column("item_name", "string", "Item name (事项名称)", required=True),
        Column(
            "item_type",
            "string",
            "Penalty, inspection or coercive measure (事项类型)",
            required=True,
            codes=ITEM_TYPES,
        ),
        Column(
            "department_code",
            "string",
            "Department the power belongs to (职权部门)",
            required=True,
            codes=department_codes(),
        ),
        Column(
            "domain_code", "string", "Enforcement domain (执法领域)", required=True,
            codes=DOMAIN_CODES,
        ),
        Column(
            "list_type",
            "string",
            "Working list the item is on in this version (清单类型)",
            required=True,
            codes=LIST_TYPES,
        ),
        Column("legal_basis", "string", "Legal basis (设定依据)"),
        Column(
            "penalty_min",
            "float",
            "Lowest fine of a penalty item, yuan (罚款下限)",
            minimum=PENALTY_RANGE[0],
            maximum=PENALTY_RANGE[1],
        ),
        Column(
            "penalty_max",
            "float",
            "Highest fine of a penalty item, yuan (罚款上限)",
            minimum=PENALTY_RANGE[0],
            maximum=PENALTY_RANGE[1],
        ),
        Column(
            "exercise_level",
            "string",
            "Level that exercises the item (行使层级)",
            required=True,
            codes=EXERCISE_LEVELS,
        ),
        Column(
            "delegated_to_town", "bool", "Power delegated to the towns (赋权乡镇)", required=True
        ),
        Column(
            "is_sanguo",
            "bool",
            "三高 item: high frequency, highly cross-cutting, high demand",
            required=True,
        ),
        Column("is_dormant", "bool", "沉睡 item: not exercised in recent years", required=True),
        Column("listed_date", "date", "Day the item entered the catalogue (纳入日期)",
               required=True),
        Column("version_date", "date", "Day this version took effect (版本日期)", required=True),
        Column(
            "updated_at", "timestamp", "Time this version of the item was recorded", required=True
        ),
    ),
    key=("item_code",),
    version_column="updated_at",
    rows_every_day=False,
    date_orders=(DateOrder("listed_date", "version_date"),),
    formats=("jsonl",),
)

CONTRACTS = (ITEMS,)
