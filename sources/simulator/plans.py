"""检查计划: the plan register of 综合查一次, and the plan each planned task belongs to.

The register is built once per seed, from ``FIRST_YEAR`` to ``LAST_YEAR`` and independent of
the scale and of the run's range (a demo run inspects a hundredth of what a plan targets, but
the city drafts the same plans). Four kinds:

- FIXED (固定计划): a yearly plan of every county and department, drafted and approved in
  December; after the reform the 1+5 teams' plans name the departments they visit with.
- RANDOM (双随机): a monthly 双随机、一公开 draw of each county, led by market supervision with
  every other department taking part, approved before the month begins.
- SUPERIOR (上级部署): city-wide campaigns that follow each other through the year (the
  festival safety check, food safety, the flood season in June and July, waste, winter fire
  and gas safety), so a campaign is always running.
- DYNAMIC (线上动态计划): launched on the platform from a pattern of warnings, complaints or
  drone findings, or on a superior's instruction; a few a year before the reform, then a
  dozen a month, so that about 180 are approved by the figure date (the seed's "170+").

A plan moves DRAFT → APPROVED → RUNNING (on its first day) → FINISHED (a few working days
after its window), each state a new row on the day it happens; ``histories`` exports them
like the other registers (a snapshot on the run's first day, then the day's changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from sources import reference
from sources.simulator.checklists import ItemPicker, item_picker
from sources.simulator.formats import Row
from sources.simulator.histories import History, export_histories, office_second, working_day
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.world import Stream, World

KINDS = ("FIXED", "DYNAMIC", "RANDOM", "SUPERIOR")
FIXED, DYNAMIC, RANDOM, SUPERIOR = range(4)
FIRST_YEAR, LAST_YEAR = 2019, 2025  # plan windows lie in these years
CITY_CODE = "330800"
RANDOM_LEAD = "SCJG"  # market supervision runs the 双随机 platform
JOINT_FIXED_FROM = 2021  # fixed plans of the 1+5 teams name partners from the reform on
DYNAMIC_BEFORE, DYNAMIC_AFTER = 0.5, 14.0  # dynamic plans a month, before and after
MEMBER_BONUS = 4.0  # a task prefers a plan its lead department takes part in
# (first month, first day, title, lead, partners): consecutive campaigns of a year.
CAMPAIGNS = (
    (1, 1, "春节前后安全生产大检查", "YJGL", ("ZHZF", "SCJG", "JTYS")),
    (3, 1, "食品安全守护专项行动", "SCJG", ("WSJK", "ZHZF")),
    (6, 1, "汛期安全隐患排查专项检查", "YJGL", ("SLJ", "ZJJS", "ZRZY")),
    (8, 1, "生态环境执法清废专项行动", "STHJ", ("ZHZF", "SLJ")),
    (10, 1, "秋冬季消防和燃气安全专项检查", "YJGL", ("ZJJS", "SCJG", "GAJ")),
)
# (trigger, title, lead, partners) of dynamic plans.
THEMES = (
    ("WARNING", "餐饮油烟在线监测预警联合检查", "ZHZF", ("STHJ", "SCJG")),
    ("WARNING", "建筑工地扬尘在线监测预警专项检查", "ZJJS", ("ZHZF", "STHJ")),
    ("WARNING", "重点排污单位在线监测超标预警检查", "STHJ", ("ZHZF",)),
    ("WARNING", "危险化学品企业安全风险预警检查", "YJGL", ("STHJ", "GAJ")),
    ("WARNING", "河道水质异常预警联合排查", "STHJ", ("SLJ", "NYNC")),
    ("COMPLAINT", "噪声扰民投诉集中整治联合检查", "ZHZF", ("STHJ", "GAJ")),
    ("COMPLAINT", "食品安全投诉举报联合检查", "SCJG", ("WSJK", "ZHZF")),
    ("COMPLAINT", "校外培训机构投诉专项检查", "JYJ", ("SCJG", "YJGL")),
    ("COMPLAINT", "医疗美容投诉联合检查", "WSJK", ("SCJG",)),
    ("COMPLAINT", "道路运输服务投诉专项检查", "JTYS", ("GAJ",)),
    ("DRONE", "无人机巡查发现违法建筑专项整治", "ZHZF", ("ZRZY", "ZJJS")),
    ("DRONE", "无人机巡查发现非法采砂联合执法", "ZRZY", ("SLJ", "GAJ")),
    ("DRONE", "无人机巡查发现河道排污口排查", "STHJ", ("SLJ",)),
    ("DRONE", "无人机巡查发现乱砍滥伐专项检查", "LYJ", ("ZRZY",)),
    ("SUPERIOR", "上级交办安全生产隐患排查", "YJGL", ("ZHZF", "STHJ")),
    ("SUPERIOR", "上级督办燃气安全专项检查", "ZJJS", ("YJGL", "SCJG")),
    ("SUPERIOR", "上级交办食品安全专项检查", "SCJG", ("WSJK",)),
)
TRIGGERS = ("WARNING", "COMPLAINT", "DRONE", "SUPERIOR")


@dataclass(frozen=True)
class Plan:
    """One plan as drafted, with the days of its states."""

    plan_id: str
    name: str
    kind: int
    trigger: str | None
    lead: int  # department index
    joint: tuple[int, ...]
    county: int  # county index, -1 for a city-wide plan
    target: int
    items: tuple[str, ...]
    drafted: date
    approved: date
    window: tuple[date, date]
    finished: date


@dataclass(frozen=True)
class PlanRegister:
    """Every plan of a seed, as columns for lookups, and as histories for the export."""

    plans: tuple[Plan, ...]
    plan_id: np.ndarray
    kind: np.ndarray
    county: np.ndarray
    target: np.ndarray
    approved: np.ndarray  # datetime64[D]
    start: np.ndarray
    end: np.ndarray
    members: np.ndarray  # (plans, departments) lead or partner
    fixed: np.ndarray  # (years, counties, departments) -> plan position
    random: np.ndarray  # (months, counties) -> plan position
    histories: tuple[History, ...]


_REGISTERS: dict[int, PlanRegister] = {}


def register(world: World) -> PlanRegister:
    """The plan register of the world's seed (built once, a fraction of a second)."""
    if world.seed not in _REGISTERS:
        _REGISTERS.clear()
        _REGISTERS[world.seed] = build_register(world)
    return _REGISTERS[world.seed]


def build_register(world: World) -> PlanRegister:
    """Draw every plan of the world's seed (``register`` keeps the result)."""
    rng = world.rng(Stream.PLANS, 0)
    picker = item_picker(world.seed, world.departments.codes)
    plans = [*_fixed_plans(rng, world, picker), *_random_plans(rng, world, picker),
             *_campaigns(rng, world, picker), *_dynamic_plans(rng, world, picker)]
    codes = world.departments.codes
    n_counties, n_years = len(world.geo.county_codes), LAST_YEAR - FIRST_YEAR + 1
    fixed = np.full((n_years, n_counties, len(codes)), -1)
    random = np.full((n_years * 12, n_counties), -1)
    members = np.zeros((len(plans), len(codes)), dtype=bool)
    for i, plan in enumerate(plans):
        members[i, [plan.lead, *plan.joint]] = True
        if plan.kind == FIXED:
            fixed[plan.window[0].year - FIRST_YEAR, plan.county, plan.lead] = i
        elif plan.kind == RANDOM:
            start = plan.window[0]
            random[(start.year - FIRST_YEAR) * 12 + start.month - 1, plan.county] = i

    def days(values: list[date]) -> np.ndarray:
        return np.array([d.isoformat() for d in values], dtype="datetime64[D]")

    return PlanRegister(
        plans=tuple(plans), plan_id=np.array([p.plan_id for p in plans]),
        kind=np.array([p.kind for p in plans]),
        county=np.array([p.county for p in plans]), target=np.array([p.target for p in plans]),
        approved=days([p.approved for p in plans]), start=days([p.window[0] for p in plans]),
        end=days([p.window[1] for p in plans]), members=members, fixed=fixed, random=random,
        histories=tuple(_history(rng, world, p) for p in plans),
    )


# --- the four kinds --------------------------------------------------------------------------


def _items(rng: np.random.Generator, picker: ItemPicker, depts: list[int], on: date,
           count: int) -> tuple[str, ...]:
    """``count`` inspection items of the departments (lead first) listed by ``on``."""
    dept = np.array([depts[i % len(depts)] for i in range(count)])
    day = np.full(count, np.datetime64(on.isoformat(), "D"))
    positions = picker.pick(dept, day, rng.random(count))
    return tuple(dict.fromkeys(picker.codes[positions].tolist()))


def _fixed_plans(rng: np.random.Generator, world: World, picker: ItemPicker) -> list[Plan]:
    """Every county's yearly plan of every department, approved in the December before."""
    codes, geo = world.departments.codes, world.geo
    names = {d.code: d.name_zh for d in reference.departments()}
    partners = _usual_partners(world)
    plans = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for county, county_code in enumerate(geo.county_codes):
            for lead, code in enumerate(codes):
                core = world.departments.base[lead] > 1.0
                joint = partners[lead] if core and (
                    year > JOINT_FIXED_FROM or (year == JOINT_FIXED_FROM and rng.random() < 0.5)
                ) else ()
                drafted = working_day(rng, date(year - 1, 12, 1), date(year - 1, 12, 10))
                approved = working_day(rng, date(year - 1, 12, 15), date(year - 1, 12, 28))
                base = 600.0 if core else 80.0
                plans.append(Plan(
                    plan_id=f"JH{year}{county_code}GD{code}",
                    name=f"{geo.county_names[county]}{names[code]}{year}年度"
                         f"{'联合' if joint else ''}行政检查计划",
                    kind=FIXED, trigger=None, lead=lead, joint=joint, county=county,
                    target=_target(rng, base * geo.county_intensity[county], 0.5),
                    items=_items(rng, picker, [lead, *joint], approved, int(rng.integers(2, 6))),
                    drafted=drafted, approved=approved,
                    window=(date(year, 1, 1), date(year, 12, 31)),
                    finished=working_day(rng, date(year + 1, 1, 2), date(year + 1, 1, 8))))
    return plans


def _usual_partners(world: World) -> list[tuple[int, ...]]:
    """Per department, the two departments inspecting the same trades most (same visits)."""
    affinity = world.departments.affinity
    overlap = affinity.T @ affinity
    np.fill_diagonal(overlap, 0.0)
    return [tuple(np.argsort(-row, kind="stable")[:2].tolist()) for row in overlap]


def _random_plans(rng: np.random.Generator, world: World, picker: ItemPicker) -> list[Plan]:
    """Each county's monthly 双随机 draw, approved in the last days of the month before."""
    codes, geo = world.departments.codes, world.geo
    lead = codes.index(RANDOM_LEAD)
    joint = tuple(d for d in range(len(codes)) if d != lead)
    plans = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            first = date(year, month, 1)
            last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            before = first - timedelta(days=1)
            for county, county_code in enumerate(geo.county_codes):
                drafted = working_day(rng, before - timedelta(days=12), before - timedelta(days=8))
                approved = min(working_day(rng, before - timedelta(days=6),
                                           before - timedelta(days=3)), before)
                plans.append(Plan(
                    plan_id=f"JH{year}{month:02d}{county_code}SS",
                    name=f"{geo.county_names[county]}{year}年{month}月“双随机、一公开”联合抽查计划",
                    kind=RANDOM, trigger=None, lead=lead, joint=joint, county=county,
                    target=_target(rng, 150.0 * geo.county_intensity[county], 0.4),
                    items=_items(rng, picker, [lead, *rng.permutation(joint)[:3].tolist()],
                                 approved, 4),
                    drafted=drafted, approved=approved, window=(first, last),
                    finished=working_day(rng, last + timedelta(days=1), last + timedelta(days=5))))
    return plans


def _campaigns(rng: np.random.Generator, world: World, picker: ItemPicker) -> list[Plan]:
    """The city's campaigns, back to back: on every day exactly one is running."""
    codes = world.departments.codes
    plans = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        starts = [date(year, m, d) for m, d, *_ in CAMPAIGNS] + [date(year + 1, 1, 1)]
        for k, (_, _, title, lead_code, partners) in enumerate(CAMPAIGNS):
            first, last = starts[k], starts[k + 1] - timedelta(days=1)
            lead, joint = codes.index(lead_code), tuple(codes.index(c) for c in partners)
            approved = first - timedelta(days=int(rng.integers(3, 8)))
            plans.append(Plan(
                plan_id=f"JH{year}{CITY_CODE}SJ{k + 1:02d}", name=f"衢州市{year}年{title}",
                kind=SUPERIOR, trigger=None, lead=lead, joint=joint, county=-1,
                target=_target(rng, 3000.0, 0.3),
                items=_items(rng, picker, [lead, *joint], approved, 2 + len(joint)),
                drafted=approved - timedelta(days=int(rng.integers(5, 12))), approved=approved,
                window=(first, last),
                finished=working_day(rng, last + timedelta(days=1), last + timedelta(days=5))))
    return plans


def dynamic_per_month(year: int, month: int) -> float:
    """Dynamic plans launched a month: a few a year before the reform, ~14 a month after."""
    progress = reform_progress(Month(year, month, ()))
    return DYNAMIC_BEFORE + (DYNAMIC_AFTER - DYNAMIC_BEFORE) * progress


def _dynamic_plans(rng: np.random.Generator, world: World, picker: ItemPicker) -> list[Plan]:
    """Dynamic plans: the count a month is the running total rounded down, so the number
    launched by any day is fixed by the calendar, whatever the seed."""
    plans: list[Plan] = []
    total = 0.0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            before = int(total)
            total += dynamic_per_month(year, month)
            progress = reform_progress(Month(year, month, ()))
            for k in range(int(total) - before):
                plans.append(_dynamic(rng, world, picker, year, month, k + 1, progress))
    return plans


def _dynamic(rng: np.random.Generator, world: World, picker: ItemPicker, year: int,
             month: int, number: int, progress: float) -> Plan:
    """One dynamic plan drafted in the month: drones and sensor warnings grow with the reform."""
    geo, codes = world.geo, world.departments.codes
    weights = np.array([0.15 + 0.25 * progress, 0.35, 0.02 + 0.23 * progress, 0.3])
    trigger = TRIGGERS[int(rng.choice(len(TRIGGERS), p=weights / weights.sum()))]
    themes = [t for t in THEMES if t[0] == trigger]
    _, title, lead_code, partners = themes[int(rng.integers(len(themes)))]
    lead, joint = codes.index(lead_code), tuple(codes.index(c) for c in partners)
    city_wide = rng.random() < (0.5 if trigger == "SUPERIOR" else 0.15)
    share = np.bincount(geo.town_county, weights=geo.town_weight)
    county = -1 if city_wide else int(rng.choice(len(share), p=share / share.sum()))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    drafted = working_day(rng, date(year, month, 1), last)
    approved = working_day(rng, drafted, drafted + timedelta(days=2))
    first = approved + timedelta(days=int(rng.integers(0, 4)))
    window = (first, first + timedelta(days=int(rng.integers(14, 46))))
    place = geo.county_names[county] if county >= 0 else "衢州市"
    area = geo.county_codes[county] if county >= 0 else CITY_CODE
    return Plan(
        plan_id=f"JH{year}{month:02d}{area}DT{number:03d}",
        name=f"{place}{title}（{year}年{month}月第{number}号）",
        kind=DYNAMIC, trigger=trigger, lead=lead, joint=joint, county=county,
        target=int(np.clip(_target(rng, 60.0, 0.8), 5, 2000)),
        items=_items(rng, picker, [lead, *joint], approved, 2 + len(joint)),
        drafted=drafted, approved=approved, window=window,
        finished=working_day(rng, window[1] + timedelta(days=1), window[1] + timedelta(days=5)))


def _target(rng: np.random.Generator, median: float, sigma: float) -> int:
    return max(1, int(round(median * rng.lognormal(0.0, sigma))))


# --- export ----------------------------------------------------------------------------------


def _history(rng: np.random.Generator, world: World, plan: Plan) -> History:
    codes, geo = world.departments.codes, world.geo
    state: Row = {
        "plan_id": plan.plan_id, "plan_name": plan.name, "plan_kind": KINDS[plan.kind],
        "trigger_type": plan.trigger, "lead_dept_code": codes[plan.lead],
        "joint_dept_codes": ";".join(codes[d] for d in plan.joint) or None,
        "item_codes": ";".join(plan.items),
        "county_code": geo.county_codes[plan.county] if plan.county >= 0 else None,
        "target_count": plan.target, "window_start": plan.window[0].isoformat(),
        "window_end": plan.window[1].isoformat(), "status": "DRAFT", "approved_date": None,
    }
    history = History(plan.plan_id, plan.drafted, office_second(rng), state)
    history.change(plan.approved, office_second(rng), status="APPROVED",
                   approved_date=plan.approved.isoformat())
    history.change(plan.window[0], office_second(rng), status="RUNNING")
    history.change(plan.finished, office_second(rng), status="FINISHED")
    return history


_EXPORTS: dict[tuple[int, date, date], dict[date, list[Row]]] = {}


def export_rows(world: World, start: date, end: date) -> dict[date, list[Row]]:
    """The register's rows per export day: a snapshot on ``start``, then each change."""
    key = (world.seed, start, end)
    if key not in _EXPORTS:
        _EXPORTS.clear()
        _EXPORTS[key] = export_histories(list(register(world).histories), start, end)
    return _EXPORTS[key]


def month_rows(world: World, month: Month, start: date, end: date) -> list[Row]:
    """The register's rows exported on the days of ``month``."""
    exported = export_rows(world, start, end)
    return [row for day in month.days for row in exported.get(day, [])]


def created_in(world: World, month: Month, start: date, end: date) -> int:
    """Plans first exported in ``month`` (drafted then, or in the start day's snapshot)."""
    seen: set[str] = set()
    created = 0
    for day, rows in sorted(export_rows(world, start, end).items()):
        for row in rows:
            key = str(row["plan_id"])
            if key not in seen:
                seen.add(key)
                created += day in month.days
    return created


# --- which plan a task belongs to ------------------------------------------------------------


def assign(plans: PlanRegister, rng: np.random.Generator, kind: np.ndarray, county: np.ndarray,
           lead: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(plan position or -1, plan kind) of each task of plan ``kind`` (-1: no plan).

    FIXED and RANDOM tasks belong to their county's plan of the year or month; DYNAMIC and
    SUPERIOR tasks to a plan running that day in their county or city-wide, approved by
    then, chosen by its daily target and preferring one the lead department takes part in.
    A DYNAMIC task with no such plan (rare before the reform) falls back to the FIXED plan.
    """
    plan = np.full(len(kind), -1)
    kind = kind.copy()
    for wanted in (DYNAMIC, SUPERIOR):
        rows = np.flatnonzero(kind == wanted)
        plan[rows] = _running(plans, rng, wanted, county[rows], lead[rows], day[rows])
        kind[rows[plan[rows] < 0]] = FIXED
    year = day.astype("datetime64[Y]").astype(np.int64) + 1970 - FIRST_YEAR
    month = year * 12 + day.astype("datetime64[M]").astype(np.int64) % 12
    fixed = np.flatnonzero((kind == FIXED) & (year >= 0) & (year < plans.fixed.shape[0]))
    plan[fixed] = plans.fixed[year[fixed], county[fixed], lead[fixed]]
    random = np.flatnonzero((kind == RANDOM) & (month >= 0) & (month < plans.random.shape[0]))
    plan[random] = plans.random[month[random], county[random]]
    return plan, kind


def _running(plans: PlanRegister, rng: np.random.Generator, kind: int, county: np.ndarray,
             lead: np.ndarray, day: np.ndarray) -> np.ndarray:
    if not len(day):
        return np.zeros(0, dtype=np.int64)
    near = np.flatnonzero((plans.kind == kind) & (plans.start <= day.max())
                          & (plans.end >= day.min()))
    if not len(near):
        return np.full(len(day), -1)
    d = day[:, None]
    ok = ((plans.approved[near] <= d) & (plans.start[near] <= d) & (plans.end[near] >= d)
          & ((plans.county[near] == -1) | (plans.county[near] == county[:, None])))
    daily = plans.target[near] / ((plans.end[near] - plans.start[near]).astype(np.int64) + 1)
    weight = ok * daily * (1.0 + MEMBER_BONUS * plans.members[near][:, lead].T)
    cumulative = np.cumsum(weight, axis=1)
    u = rng.random(len(day)) * cumulative[:, -1]
    chosen = np.minimum((u[:, None] >= cumulative).sum(axis=1), len(near) - 1)
    return np.where(ok.any(axis=1), near[chosen], -1)
