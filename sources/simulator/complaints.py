"""12345 hotline: one month of tickets, their state rows and event log, and the clues they raise.

About 400k tickets a year at full scale, each with about seven logged steps, so a month is
generated as numpy columns and handed over as typed polars frames, one per export day, which
``grid_events.write_frame`` writes. Volume follows the calendar (weekends and the Spring Festival
are quieter, summer brings noise and cooking fumes, the flood season waterlogging, the year's
end unpaid wages) and grows as other hotlines merge into 12345; urban 柯城区 calls more per
resident than mountainous 开化县. The reform shows as faster signing and closing, happier
callers and fewer repeat calls. A few tickets about businesses turn out to be violations and
are handed to case handling as clues (``handoffs.Clue`` with the ticket number as ``ref_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from sources import reference
from sources.simulator import grid_events as fx
from sources.simulator import grids as gl
from sources.simulator import report_handoffs as handoffs
from sources.simulator import sampling
from sources.simulator.city import INDUSTRIES, N_PEOPLE, STAFF_RESERVED
from sources.simulator.handoffs import SystemMonth
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.world import Stream, World
from sources.systems.complaints import DUE_HOURS, SIGN_LIMIT_HOURS, TICKET_EVENTS, TICKETS

TICKETS_PER_YEAR = 400_000
GROWTH_PER_YEAR = 0.08  # other hotlines merging into 12345 keep raising the volume
HOUR, DAY = 3600, 86_400
N_RESIDENTS = N_PEOPLE - STAFF_RESERVED
LATE_SYNC_SHARE = 0.03  # events a county sub-system delivers 1-3 days late
CHANNELS = ("PHONE", "WEB", "APP", "WECHAT", "LETTER")
CHANNEL_NAMES = ("电话", "网站", "浙里办APP", "微信", "来信")
PRIORITIES = ("URGENT", "GENERAL", "COMPLEX")
STAGES = ("RECEIVED", "DISPATCHED", "SIGNED", "HANDLED", "ANSWERED", "CLOSED", "REOPENED",
          "HANDLED", "ANSWERED", "CLOSED")
TYPES = ("RECEIVE", "DISPATCH", "RETURN", "SIGN", "EXTEND", "HANDLE", "ANSWER", "CLOSE",
         "REOPEN")
STAGE_TIMES = ("received", "dispatched", "signed", "handled", "answered", "closed", "reopened",
               "handled2", "answered2", "closed2")
# How much better or worse a county's departments keep 12345 deadlines than the city's.
COUNTY_OFFSET = {"330802": 0.02, "330803": -0.01, "330822": 0.0, "330824": -0.04,
                 "330825": 0.01, "330881": -0.02}


@dataclass(frozen=True)
class Category:
    """A kind of request: its share, season, departments, and the businesses it concerns."""

    code: str
    share: float
    season: str
    clue: float  # share handed to enforcement as a clue before the reform (0: not a violation)
    urgent: float
    complex: float
    depts: dict[str, float]
    industries: dict[str, float]
    phrases: tuple[str, ...]
    night: bool = False


CATEGORIES = (
    Category("NOISE", .12, "summer", .02, .05, .05, {"ZHZF": 3, "GAJ": 2, "STHJ": 1, "ZJJS": .5},
             {"LEISURE": 2, "CONSTRUCTION": 2, "CATERING": 1, "MANUFACTURING": 1},
             ("夜间施工噪声扰民", "广场舞音响声音过大", "商铺高音喇叭揽客噪声扰民"), night=True),
    Category("COOKING_FUMES", .05, "summer", .05, .03, .08, {"ZHZF": 3, "STHJ": 2, "SCJG": .5},
             {"CATERING": 1}, ("餐馆油烟直排影响居民", "烧烤摊油烟扰民"), night=True),
    Category("ILLEGAL_CONSTRUCTION", .06, "building", .06, .05, .30,
             {"ZHZF": 4, "ZRZY": 1.5, "ZJJS": 1.5},
             {"CONSTRUCTION": 2, "RETAIL": 1, "CATERING": 1, "AGRICULTURE": 1},
             ("有人违规搭建彩钢棚", "楼顶违法加盖房屋", "占用绿地违章建筑")),
    Category("ROAD_OCCUPATION", .05, "summer", .03, .05, .05, {"ZHZF": 5, "JTYS": .5, "GAJ": .5},
             {"RETAIL": 2, "CATERING": 2, "TRANSPORT": 1},
             ("商户占道经营影响通行", "流动摊贩占用人行道")),
    Category("FOOD_SAFETY", .05, "summer", .06, .10, .10, {"SCJG": 5, "WSJK": .5},
             {"CATERING": 3, "RETAIL": 2},
             ("购买的食品疑似过期变质", "餐馆卫生条件差疑似食品安全问题")),
    Category("ENVIRONMENT_POLLUTION", .06, "summer", .06, .10, .20,
             {"STHJ": 5, "ZHZF": 1, "SLJ": .5, "NYNC": .3},
             {"MANUFACTURING": 3, "CHEMICAL": 2, "CONSTRUCTION": 1, "MINING": 1},
             ("企业排放废气气味刺鼻", "河道有污水排放", "工地扬尘污染严重")),
    Category("PROPERTY", .12, "flat", 0, .03, .25, {"ZJJS": 5, "MZJ": .5}, {},
             ("物业服务不到位", "小区电梯长期故障无人维修", "物业费收费争议")),
    Category("TRAFFIC", .09, "flat", .01, .05, .05, {"JTYS": 4, "GAJ": 3}, {"TRANSPORT": 1},
             ("公交班次过少出行不便", "疑似非法营运车辆揽客", "路口信号灯设置不合理")),
    Category("CONSUMER_RIGHTS", .08, "flat", .04, .02, .20, {"SCJG": 5, "SWJ": .5, "WGLY": .5},
             {"RETAIL": 3, "SERVICES": 2, "EDUCATION": 1, "LEISURE": 1},
             ("商家拒绝退款", "预付卡商家闭店无法退费", "商品质量问题维权")),
    Category("WATERLOGGING", .02, "flood", 0, .40, .05, {"ZJJS": 3, "SLJ": 2, "ZHZF": 1}, {},
             ("路面积水严重无法通行", "暴雨后小区地下室进水")),
    Category("LABOUR", .06, "year_end", .03, .05, .35, {"RSJ": 5},
             {"MANUFACTURING": 2, "CONSTRUCTION": 3, "SERVICES": 1},
             ("工地拖欠农民工工资", "公司拖欠工资未发放")),
    Category("SANITATION", .06, "summer", .02, .03, .05, {"ZHZF": 4, "ZJJS": 1},
             {"CATERING": 1, "RETAIL": 1, "CONSTRUCTION": 1},
             ("垃圾清运不及时", "乱张贴小广告影响市容")),
    Category("PUBLIC_FACILITIES", .07, "flat", 0, .15, .05, {"ZJJS": 4, "JTYS": 1, "ZHZF": .5},
             {}, ("路灯损坏不亮", "窨井盖缺失存在安全隐患", "道路破损坑洼")),
    Category("HEALTH", .03, "flat", .04, .08, .15, {"WSJK": 4, "YBJ": 1}, {"MEDICAL": 1},
             ("诊所疑似非法行医", "医疗收费不合理")),
    Category("SAFETY_HAZARD", .03, "flat", .05, .25, .10, {"YJGL": 4, "ZHZF": 1, "GAJ": 1},
             {"CHEMICAL": 2, "MANUFACTURING": 2, "LEISURE": 1, "RETAIL": 1},
             ("电动车楼道充电存在火灾隐患", "违规存放液化气瓶", "消防通道被占用")),
    Category("OTHER", .05, "flat", 0, .02, .05,
             {"MZJ": 1, "JYJ": 1, "SWJ": 1, "WGLY": 1, "TYJ": .5, "ZHZF": 1}, {},
             ("咨询政策办理流程", "建议增设便民设施")),
)


def generate_month(world: World, month: Month, factor: float, end: date) -> SystemMonth:
    """Tickets received in ``month`` with every state row and step recorded up to ``end``."""
    rng = world.rng(Stream.COMPLAINTS, month.label)
    progress = reform_progress(month)
    tickets = _receive(rng, world, month, progress, factor)
    _timeline(rng, world, tickets, progress)
    end_s = fx.epoch_seconds(end) + DAY  # nothing recorded after the last day is exported
    rows = _state_rows(world, tickets, end_s)
    events = _events(rng, world, tickets, end_s)
    about_business = np.array([bool(c.industries) for c in CATEGORIES])[tickets["category"]]
    return SystemMonth(
        frames={TICKETS.table_name: fx.split_days(rows, TICKETS),
                TICKET_EVENTS.table_name: fx.split_days(events, TICKET_EVENTS)},
        records={TICKETS.table_name: len(tickets["received"]),
                 TICKET_EVENTS.table_name: events.height},
        clues=handoffs.complaint_clues(rng, world, tickets, end),
        triggers=handoffs.complaint_triggers(world, month.label, tickets, about_business,
                                             progress, end),
    )


def expected_tickets(month: Month, factor: float) -> float:
    """Yearly volume spread by day weights, the month's category mix and the growth trend."""
    mix = sum(c.share * gl.season(c.season)[month.month - 1] for c in CATEGORIES)
    return gl.expected_reports(month, TICKETS_PER_YEAR * factor, GROWTH_PER_YEAR) * mix


def _matrices(codes: tuple[str, ...], progress: float) -> dict[str, np.ndarray]:
    """Per category: priority, department and industry weights, and the clue share."""
    depts = gl.weight_matrix([c.depts for c in CATEGORIES], codes)
    industries = gl.weight_matrix([c.industries for c in CATEGORIES],
                                  tuple(i.code for i in INDUSTRIES)) + 1e-3
    enforceable = np.array([c.clue > 0 for c in CATEGORIES])
    depts[enforceable, codes.index("ZHZF")] *= 1.0 + 0.5 * progress  # items move to ZHZF
    priority = np.array([[c.urgent, 1 - c.urgent - c.complex, c.complex] for c in CATEGORIES])
    clue = np.array([c.clue for c in CATEGORIES]) * (0.7 + 0.5 * progress)
    return {"priority": priority, "depts": depts, "industries": industries, "clue": clue}


def _receive(rng: np.random.Generator, world: World, month: Month, progress: float,
             factor: float) -> dict[str, np.ndarray]:
    """Who called when, about what and where; repeat callers copy an earlier ticket."""
    n = int(rng.poisson(expected_tickets(month, factor)))
    day = gl.report_days(rng, month, n)
    mix = np.array([c.share * gl.season(c.season)[month.month - 1] for c in CATEGORIES])
    category = rng.choice(len(CATEGORIES), size=n, p=mix / mix.sum())
    evening = np.array([c.night for c in CATEGORIES])[category]
    received = fx.epoch_seconds(month.days[0]) + day * DAY + gl.report_seconds(
        rng, np.where(evening, "evening", "day"))
    order = np.argsort(received, kind="stable")
    tickets = {
        "received": received[order], "category": category[order],
        "town": gl.report_towns(rng, world, n),
        "person": rng.integers(0, N_RESIDENTS, n), "anonymous": rng.random(n) < 0.03,
        "stem": rng.integers(0, len(gl.PLACE_STEMS), n),
        "suffix": rng.integers(0, len(gl.PLACE_SUFFIXES), n), "phrase": rng.integers(0, 6, n),
        "no": np.array([f"QZ{month.yyyymm}{i:06d}" for i in range(1, n + 1)]),
    }
    _repeat_callers(rng, tickets, 0.09 - 0.04 * progress)
    layer = gl.build_grids(world)
    tickets["grid"] = gl.grid_of(layer, tickets["town"], rng)
    tickets["lat"], tickets["lon"] = gl.grid_points(layer, tickets["grid"], rng)
    channel_p = np.array([0.58 - 0.18 * progress, 0.10, 0.08 + 0.10 * progress,
                          0.20 + 0.08 * progress, 0.04])
    tickets["channel"] = rng.choice(len(CHANNELS), size=n, p=channel_p / channel_p.sum())
    matrix = _matrices(world.departments.codes, progress)
    tickets["priority"] = sampling.categorical(rng, matrix["priority"][tickets["category"]])
    tickets["dept"] = sampling.categorical(rng, matrix["depts"][tickets["category"]])
    first = sampling.categorical(rng, matrix["depts"][tickets["category"]])
    tickets["returned"] = rng.random(n) < 0.07 - 0.04 * progress  # 退单: wrong department
    tickets["first_dept"] = np.where(first == tickets["dept"],
                                     (first + 1) % len(world.departments.codes), first)
    tickets["clue"] = rng.random(n) < matrix["clue"][tickets["category"]]
    tickets["industry"] = sampling.categorical(rng, matrix["industries"][tickets["category"]])
    return tickets


def _repeat_callers(rng: np.random.Generator, tickets: dict[str, np.ndarray],
                    share: float) -> None:
    """A repeat call (重复诉求) is the same caller about the same matter, days later."""
    n = len(tickets["received"])
    index = np.arange(n)
    repeat = (rng.random(n) < share) & (index > 0)
    back = 1 + np.floor(rng.random(n) * np.minimum(index, 400)).astype(np.int64)
    root = np.where(repeat, index - back, index)
    for _ in range(16):  # pointer jumping: a repeat of a repeat goes back to the first call
        root = root[root]
    for name in ("category", "town", "person", "anonymous", "stem", "suffix", "phrase"):
        tickets[name] = tickets[name][root]
    tickets["repeat"] = root != index


def _timeline(rng: np.random.Generator, world: World, tickets: dict[str, np.ndarray],
              progress: float) -> None:
    """Epoch seconds of every step; the reform makes departments sign and close sooner."""
    n = len(tickets["received"])
    priority, received = tickets["priority"], tickets["received"]
    urgent = priority == PRIORITIES.index("URGENT")
    county = world.geo.town_county[tickets["town"]]
    offset = np.array([COUNTY_OFFSET[c] for c in world.geo.county_codes])[county]
    wait = np.clip(rng.lognormal(np.log(np.where(urgent, 0.6, 2.0) * HOUR), 0.9), 120, 36 * HOUR)
    first_dispatch = received + (wait * 0.5).astype(np.int64)
    returned_at = first_dispatch + rng.integers(HOUR, 20 * HOUR, n)
    dispatched = np.where(tickets["returned"], returned_at + rng.integers(600, 3 * HOUR, n),
                          received + wait.astype(np.int64))
    sign_limit = np.array([SIGN_LIMIT_HOURS[p] * HOUR for p in PRIORITIES])[priority]
    on_sign = rng.random(n) < np.clip(0.80 + 0.17 * progress + offset, 0.5, 0.995)
    signed = dispatched + np.maximum(1, np.where(
        on_sign, sign_limit * rng.uniform(0.02, 0.98, n) ** 1.8,
        sign_limit + rng.exponential(0.5 * sign_limit) + 60)).astype(np.int64)
    span = np.array([DUE_HOURS[p] * HOUR for p in PRIORITIES])[priority]
    due = received + span
    on_close = rng.random(n) < np.clip(0.84 + 0.13 * progress + offset, 0.5, 0.995)
    target = np.where(on_close, received + span * rng.uniform(0.25, 0.97, n),
                      due + rng.exponential(0.35 * span) + HOUR).astype(np.int64)
    closed = np.maximum(target, signed + np.where(urgent, HOUR, 3 * HOUR))
    handled = signed + ((closed - signed) * rng.uniform(0.35, 0.75, n)).astype(np.int64)
    answered = handled + ((closed - handled) * rng.uniform(0.2, 0.6, n)).astype(np.int64)
    quality = np.clip(0.75 + 0.15 * progress + np.where(closed <= due, 0.05, -0.2), 0.05, 0.98)
    sat = _ratings(rng, quality, 0.70 + 0.12 * progress)
    reopened = closed + rng.integers(2 * HOUR, 72 * HOUR, n)
    handled2 = reopened + rng.integers(DAY, 6 * DAY, n)
    answered2 = handled2 + rng.integers(HOUR, DAY, n)
    tickets.update(
        first_dispatch=first_dispatch, returned_at=returned_at, dispatched=dispatched,
        sign_due=dispatched + sign_limit, signed=signed, due=due, handled=handled,
        answered=answered, closed=closed, sat=sat,
        reopen=(sat > 0) & (sat <= 2) & (rng.random(n) < 0.5), reopened=reopened,
        handled2=handled2, answered2=answered2,
        closed2=answered2 + rng.integers(4 * HOUR, 2 * DAY, n),
        sat2=_ratings(rng, np.minimum(quality + 0.05, 0.98), 0.8),
        extend=(closed > due) & (priority == PRIORITIES.index("COMPLEX")) & (rng.random(n) < .5),
        extended=signed + ((handled - signed) * rng.uniform(0.2, 0.8, n)).astype(np.int64),
    )


def _ratings(rng: np.random.Generator, quality: np.ndarray, rated_share: float) -> np.ndarray:
    """1-5 at the return visit, 0 when the caller gave none; ``quality`` is P(4 or 5)."""
    probs = np.outer(1 - quality, [0.2, 0.3, 0.5, 0, 0]) + np.outer(quality, [0, 0, 0, .3, .7])
    score = sampling.categorical(rng, probs) + 1
    return np.where(rng.random(len(quality)) < rated_share, score, 0)


def _state_rows(world: World, tickets: dict[str, np.ndarray], end_s: int) -> pl.DataFrame:
    """One row per ticket and day its state changed: the state reached by that evening."""
    times = np.stack([tickets[name] for name in STAGE_TIMES], axis=1)
    present = np.ones(times.shape, dtype=bool)
    present[:, 6:] = tickets["reopen"][:, None]
    ticket, stage = fx.last_per_day(times, present, end_s)
    s = pl.col("_stage")

    def shown(name: str, first: list[int], second: list[int]) -> pl.Expr:
        return (pl.when(s.is_in(first)).then(pl.col(name)).when(s.is_in(second))
                .then(pl.col(f"_{name}2")).otherwise(None).alias(name))

    def since(name: str, first: int) -> pl.Expr:
        return pl.when(s >= first).then(pl.col(name)).otherwise(None).alias(name)

    frame = _ticket_frame(world, tickets)[ticket].with_columns(
        pl.Series("_stage", stage), pl.Series("status", np.array(STAGES)[stage]),
        fx.datetimes(times[ticket, stage]).alias("updated_at"))
    return frame.with_columns(
        since("dept_code", 1), since("dispatched_at", 1), since("sign_due_at", 1),
        since("signed_at", 2), shown("handled_at", [3, 4, 5], [7, 8, 9]),
        shown("answered_at", [4, 5], [8, 9]), shown("closed_at", [5], [9]),
        shown("satisfaction", [5], [9]), (pl.col("to_clue") & (s >= 3)).alias("to_clue"),
    ).select(TICKETS.column_names)


def _ticket_frame(world: World, tickets: dict[str, np.ndarray]) -> pl.DataFrame:
    """Every ticket's fields and both handling cycles' milestones (second ones as ``_*2``)."""
    geo = world.geo
    ratings = {name: pl.Series(tickets[key]).replace(0, None).cast(pl.Int64)
               for name, key in (("satisfaction", "sat"), ("_satisfaction2", "sat2"))}
    return pl.DataFrame({
        "ticket_no": tickets["no"],
        "channel": np.array(CHANNELS)[tickets["channel"]],
        "category": np.array([c.code for c in CATEGORIES])[tickets["category"]],
        "priority": np.array(PRIORITIES)[tickets["priority"]],
        "content": _contents(world, tickets),
        "county_code": np.array(geo.county_codes)[geo.town_county[tickets["town"]]],
        "town_code": np.array(geo.town_codes)[tickets["town"]],
        "grid_code": gl.build_grids(world).code[tickets["grid"]],
        "latitude": tickets["lat"], "longitude": tickets["lon"],
        "reporter_phone": pl.Series(sampling.nullable(world.people.phones(tickets["person"]),
                                                      ~tickets["anonymous"]), dtype=pl.String),
        "dept_code": np.array(world.departments.codes)[tickets["dept"]],
        **{f"{name}_at": fx.datetimes(tickets[name]) for name in (
            "received", "due", "dispatched", "sign_due", "signed", "handled", "answered",
            "closed")},
        **{f"_{name}_at2": fx.datetimes(tickets[f"{name}2"])
           for name in ("handled", "answered", "closed")},
        **ratings,
        "is_repeat": tickets["repeat"], "to_clue": tickets["clue"],
    })


def _contents(world: World, tickets: dict[str, np.ndarray]) -> list[str]:
    """Summaries such as 反映新新街道荷花小区夜间施工噪声扰民，请求处理。"""
    names = {p.code: p.name_zh for p in reference.towns()}
    towns = [names[code] for code in world.geo.town_codes]
    return [
        f"{'再次反映' if again else '反映'}{towns[t]}{gl.PLACE_STEMS[a]}{gl.PLACE_SUFFIXES[b]}"
        f"{CATEGORIES[c].phrases[p % len(CATEGORIES[c].phrases)]}，请求处理。"
        for again, t, a, b, c, p in zip(
            tickets["repeat"].tolist(), tickets["town"].tolist(), tickets["stem"].tolist(),
            tickets["suffix"].tolist(), tickets["category"].tolist(), tickets["phrase"].tolist(),
            strict=True)
    ]


def _note_vocabulary(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Every note a step can carry: a step's note is an index into this tuple."""
    names = {d.code: d.name_zh for d in reference.departments()}
    return (
        *(f"{name}受理" for name in CHANNEL_NAMES),
        *(f"派发至{names[code]}" for code in codes),
        *(f"{names[code]}申请退单：非本单位职责" for code in codes),
        "承办单位已签收", "情况复杂，申请延期办理", "已现场核实并处理", "已电话答复诉求人",
        "诉求人未评价，办结", *(f"回访满意度{k}分，办结" for k in range(1, 6)),
        "诉求人不满意，重新交办",
    )


def _events(rng: np.random.Generator, world: World, tickets: dict[str, np.ndarray],
            end_s: int) -> pl.DataFrame:
    """The step log: one row per step, numbered in time order, exported when synced."""
    codes = world.departments.codes
    n_depts, n = len(codes), len(tickets["received"])
    fixed = {"SIGN": 5 + 2 * n_depts, "EXTEND": 6 + 2 * n_depts, "HANDLE": 7 + 2 * n_depts,
             "ANSWER": 8 + 2 * n_depts, "CLOSE": 9 + 2 * n_depts, "REOPEN": 15 + 2 * n_depts}
    every, none = np.ones(n, dtype=bool), np.full(n, -1)
    dept, first = tickets["dept"], tickets["first_dept"]
    returned, reopen = tickets["returned"], tickets["reopen"]
    steps = (  # (type, which tickets, time, acting department, note index)
        ("RECEIVE", every, "received", none, tickets["channel"]),
        ("DISPATCH", returned, "first_dispatch", first, 5 + first),
        ("RETURN", returned, "returned_at", first, 5 + n_depts + first),
        ("DISPATCH", every, "dispatched", dept, 5 + dept),
        ("SIGN", every, "signed", dept, None),
        ("EXTEND", tickets["extend"], "extended", dept, None),
        ("HANDLE", every, "handled", dept, None),
        ("ANSWER", every, "answered", dept, None),
        ("CLOSE", every, "closed", none, fixed["CLOSE"] + tickets["sat"]),
        ("REOPEN", reopen, "reopened", none, None),
        ("HANDLE", reopen, "handled2", dept, None),
        ("ANSWER", reopen, "answered2", dept, None),
        ("CLOSE", reopen, "closed2", none, fixed["CLOSE"] + tickets["sat2"]),
    )
    parts = []
    for kind, which, time, acting, note in steps:
        idx = np.flatnonzero(which)
        notes = np.full(len(idx), fixed.get(kind, 0)) if note is None else note[idx]
        parts.append((idx, np.full(len(idx), TYPES.index(kind)), tickets[time][idx],
                      acting[idx], notes))
    table = np.stack([np.concatenate(column) for column in zip(*parts, strict=True)])
    ticket, kind, at, acting, note = table[:, np.lexsort(table[[1, 2, 0]])]
    starts = np.searchsorted(ticket, ticket, side="left")
    seq = np.arange(len(ticket)) - starts + 1
    late = rng.random(len(at)) < LATE_SYNC_SHARE
    synced = at + np.where(late, rng.integers(DAY, 3 * DAY, len(at)), rng.integers(5, 120, len(at)))
    keep = synced < end_s
    return pl.DataFrame({
        "ticket_no": tickets["no"][ticket[keep]], "seq": seq[keep],
        "event_type": np.array(TYPES)[kind[keep]], "event_at": fx.datetimes(at[keep]),
        "dept_code": pl.Series([*codes, None], dtype=pl.String).gather(  # -1: the hotline
            acting[keep] % (n_depts + 1)),
        "note": pl.Series(_note_vocabulary(codes)).gather(note[keep]),
        "updated_at": fx.datetimes(synced[keep]),
    })
