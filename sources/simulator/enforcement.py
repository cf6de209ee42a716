"""统一处罚办案: the clue centre, the cases of one month, their stages and state rows.

About 175k cases a year at full scale. Clues handed over by other systems (inspection, 12345,
drones, warnings, grid events) are assessed by the clue centre (``clues``) and about 80% are
filed as cases on the assessment day; random cases only make up the difference between the
yearly volume and those, with today's mix of sources (so as more systems hand clues over, fewer
cases are random). Each case cites a penalty item of its department's catalogue, is handled by
a team of the organisation register, and moves through its stages (``case_events``): it is
exported on its filing day and again on each day its state changed (extended, decided, fine
paid, closed); a row carries every field known by then and the latest state reached that day.
The scripted bamboo-theft case of 2022 (``clues.month_story``) is added whenever its day is
in range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from sources.simulator import case_events as ce
from sources.simulator import clues as cc
from sources.simulator import grid_events as fx
from sources.simulator import market, sampling
from sources.simulator.city import N_PEOPLE, STAFF_RESERVED
from sources.simulator.formats import Row
from sources.simulator.handoffs import Clue, Sanctioned, SystemMonth
from sources.simulator.timeline import Month, day_weight, expected_volume, reform_progress
from sources.simulator.world import Stream, World
from sources.systems.enforcement import ASSESSMENT_LIMIT_DAYS, CASE_EVENTS, CASES, CLUES

CASES_PER_YEAR = 175_000
DAY = 86_400
SOURCES = cc.SOURCES
BUSINESS_SHARE = np.array([1.0, 0.55, 0.35, 0.85, 0.8, 0.45, 0.5])  # party is a market entity
SIMPLE_SHARE = np.array([0.2, 0.45, 0.2, 0.15, 0.05, 0.6, 0.55])  # 简易程序, persons and traders
DECISIONS = ce.DECISIONS
NEXT_MONTH_BLOCK = 500_000  # numbers of cases filed early next month from this month's clues
# Handling departments by clue source (before industry affinity); ZHZF grows with the reform.
SOURCE_DEPTS = {
    "COMPLAINT": {"ZHZF": 3, "SCJG": 3, "STHJ": 1.5, "WSJK": 0.8, "JTYS": 0.8, "YJGL": 0.5,
                  "RSJ": 0.5, "WGLY": 0.3},
    "DRONE": {"ZHZF": 3, "STHJ": 2, "ZRZY": 2, "SLJ": 1, "LYJ": 0.8, "NYNC": 0.5, "ZJJS": 0.5},
    "WARNING": {"STHJ": 3, "ZHZF": 2, "YJGL": 2, "SLJ": 1, "SCJG": 0.5},
    "SUPERIOR": {"ZHZF": 1, "SCJG": 1, "STHJ": 1, "JTYS": 1, "WSJK": 1, "YJGL": 1},
    "GRID": {"ZHZF": 6, "SCJG": 1, "STHJ": 0.5, "ZJJS": 0.5, "NYNC": 0.3},
    "PATROL": {"ZHZF": 6, "SCJG": 1, "JTYS": 1, "STHJ": 0.5, "ZRZY": 0.5, "LYJ": 0.3},
}
STATE_STAGES = tuple(ce.S[s] for s in ("FILED", "EXTENDED", "DECIDED", "EXECUTED", "CLOSED"))


@dataclass(frozen=True)
class CaseMonth:
    """What oversight needs of the cases a month's generation filed, as columns.

    Days are epoch days (days since 1970-01-01), -1 where a day does not apply (no payment).
    ``dept`` and ``county`` index ``World.departments.codes`` and ``World.geo.county_codes``.
    The second group are the clues the clue centre left unassessed past the 15-day limit
    (oversight flags them as inaction): the record they came from and when.
    """

    case_no: np.ndarray
    dept: np.ndarray
    county: np.ndarray
    simple: np.ndarray
    decision: np.ndarray  # index into ``DECISIONS``
    fine: np.ndarray
    filed: np.ndarray
    decided: np.ndarray
    served: np.ndarray
    paid: np.ndarray
    closed: np.ndarray
    extended: np.ndarray
    enforced: np.ndarray  # fine unpaid past its deadline: compulsory execution
    slow_ref: np.ndarray  # task id, ticket number or clue id
    slow_object: np.ndarray  # TASK | COMPLAINT | CLUE
    slow_dept: np.ndarray
    slow_county: np.ndarray
    slow_received: np.ndarray
    slow_assessed: np.ndarray


def source_weights(month: Month, progress: float) -> np.ndarray:
    """Sources of random cases; drones arrive with the reform, floods raise warnings."""
    flood = 2.5 if month.is_flood_season else 1.0
    weights = np.array([0.0, 0.34, (0.02 + 0.13 * progress) * flood, 0.08 * flood, 0.05, 0.34,
                        0.2])
    return weights / weights.sum()


def dept_weights(world: World, progress: float) -> np.ndarray:
    """(source, department) weights; the comprehensive bureau's share rises with the reform."""
    codes = world.departments.codes
    table = np.full((len(SOURCES), len(codes)), 0.05)
    for row, source in enumerate(SOURCES):
        for code, weight in SOURCE_DEPTS.get(source, {}).items():
            table[row, codes.index(code)] += weight
    table[:, codes.index("ZHZF")] *= 1.0 + progress
    return table


def generate_month(world: World, month: Month, clues: list[Clue], per_year: float, end: date
                   ) -> tuple[SystemMonth, CaseMonth]:
    """Clues received and cases filed in ``month``, with every state row and stage up to
    ``end``; ``clues`` are those handed over this month, ``per_year`` the yearly cases.
    Returns the month's exports and what oversight needs of its cases."""
    rng = world.rng(Stream.ENFORCEMENT, month.label)
    crng = world.rng(Stream.CLUES, month.label)
    progress = reform_progress(month)
    end_s = fx.epoch_seconds(end) + DAY
    cases, received = _month_cases(rng, crng, world, month, clues, per_year, progress)
    cases["hearing"] = ce.hearings(crng, cases)
    days, present = ce.stage_days(crng, cases)
    times = ce.stage_times(crng, cases, days, present)
    notes = ce.note_indices(crng, cases)
    events = ce.event_frame(crng, world, cases, times, present, end_s, notes)
    parts = [Part(cases, received, days, times, present, events)]
    story = cc.month_story(world, month)
    if story is not None:  # fixed values, after the month's draws: they never shift them
        events = ce.event_frame(world.rng(Stream.STORIES, 2), world, story.case, story.times,
                                story.present, end_s, story.notes, cc.STORY_NOTES)
        parts.append(Part(story.case, story.clue, story.days, story.times, story.present,
                          events))
    exports = _exports(world, parts, end_s)
    exports.sanctioned = [_penalised(part.cases) for part in parts]
    return exports, _for_oversight(world, parts)


def _penalised(cases: cc.Columns) -> Sanctioned:
    """Businesses a penalty was decided against, on the decision day: it costs credit."""
    hit = cases["business"] & (cases["decision"] == ce.PENALTY)
    decided = cases["filed"][hit] // DAY + cases["to_decision"][hit]
    return Sanctioned("PENALTY", cases["entity"][hit], decided)


@dataclass(frozen=True)
class Part:
    """A batch of cases (the month's, or a scripted one) with its clues and stages."""

    cases: cc.Columns
    clues: cc.Columns
    days: np.ndarray  # (cases, stages) epoch days, -1 where a stage does not apply
    times: np.ndarray  # (cases, stages) epoch seconds
    present: np.ndarray
    events: pl.DataFrame


def _month_cases(rng: np.random.Generator, crng: np.random.Generator, world: World,
                 month: Month, clues: list[Clue], per_year: float, progress: float
                 ) -> tuple[cc.Columns, cc.Columns]:
    """The clue centre's month and the cases filed from it: handed-over clues assessed,
    random cases up to the month's volume, every case decided and cited, and the clues the
    bureau registered itself. Returns (cases, clues)."""
    handed = cc.handed_over(crng, world, month, clues, progress)
    filed = np.flatnonzero(handed["outcome"] == cc.FILED)
    flood = 1.1 if month.is_flood_season else 1.0
    wanted = rng.poisson(expected_volume(month.days, per_year, "reactive") * flood)
    cases = _file(rng, world, month, progress, handed, filed, max(0, wanted - len(filed)))
    _decide(rng, cases, progress)
    ce.cite(rng, world, cases, progress)
    local = cc.local(crng, month, cases, progress)
    behind = local["case"] >= 0
    cases["clue_id"][local["case"][behind]] = local["clue_id"][behind]
    received = cc.concat([handed, local])
    cc.link_merged(world, received, cases)
    return cases, received


def _exports(world: World, parts: list[Part], end_s: int) -> SystemMonth:
    """Case state rows (JSON Lines rows), clue state rows and stages (frames) up to
    ``end_s``, and the records the month created within the range."""
    cases = pl.concat([_state_rows(world, p.cases, p.times, p.present, end_s) for p in parts])
    clues = pl.concat([cc.state_rows(world, p.clues, p.cases["case_no"], end_s)
                       for p in parts])
    events = pl.concat([p.events for p in parts])
    return SystemMonth(
        rows={CASES.table_name: _rows(cases)},
        frames={CLUES.table_name: fx.split_days(clues, CLUES),
                CASE_EVENTS.table_name: fx.split_days(events, CASE_EVENTS)},
        records={CASES.table_name: sum(int((p.cases["filed"] < end_s).sum()) for p in parts),
                 CLUES.table_name: sum(len(p.clues["received"]) for p in parts),
                 CASE_EVENTS.table_name: events.height},
    )


def _file(rng: np.random.Generator, world: World, month: Month, progress: float,
          handed: cc.Columns, filed: np.ndarray, n_other: int) -> cc.Columns:
    """Cases from the filed clues and ``n_other`` random ones, in filing order, numbered."""
    weights = np.array([day_weight(d, "reactive") for d in month.days])
    filing = rng.choice(len(month.days), size=n_other, p=weights / weights.sum())
    first = fx.epoch_seconds(month.days[0]) // DAY
    clue_days = handed["assessed"][filed] // DAY - first
    _cover_all_days(filing, clue_days[clue_days < len(month.days)], len(month.days))
    cases = _parties(rng, world, month, progress, handed, filed, n_other)
    cases["filed"] = np.r_[handed["assessed"][filed] + rng.integers(60, 1_200, len(filed)),
                           (first + filing) * DAY + sampling.office_seconds(rng, n_other)]
    order = np.argsort(cases["filed"], kind="stable")
    cases = {name: values[order] for name, values in cases.items()}
    position = np.flatnonzero(order < len(filed))  # where each clue case went
    handed["case"][filed[order[position]]] = position
    cases["case_no"] = _numbers(month, cases["filed"] // DAY)
    return cases


def _numbers(month: Month, day: np.ndarray) -> np.ndarray:
    """AJ + filing month + sequence in filing order. Cases filed in a later month from this
    month's clues (assessed after the month's end) take a block of that month's numbers
    its own cases never reach: 500001.. one month later, 700001.. two months later."""
    filed_month = day.astype("datetime64[D]").astype("datetime64[M]")
    ahead = (filed_month - np.datetime64(f"{month.year:04d}-{month.month:02d}", "M")).astype(
        np.int64)
    seq = np.zeros(len(day), dtype=np.int64)
    for k in np.unique(ahead).tolist():
        rows = ahead == k
        base = 0 if k == 0 else NEXT_MONTH_BLOCK + (k - 1) * 200_000
        seq[rows] = base + np.arange(1, int(rows.sum()) + 1)
    yyyy_mm = np.datetime_as_string(filed_month, unit="M").tolist()
    return np.array([f"AJ{m[:4]}{m[5:]}{s:06d}" for m, s in zip(yyyy_mm, seq.tolist(),
                                                                  strict=True)], dtype=object)


def _cover_all_days(filing: np.ndarray, fixed: np.ndarray, n_days: int) -> None:
    """Move filings from the busiest days to days nobody filed on: every day has an export."""
    counts = np.bincount(filing, minlength=n_days) + np.bincount(fixed, minlength=n_days)
    movable = np.bincount(filing, minlength=n_days)
    for empty in np.flatnonzero(counts == 0):
        busiest = int(np.argmax(np.where(movable > 0, counts, 0)))
        if counts[busiest] < 2 or movable[busiest] == 0:
            return
        filing[np.flatnonzero(filing == busiest)[-1]] = empty
        for array in (counts, movable):
            array[busiest] -= 1
            array[empty] += 1


def _parties(rng: np.random.Generator, world: World, month: Month, progress: float,
             handed: cc.Columns, filed: np.ndarray, n_other: int) -> cc.Columns:
    """Source, party, place and department of each case (clue cases first). A handed-over
    clue names its entity, department and source; random cases draw them."""
    # Lookups go through the market register: a clue may name an entity registered after
    # the world's pool (a new business's first inspection); random parties come from the pool.
    pool, geo = market.register(world).entities, world.geo
    weight = world.entities.case_weight
    n_clues, n = len(filed), len(filed) + n_other
    source = np.r_[handed["source"][filed],
                   rng.choice(len(SOURCES), size=n_other, p=source_weights(month, progress))]
    business = rng.random(n) < BUSINESS_SHARE[source]
    business[:n_clues] = True
    entity = rng.choice(len(weight), size=n, p=weight / weight.sum())
    entity[:n_clues] = handed["entity"][filed]
    town = np.where(business, pool.town[entity],
                    rng.choice(len(geo.town_codes), size=n, p=geo.town_weight))
    person = rng.integers(0, N_PEOPLE - STAFF_RESERVED, n)
    person = np.where(business, pool.operator[entity], person)
    affinity = world.departments.affinity[pool.industry[entity]] / world.departments.base
    probs = dept_weights(world, progress)[source] * np.where(business[:, None],
                                                             np.sqrt(affinity), 1.0)
    dept = sampling.categorical(rng, probs)
    dept[:n_clues] = handed["dept"][filed]
    sole = business & pool.sole[entity]
    simple_p = SIMPLE_SHARE[source] * np.where(business & ~sole, 0.5, 1.0)
    random = np.arange(n) >= n_clues
    return {
        "source": source, "business": business, "sole": sole, "entity": entity,
        "town": town, "person": person, "dept": dept,
        "simple": rng.random(n) < simple_p, "random": random,
        "local_clue": random & (rng.random(n) < 0.85),  # else an on-the-spot case, no clue
        "phone": rng.random(n) < np.where(business & ~sole, 0.6, 0.9),
        "clue_id": np.r_[handed["clue_id"][filed], np.full(n_other, None, dtype=object)],
    }


def _decide(rng: np.random.Generator, cases: cc.Columns, progress: float) -> None:
    """Decision, fine, extension, and the days from filing to decision, to service, to
    payment and to closing."""
    n = len(cases["filed"])
    simple = cases["simple"]
    waiver = 0.06 + 0.05 * progress  # 首违不罚 lists spread during the reform
    probs = np.where(simple[:, None], [0.86, 0.04, waiver + 0.04, 0.0],
                     [0.82, 0.07, waiver, 0.04])
    decision = sampling.categorical(rng, probs)
    overdue = rng.random(n) < 0.09 - 0.05 * progress  # decided past the 90-day limit
    general_days = np.where(overdue, rng.integers(91, 181, n),
                            np.clip(np.round(rng.gamma(2.5, 14.0, n)), 3, 90))
    simple_days = np.where(rng.random(n) < 0.75, 0, rng.integers(1, 4, n))
    to_decision = np.where(simple, simple_days, general_days).astype(np.int64)
    paid_on_spot = simple & (rng.random(n) < 0.6)
    penalty = decision == 0
    close_days = np.where(penalty, rng.integers(5, 61, n), rng.integers(1, 11, n))
    close_days = np.where(simple, np.where(paid_on_spot, 0, rng.integers(1, 16, n)), close_days)
    enforced = penalty & ~simple & (rng.random(n) < 0.02)  # unpaid: compulsory execution
    to_closing = np.where(enforced, rng.integers(90, 366, n), close_days).astype(np.int64)
    fine = np.where(simple, np.clip(rng.lognormal(np.log(100), 0.45, n), 20, 200).round(-1),
                    np.clip(rng.lognormal(np.log(3000), 1.2, n), 200, 500_000).round(-2))
    # an approved extension: most late decisions before the reform had none, most after do
    asked = rng.random(n)
    extended = ~simple & (((to_decision > 90) & (asked < 0.45 + 0.4 * progress))
                          | ((to_decision > 75) & (to_decision <= 90) & (asked < 0.1)))
    ext_off = np.clip(np.minimum(to_decision - 1, 89) - rng.integers(0, 11, n), 60, 89)
    served = np.where(simple, 0, np.minimum(np.floor(rng.exponential(1.5, n)), 7))
    served = np.minimum(served, to_closing).astype(np.int64)
    window = np.minimum(to_closing - served, 15) + 1
    paid_off = np.where(simple, to_closing, served + np.floor(rng.random(n) * window))
    court = np.maximum(to_closing - rng.integers(0, 21, n), served + 16)
    paid = penalty & (~enforced | (rng.random(n) < 0.7))
    cases.update(
        decision=decision, fine=np.where(penalty, fine, 0.0), to_decision=to_decision,
        to_closing=to_closing, enforced=enforced, extended=extended,
        ext_off=np.where(extended, ext_off, -1), served_off=served,
        paid=paid, paid_off=np.where(paid, np.where(enforced, court, paid_off), -1).astype(
            np.int64),
    )


def _state_rows(world: World, cases: cc.Columns, times: np.ndarray, present: np.ndarray,
                end_s: int) -> pl.DataFrame:
    """One row per case and day on which its state changed, up to ``end_s``; each row at
    the time of the last stage reached that day (filed, extended, decided, paid, closed)."""
    row, k = fx.last_per_day(times[:, STATE_STAGES], present[:, STATE_STAGES], end_s)
    if not len(row):
        return fx.empty_frame(CASES)
    on = {name: pl.Series(flag) for name, flag in (
        ("extended", k >= 1), ("decided", k >= 2), ("paid", k >= 3), ("closed", k == 4))}
    stamp = times[row, np.array(STATE_STAGES)[k]]
    frame = _case_frame(world, cases)[row]

    def since(name: str, flag: str) -> pl.Expr:
        return pl.when(on[flag]).then(pl.col(name)).otherwise(None).alias(name)

    return frame.with_columns(
        ce.labels(("FILED", "DECIDED", "CLOSED"), (k >= 2).astype(int) + (k == 4)).alias(
            "case_status"),
        since("decided_date", "decided"), since("decision_type", "decided"),
        since("fine_amount", "decided"), since("review_tier", "decided"),
        since("closed_date", "closed"),
        pl.when(on["decided"] & pl.col("fine_paid").is_not_null())
        .then(pl.col("fine_paid") & on["paid"]).otherwise(None).alias("fine_paid"),
        since("paid_date", "paid"), (pl.col("extended") & on["extended"]).alias("extended"),
        fx.datetimes(stamp).alias("updated_at"),
    ).select(CASES.column_names)


def _case_frame(world: World, cases: cc.Columns) -> pl.DataFrame:
    """Every case's fields as if closed; ``_state_rows`` blanks what is not known yet."""
    pool, geo, people = market.register(world).entities, world.geo, world.people
    entity, person = cases["entity"], cases["person"]
    business, company = cases["business"], cases["business"] & ~cases["sole"]
    filed = cases["filed"] // DAY
    decided = filed + cases["to_decision"]
    penalty = cases["decision"] == 0

    def text(values: object, keep: np.ndarray) -> pl.Series:
        return ce.strings(np.where(keep, np.asarray(values, dtype=object), None))

    return pl.DataFrame({
        "case_no": ce.strings(cases["case_no"]),
        "clue_id": ce.strings(cases["clue_id"]),
        "clue_source": ce.labels(SOURCES, cases["source"]),
        "dept_code": ce.labels(world.departments.codes, cases["dept"]),
        "county_code": ce.labels(geo.county_codes, geo.town_county[cases["town"]]),
        "town_code": ce.labels(geo.town_codes, cases["town"]),
        "entity_uscc": text(pool.uscc[entity], business),
        "party_name": ce.strings(np.where(company, np.asarray(pool.names(entity), dtype=object),
                                          np.asarray(people.names(person), dtype=object))),
        "party_id_no": text(people.id_numbers(person), ~company),
        "party_phone": text(people.phones(person), cases["phone"]),
        "procedure": ce.labels(("GENERAL", "SIMPLE"), cases["simple"]),
        "filed_date": pl.Series(filed, dtype=pl.Int32).cast(pl.Date),
        "decided_date": pl.Series(decided, dtype=pl.Int32).cast(pl.Date),
        "closed_date": pl.Series(decided + cases["to_closing"], dtype=pl.Int32).cast(pl.Date),
        "decision_type": ce.labels(DECISIONS, cases["decision"]),
        "fine_amount": cases["fine"].astype(np.float64),
        "item_code": ce.strings(cases["item"]),
        "review_tier": ce.labels(ce.REVIEW_TIERS, cases["review"]),
        "fine_paid": cases["paid"],
        "paid_date": pl.Series(decided + cases["paid_off"], dtype=pl.Int32).cast(pl.Date),
        "extended": cases["extended"],
        "team_code": ce.strings(cases["team"]),
    }).with_columns(  # no fine, nothing to pay
        pl.when(pl.Series(penalty)).then(pl.col("fine_paid")).otherwise(None),
        pl.when(pl.Series(cases["paid"])).then(pl.col("paid_date")).otherwise(None),
    )


def _rows(frame: pl.DataFrame) -> list[Row]:
    """State rows as the row writer takes them: dates and timestamps as export text."""
    text = frame.with_columns(
        *(pl.col(c).dt.strftime("%Y-%m-%d") for c in ("filed_date", "decided_date",
                                                      "closed_date", "paid_date")),
        pl.col("updated_at").dt.strftime("%Y-%m-%d %H:%M:%S"),
    )
    return text.to_dicts()


def _for_oversight(world: World, parts: list[Part]) -> CaseMonth:
    """The month's cases and slow clues as oversight reads them."""
    S, geo = ce.S, world.geo
    objects = np.array(["TASK", "COMPLAINT"] + ["CLUE"] * (len(SOURCES) - 2))
    columns: dict[str, list[np.ndarray]] = {}
    for part in parts:
        cases, days, clues = part.cases, part.days, part.clues
        slow = (clues["assessed"] // DAY - clues["received"] // DAY) > ASSESSMENT_LIMIT_DAYS
        local = np.array([ref is None for ref in clues["ref"][slow]], dtype=bool)
        values = {
            "case_no": cases["case_no"], "dept": cases["dept"],
            "county": geo.town_county[cases["town"]], "simple": cases["simple"],
            "decision": cases["decision"], "fine": cases["fine"],
            "filed": days[:, S["FILED"]], "decided": days[:, S["DECIDED"]],
            "served": days[:, S["SERVED"]], "paid": days[:, S["EXECUTED"]],
            "closed": days[:, S["CLOSED"]], "extended": cases["extended"],
            "enforced": cases["enforced"],
            "slow_ref": np.where(local, clues["clue_id"][slow], clues["ref"][slow]),
            "slow_object": np.where(local, "CLUE", objects[clues["source"][slow]]),
            "slow_dept": clues["dept"][slow], "slow_county": geo.town_county[clues["town"][slow]],
            "slow_received": clues["received"][slow] // DAY,
            "slow_assessed": clues["assessed"][slow] // DAY,
        }
        for name, value in values.items():
            columns.setdefault(name, []).append(np.asarray(value))
    return CaseMonth(**{name: np.concatenate(arrays) for name, arrays in columns.items()})
