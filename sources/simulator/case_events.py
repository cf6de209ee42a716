"""办案环节: the procedural stages of each case, their times, and the event log exported.

A general-procedure case is filed, investigated, possibly extended past the 90-day limit with
approval, reviewed by the legal section (法制审核), notified to the party (告知), rarely heard
(听证), decided, served (送达), executed (the fine paid, 执行/缴款) and closed. A simple-procedure
case (当场处罚) is decided, served and often paid on the spot. The enforcement generator fixes
the days of filing, extension, decision, service, payment and closing (they are case fields);
this module places the stages in between, gives every stage a time of day so the stages of a
case are strictly in order, and writes the log. The case's state rows reuse these times, so a
case is ``DECIDED`` at exactly the time its ``DECIDED`` stage was logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import polars as pl

from sources.simulator import grid_events as fx
from sources.simulator import sampling
from sources.simulator.items import item_index
from sources.simulator.organisation import PARK_TEAM, build_teams
from sources.simulator.world import World
from sources.systems.enforcement import CASE_EVENTS, STAGES

DAY = 86_400
S = {name: i for i, name in enumerate(STAGES)}
DECISIONS = ("PENALTY", "NO_PENALTY", "FIRST_WAIVER", "NOT_ESTABLISHED")
PENALTY, NOT_ESTABLISHED = 0, 3
REVIEW_TIERS = ("NONE", "COUNTY", "CITY", "COLLECTIVE")
LATE_SYNC_SHARE = 0.02  # stages a county's case system syncs 1-3 days late
Columns = dict[str, np.ndarray]


def labels(vocabulary: Sequence[str], index: np.ndarray) -> pl.Series:
    """Codes by index as a polars column (much faster than from a numpy string array)."""
    return pl.Series(list(vocabulary), dtype=pl.String).gather(np.asarray(index, np.int64))


def strings(values: np.ndarray | list[str | None]) -> pl.Series:
    """Text with nulls as a polars column (polars cannot infer it from a leading None)."""
    return pl.Series(np.asarray(values, dtype=object).tolist(), dtype=pl.String)


def stage_days(rng: np.random.Generator, cases: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(days, present): the epoch day of each stage of each case, in stage order."""
    n = len(cases["filed"])
    filed = cases["filed"] // DAY
    span = cases["to_decision"]
    decided = filed + span
    general, penalty = ~cases["simple"], cases["decision"] == PENALTY
    extended = cases["extended"]
    investigated = filed + np.maximum(1, np.round(span * rng.uniform(0.25, 0.55, n)))
    investigated = np.where(extended, np.minimum(investigated, filed + cases["ext_off"]),
                            investigated)
    notice = filed + np.round(span * rng.uniform(0.75, 0.92, n))
    hearing = notice + np.ceil((decided - notice) * rng.uniform(0.3, 0.8, n))
    days = np.stack([
        filed, investigated, filed + cases["ext_off"],
        filed + np.round(span * rng.uniform(0.6, 0.8, n)), notice, hearing, decided,
        decided + cases["served_off"], decided + cases["paid_off"],
        decided + cases["to_closing"],
    ], axis=1).astype(np.int64)
    present = np.stack([
        np.ones(n, dtype=bool), general, extended, general & (cases["review"] > 0),
        general & penalty, cases["hearing"], np.ones(n, dtype=bool),
        cases["decision"] != NOT_ESTABLISHED, cases["paid"], np.ones(n, dtype=bool),
    ], axis=1)
    # every stage on or after the one before it (a safety net: the draws already are)
    days = np.maximum.accumulate(np.where(present, days, -1), axis=1)
    return np.where(present, days, -1), present


def stage_times(rng: np.random.Generator, cases: Columns, days: np.ndarray,
                present: np.ndarray) -> np.ndarray:
    """Epoch seconds of each stage: office hours, at least a minute after the stage before
    (filing keeps the case's own time)."""
    n, k = days.shape
    seconds = np.sort(rng.integers(sampling.DAY_START, sampling.DAY_END, (n, k)), axis=1)
    times = days * DAY + seconds
    times[:, 0] = cases["filed"]
    gap = 60 * np.arange(k)
    shifted = np.maximum.accumulate(np.where(present, times - gap, np.iinfo(np.int64).min),
                                    axis=1)
    return np.where(present, shifted + gap, -1)


def hearings(rng: np.random.Generator, cases: Columns) -> np.ndarray:
    """A party facing a large fine (较大数额罚款) may ask for a hearing; few do."""
    large = ~cases["simple"] & (cases["decision"] == PENALTY) & (cases["fine"] >= 10_000)
    return large & (rng.random(len(large)) < 0.08)


# --- the log ---------------------------------------------------------------------------------

POST_OF_STAGE = {
    "FILED": "SECTION_CHIEF", "INVESTIGATED": "OFFICER", "EXTENDED": "DIRECTOR",
    "LEGAL_REVIEW": "LEGAL_REVIEWER", "NOTICE": "OFFICER", "HEARING": "SECTION_CHIEF",
    "DECIDED": "DEPUTY_DIRECTOR", "SERVED": "OFFICER", "EXECUTED": "OFFICER",
    "CLOSED": "SECTION_CHIEF",
}
NOTES = (
    None, "当场处罚", "经负责人批准延长办案期限", "法制审核：县级", "法制审核：市级",
    "法制审核：集体讨论决定", "送达行政处罚事先告知书", "当事人申请听证，依法举行听证",
    "作出罚款决定", "不予行政处罚", "首次违法且危害后果轻微，不予处罚", "违法事实不成立，撤销立案",
    "直接送达", "邮寄送达", "当场缴纳罚款", "通过银行缴纳罚款", "经法院强制执行缴纳",
    "执行完毕，结案", "终结执行，结案", "不予处罚，结案",
)
NOTE = {text: i for i, text in enumerate(NOTES)}


def note_indices(rng: np.random.Generator, cases: Columns) -> np.ndarray:
    """(cases, stages) indices into ``NOTES``: what the officer typed at each stage."""
    n = len(cases["filed"])
    notes = np.zeros((n, len(STAGES)), dtype=np.int64)
    simple, decision = cases["simple"], cases["decision"]
    notes[:, S["FILED"]] = np.where(simple, NOTE["当场处罚"], 0)
    notes[:, S["EXTENDED"]] = NOTE["经负责人批准延长办案期限"]
    notes[:, S["LEGAL_REVIEW"]] = NOTE["法制审核：县级"] - 1 + cases["review"]
    notes[:, S["NOTICE"]] = NOTE["送达行政处罚事先告知书"]
    notes[:, S["HEARING"]] = NOTE["当事人申请听证，依法举行听证"]
    notes[:, S["DECIDED"]] = NOTE["作出罚款决定"] + decision
    notes[:, S["SERVED"]] = np.where(simple | (rng.random(n) < 0.7), NOTE["直接送达"],
                                     NOTE["邮寄送达"])
    notes[:, S["EXECUTED"]] = np.where(
        cases["enforced"], NOTE["经法院强制执行缴纳"],
        np.where(simple & (cases["paid_off"] == 0), NOTE["当场缴纳罚款"],
                 NOTE["通过银行缴纳罚款"]))
    unpaid = (decision == PENALTY) & ~cases["paid"]
    notes[:, S["CLOSED"]] = np.where(decision == PENALTY, np.where(
        unpaid, NOTE["终结执行，结案"], NOTE["执行完毕，结案"]), NOTE["不予处罚，结案"])
    return notes


def _posts(cases: Columns) -> np.ndarray:
    """(cases, stages) indices into the organisation register's posts."""
    names = sorted(set(POST_OF_STAGE.values()))
    posts = np.tile(np.array([names.index(POST_OF_STAGE[s]) for s in STAGES]),
                    (len(cases["filed"]), 1))
    # on-the-spot cases are filed and decided by the officer who found the violation
    for stage in ("FILED", "DECIDED"):
        posts[cases["simple"], S[stage]] = names.index("OFFICER")
    posts[cases["review"] == REVIEW_TIERS.index("COLLECTIVE"), S["DECIDED"]] = names.index(
        "DIRECTOR")
    return posts


def event_frame(rng: np.random.Generator, world: World, cases: Columns, times: np.ndarray,
                present: np.ndarray, end_s: int, note_index: np.ndarray,
                notes: tuple[str | None, ...] = NOTES) -> pl.DataFrame:
    """The stage log up to ``end_s``: one row per stage, numbered in time order, exported
    when synced (a few minutes later, sometimes days). ``note_index`` points into ``notes``
    (``note_indices``, with scripted stories' own notes appended)."""
    posts = _posts(cases)
    case, stage = np.nonzero(present)  # row-major: per case, in stage (= time) order
    at = times[case, stage]
    seq = np.arange(len(case)) - np.searchsorted(case, case, side="left") + 1
    late = rng.random(len(at)) < LATE_SYNC_SHARE
    synced = at + np.where(late, rng.integers(DAY, 3 * DAY, len(at)),
                           rng.integers(5, 600, len(at)))
    keep = synced < end_s
    case, stage, at, seq, synced = (a[keep] for a in (case, stage, at, seq, synced))
    codes = world.departments.codes
    return pl.DataFrame({
        "case_no": strings(cases["case_no"]).gather(case),
        "seq": seq.astype(np.int64),
        "stage": labels(STAGES, stage),
        "event_at": fx.datetimes(at),
        "dept_code": labels(codes, cases["dept"][case]),
        "handler_post": labels(sorted(set(POST_OF_STAGE.values())), posts[case, stage]),
        "note": strings(list(notes)).gather(note_index[case, stage]),
        "updated_at": fx.datetimes(synced),
    }).select(CASE_EVENTS.column_names)


# --- what a case cites: the item applied, the team handling it, the legal review ------------

PARK_TOWNS = ("330824108", "330824109", "330824205", "330824208")  # 苏庄 齐溪 长虹 何田
_TEAMS: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, str, int]] = {}


def cite(rng: np.random.Generator, world: World, cases: Columns, progress: float) -> None:
    """Item (a penalty item of the department listed by the filing day; the comprehensive
    bureau also applies items moved to its list), handling team, and legal-review tier: none
    in simple procedure, else by fine size; before the reform some general cases skipped it."""
    n = len(cases["filed"])
    day = cases["filed"] // DAY
    cases["item"] = _items(rng, world, cases["dept"], day, progress)
    cases["team"] = _teams(world, cases["dept"], cases["town"], day)
    reviewed = ~cases["simple"] & (rng.random(n) >= 0.12 * (1 - progress))
    tier = np.select([cases["fine"] >= 50_000, cases["fine"] >= 10_000], [3, 2], 1)
    cases["review"] = np.where(reviewed, tier, 0).astype(np.int64)


def _items(rng: np.random.Generator, world: World, dept: np.ndarray, day: np.ndarray,
           progress: float) -> np.ndarray:
    codes, keys, starts, moved_codes, moved_days = _penalty_items(world.seed,
                                                                  world.departments.codes)
    n = len(dept)
    upto = np.searchsorted(keys, (dept.astype(np.int64) << 32) + day, side="right")
    own = starts[dept] + np.floor(rng.random(n) * (upto - starts[dept])).astype(np.int64)
    items = np.where(upto > starts[dept], codes[np.minimum(own, len(codes) - 1)], None)
    listed = np.searchsorted(moved_days, day, side="right")
    moved = ((dept == world.departments.index("ZHZF")) & (listed > 0)
             & (rng.random(n) < 0.15 + 0.25 * progress))
    pick = np.floor(rng.random(n) * listed).astype(np.int64)
    return np.where(moved, moved_codes[np.minimum(pick, len(moved_codes) - 1)], items)


@cache
def _penalty_items(seed: int, departments: tuple[str, ...]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Penalty items sorted by (department, listing day), each department's first position,
    and the other departments' items on the comprehensive list sorted by the day they moved."""
    index = item_index(seed)
    rows = [i for i, kind in enumerate(index.item_type) if kind == "PENALTY"]
    dept = np.array([departments.index(index.department[i]) for i in rows], dtype=np.int64)
    listed = np.array([index.listed[i].toordinal() - fx.EPOCH_DAY for i in rows])
    keys = (dept << 32) + listed
    order = np.argsort(keys, kind="stable")
    codes = np.array([index.code[i] for i in rows], dtype=object)
    starts = np.searchsorted(keys[order], np.arange(len(departments) + 1, dtype=np.int64) << 32)
    moved = [i for i in rows if index.comprehensive_from[i] is not None
             and index.department[i] != "ZHZF"]
    moved_day = np.array([index.comprehensive_from[i].toordinal() - fx.EPOCH_DAY
                          for i in moved], dtype=np.int64)
    by_day = np.argsort(moved_day, kind="stable")
    return (codes[order], keys[order], starts,
            np.array([index.code[i] for i in moved], dtype=object)[by_day], moved_day[by_day])


def _teams(world: World, dept: np.ndarray, town: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The county's team of the department on the day (a merged team's successor after the
    merge); in the national-park towns the park team takes comprehensive cases once founded."""
    team, until, successor, park, founded = _team_table(world)
    county = world.geo.town_county[town]
    current = np.where(day >= until[county, dept], successor[county, dept], team[county, dept])
    towns = np.array([world.geo.town_codes.index(t) for t in PARK_TOWNS])
    in_park = (np.isin(town, towns) & (dept == world.departments.index("ZHZF"))
               & (day >= founded))
    return np.where(in_park, park, current)


def _team_table(world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, int]:
    """(county, department) -> team, last day + 1, successor; the park team and its day."""
    if world.seed not in _TEAMS:
        geo, codes = world.geo, world.departments.codes
        shape = (len(geo.county_codes), len(codes))
        team = np.full(shape, None, dtype=object)
        successor = np.full(shape, None, dtype=object)
        until = np.full(shape, np.iinfo(np.int64).max)
        teams = build_teams(world)
        for t in teams:
            if t.area in geo.county_codes and t.team_id.endswith("01"):
                at = geo.county_codes.index(t.area), codes.index(t.dept)
                team[at], successor[at] = t.team_id, t.successor
                if t.valid_to is not None:
                    until[at] = t.valid_to.toordinal() - fx.EPOCH_DAY
        park = next(t for t in teams if t.name == PARK_TEAM[1])
        _TEAMS[world.seed] = (team, until, successor, park.team_id,
                              park.valid_from.toordinal() - fx.EPOCH_DAY)
    return _TEAMS[world.seed]


def park_team_id(world: World) -> str:
    """The team_id of 开化县“环国家公园”综合行政执法队 in the organisation register."""
    return _team_table(world)[3]
