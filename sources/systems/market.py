"""市场主体: the market-entity register and its monthly credit-risk classes.

The market-supervision bureau (市场监管) keeps the register of market entities: companies and
sole traders (个体工商户) with their unified social credit code, industry, place and legal
representative. The register exports a full snapshot on its first export day and afterwards
one state row per entity and day on which the entity changed: a new registration, a listing
in or removal from the abnormal-operation list (经营异常名录), a revocation (吊销) or a closure
(注销). Old files are never edited; the latest ``updated_at`` of a key is its current state.

Every month the credit-risk classification (企业信用风险分类) rates each entity still
registered A (low risk) to D (high risk) with a score of 0-100; the ratings of a month are
exported on the 1st-3rd of the following month. Supervision follows the class: A-class
entities are not inspected without a trigger (无事不扰), D-class ones are sampled far more.
"""

from __future__ import annotations

from sources.contracts import LATITUDE_RANGE, LONGITUDE_RANGE, Column, DateOrder, TableContract
from sources.reference import county_codes, town_codes

SYSTEM = "market"

ENTITY_TYPES = frozenset({"COMPANY", "SOLE_TRADER"})  # 企业 / 个体工商户
# Lines of business the register classifies entities by (a coarse grouping of GB/T 4754).
INDUSTRY_CODES = frozenset({
    "CATERING",  # 餐饮
    "RETAIL",  # 批发零售
    "MANUFACTURING",  # 制造
    "CHEMICAL",  # 危化品生产经营
    "CONSTRUCTION",  # 建筑与建材
    "TRANSPORT",  # 交通运输与汽修
    "MEDICAL",  # 医疗与药品
    "LEISURE",  # 住宿与文化娱乐
    "AGRICULTURE",  # 农业
    "EDUCATION",  # 教育培训
    "MINING",  # 采矿与砂石
    "SERVICES",  # 居民与商务服务
})
# OPERATING 存续, ABNORMAL 列入经营异常名录, REVOKED 吊销营业执照, CLOSED 注销.
ENTITY_STATUSES = frozenset({"OPERATING", "ABNORMAL", "REVOKED", "CLOSED"})
CREDIT_CLASSES = frozenset({"A", "B", "C", "D"})

ENTITIES = TableContract(
    system=SYSTEM,
    entity="entities",
    description="Market entities (市场主体), one state row per entity version.",
    columns=(
        Column("uscc", "string", "Unified social credit code (统一社会信用代码)", required=True),
        Column("name", "string", "Registered name (名称)", required=True),
        Column(
            "entity_type",
            "string",
            "Company or sole trader (企业/个体工商户)",
            required=True,
            codes=ENTITY_TYPES,
        ),
        Column(
            "industry_code", "string", "Line of business (行业)", required=True,
            codes=INDUSTRY_CODES,
        ),
        Column(
            "county_code", "string", "County of registration", required=True,
            codes=county_codes(),
        ),
        Column(
            "town_code", "string", "Town/subdistrict of the premises", required=True,
            codes=town_codes(),
        ),
        Column("address", "string", "Address of the premises (住所/经营场所)"),
        Column(
            "latitude",
            "float",
            "Latitude of the premises (WGS-84); empty when not geocoded",
            minimum=LATITUDE_RANGE[0],
            maximum=LATITUDE_RANGE[1],
        ),
        Column(
            "longitude",
            "float",
            "Longitude of the premises (WGS-84); empty when not geocoded",
            minimum=LONGITUDE_RANGE[0],
            maximum=LONGITUDE_RANGE[1],
        ),
        Column(
            "legal_rep_name", "string",
            "Legal representative or operator (法定代表人/经营者; personal data)",
        ),
        Column("legal_rep_id_no", "string", "Resident ID number of the legal rep (personal data)"),
        Column("phone", "string", "Contact mobile phone (personal data)"),
        Column("registered_date", "date", "Day of establishment (成立日期)", required=True),
        Column(
            "status", "string", "Registration status (登记状态)", required=True,
            codes=ENTITY_STATUSES,
        ),
        Column(
            "status_date", "date", "Day the current status began (状态变更日期)", required=True
        ),
        Column(
            "is_key_supervision", "bool", "Under key supervision (重点监管对象)", required=True
        ),
        Column(
            "updated_at", "timestamp", "Time this state of the entity was recorded",
            required=True,
        ),
    ),
    key=("uscc",),
    version_column="updated_at",
    rows_every_day=False,  # a register: rows on the days entities change
    date_orders=(DateOrder("registered_date", "status_date"),),
    formats=("csv",),
)

CREDIT_RATINGS = TableContract(
    system=SYSTEM,
    entity="credit_ratings",
    description="Monthly credit-risk class of each registered entity (企业信用风险分类).",
    columns=(
        Column("uscc", "string", "Unified social credit code of the rated entity", required=True),
        Column(
            "rating_month", "date", "Month rated, as its first day (评价月份)", required=True
        ),
        Column(
            "credit_class", "string", "Credit-risk class, A best to D worst (信用风险等级)",
            required=True, codes=CREDIT_CLASSES,
        ),
        Column(
            "score", "int", "Credit score behind the class (信用评分)", required=True,
            minimum=0, maximum=100,
        ),
        Column("rated_at", "timestamp", "Time the classification run rated it", required=True),
        Column(
            "updated_at", "timestamp", "Time this rating row was recorded", required=True
        ),
    ),
    key=("uscc", "rating_month"),
    version_column="updated_at",
    rows_every_day=False,  # monthly ratings arrive on the first days of the next month
    formats=("csv",),
)

CONTRACTS = (ENTITIES, CREDIT_RATINGS)
