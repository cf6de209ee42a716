"""审批 + 审管联动: one month of licence applications, their steps, pushes and triggers.

About 300k applications a year at full scale, each with about five logged steps, so a month
is generated as numpy columns and handed over as typed polars frames, one per export day.
Demand follows the calendar (weekends and the Spring Festival are quiet; fireworks retail
licences come before the festival, felling licences in winter, building permits in spring
and autumn) and the market: a business that has just registered asks for its licences within
weeks, established ones renew or change theirs. Applicants are entities of the market
register of a matching industry, operating at the time.

The reform (2021) moves filing online and onto the 浙里办 app, speeds up acceptance and
decisions (more are decided well before the promised day), issues electronic licences and
pushes grants to their supervisor automatically, and makes supervisors claim them on time.
Every claimed grant whose licence type needs a first post-licence inspection asks the
supervising department to inspect the licensee (``handoffs.Trigger``, source ``APPROVAL``).

Submodules: ``approvals_flow`` (working days, processing, claims) and ``approvals_rows``
(the exported frames and the triggers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sources.simulator import approvals_flow as flow
from sources.simulator import approvals_rows as rows
from sources.simulator import grid_events as fx
from sources.simulator import grids, market, sampling
from sources.simulator.city import INDUSTRIES
from sources.simulator.handoffs import SystemMonth
from sources.simulator.timeline import Month, day_weight, expected_volume, reform_progress
from sources.simulator.world import Stream, World
from sources.systems.approvals import APPLICATIONS, ITEMS, STEPS, SUPERVISION_CLAIMS

APPLICATIONS_PER_YEAR = 300_000
GROWTH_PER_YEAR = 0.04  # the market grows, and so do its licences
DAY = fx.DAY
CHANNELS = flow.CHANNELS
# Windows keep office days (a few open on Saturday mornings); online filing never closes.
CHANNEL_DAYS = {"ONLINE": "reactive", "WINDOW": "planned", "MOBILE": "reactive"}
NEW_BUSINESS_DAYS = (2, 60)  # a new business applies 2-60 days after registering
ESTABLISHED_DAYS = 365  # renewals and changes come from entities at least a year old
ESTABLISHED_TYPES = (("RENEWAL", 0.55), ("CHANGE", 0.2), ("NEW", 0.25))
SEASONS = {  # relative volume by calendar month
    "flat": (1,) * 12,
    "building": (0.8, 0.7, 1.2, 1.2, 1.1, 0.9, 0.9, 0.9, 1.1, 1.2, 1.1, 0.9),
    "fireworks": (2.4, 0.8, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.6, 1.6, 3.0),
    "felling": (1.6, 1.0, 1.1, 0.8, 0.6, 0.6, 0.6, 0.6, 0.8, 1.2, 1.5, 1.8),
    "summer": (0.5, 0.5, 0.8, 1.2, 1.6, 1.8, 1.6, 1.0, 0.8, 0.6, 0.5, 0.5),
}


@dataclass(frozen=True)
class Demand:
    """How much a licence type is asked for: yearly weight, season and new-business share."""

    weight: float  # thousands a year before normalising to ``APPLICATIONS_PER_YEAR``
    season: str
    new_share: float  # share filed by businesses registered in the last weeks


DEMAND: dict[str, Demand] = {
    "XKSCJG001": Demand(16, "flat", .45), "XKSCJG002": Demand(2.5, "flat", .3),
    "XKSCJG003": Demand(6, "flat", .5), "XKSCJG004": Demand(3, "flat", .3),
    "XKSCJG005": Demand(1, "flat", .25), "XKSCJG006": Demand(20, "flat", .15),
    "XKSTHJ001": Demand(5, "flat", .2), "XKSTHJ002": Demand(3, "building", .3),
    "XKZJJS001": Demand(6, "flat", .4), "XKZJJS002": Demand(5, "building", .05),
    "XKZJJS003": Demand(3, "building", .05), "XKZJJS004": Demand(10, "flat", .4),
    "XKZJJS005": Demand(6, "building", .05), "XKZJJS006": Demand(.3, "flat", .2),
    "XKZJJS007": Demand(.8, "building", .02), "XKZRZY001": Demand(5, "building", .1),
    "XKZRZY002": Demand(1.5, "building", .1), "XKJTYS001": Demand(12, "flat", .4),
    "XKJTYS002": Demand(.3, "flat", .2), "XKJTYS003": Demand(62, "flat", .1),
    "XKJTYS004": Demand(6, "flat", .1), "XKJTYS005": Demand(45, "building", .02),
    "XKJTYS006": Demand(2, "building", .05), "XKYJGL001": Demand(1.5, "flat", .2),
    "XKYJGL002": Demand(3, "fireworks", .1), "XKYJGL003": Demand(.2, "flat", .05),
    "XKWSJK001": Demand(7, "flat", .5), "XKWSJK002": Demand(1.5, "flat", .3),
    "XKWSJK003": Demand(.5, "flat", .2), "XKSLJ001": Demand(2, "flat", .1),
    "XKSLJ002": Demand(1, "building", .05), "XKSLJ003": Demand(1.5, "building", .05),
    "XKLYJ001": Demand(22, "felling", .05), "XKLYJ002": Demand(1, "flat", .05),
    "XKNYNC001": Demand(1.5, "flat", .2), "XKNYNC002": Demand(1.5, "flat", .2),
    "XKWGLY001": Demand(.8, "flat", .3), "XKWGLY002": Demand(.4, "flat", .3),
    "XKGAJ001": Demand(2, "flat", .35), "XKJYJ001": Demand(.8, "flat", .3),
    "XKRSJ001": Demand(.5, "flat", .3), "XKTYJ001": Demand(.5, "summer", .2),
    "XKRFJ001": Demand(.5, "building", .05),
}


def generate_month(world: World, month: Month, factor: float, end: date) -> SystemMonth:
    """Applications filed in ``month`` with every state row, step, push and trigger up to
    ``end``; records still open at ``end`` stay open."""
    rng = world.rng(Stream.APPROVALS, month.label)
    progress = reform_progress(month)
    apps = _receive(rng, world, month, factor)
    flow.process(rng, apps, progress)
    claims = flow.claims(rng, world, apps, progress)
    end_s = fx.epoch_seconds(end) + DAY  # nothing recorded after the last day is exported
    applications = rows.application_rows(world, apps, end_s)
    steps = rows.step_rows(world, apps, end_s)
    pushes = rows.claim_rows(world, apps, claims, end_s)
    return SystemMonth(
        frames={APPLICATIONS.table_name: fx.split_days(applications, APPLICATIONS),
                STEPS.table_name: fx.split_days(steps, STEPS),
                SUPERVISION_CLAIMS.table_name: fx.split_days(pushes, SUPERVISION_CLAIMS)},
        records={APPLICATIONS.table_name: len(apps["applied"]),
                 STEPS.table_name: rows.steps_started(apps, end_s),
                 SUPERVISION_CLAIMS.table_name: int((claims["pushed"] < end_s).sum())},
        triggers=rows.triggers(apps, claims, end_s),
    )


def yearly_volumes() -> np.ndarray:
    """Applications a year per catalogue item at full scale (sums to the city's volume)."""
    weights = np.array([DEMAND[item.code].weight for item in ITEMS])
    return APPLICATIONS_PER_YEAR * weights / weights.sum()


def channel_shares(progress: float) -> np.ndarray:
    """Online, window, mobile: the reform moves filing from the window to 浙里办."""
    return np.array([0.30 + 0.10 * progress, 0.60 - 0.40 * progress, 0.10 + 0.30 * progress])


def expected_matrix(month: Month, factor: float) -> np.ndarray:
    """(items, channels) expected applications of the month: yearly volume, the item's season,
    the channel's share and the days the channel is busy."""
    season = np.array([_season(DEMAND[item.code].season)[month.month - 1] for item in ITEMS])
    trend = 1.0 + GROWTH_PER_YEAR * (month.year - 2021)
    days = np.array([expected_volume(month.days, 1.0, CHANNEL_DAYS[c]) for c in CHANNELS])
    shares = channel_shares(reform_progress(month)) * days
    return np.outer(yearly_volumes() * season * factor * trend, shares)


def expected_applications(month: Month, factor: float) -> float:
    return float(expected_matrix(month, factor).sum())


def _season(kind: str) -> np.ndarray:
    values = np.array(SEASONS[kind], dtype=float)
    return values / values.mean()


def _receive(rng: np.random.Generator, world: World, month: Month, factor: float
             ) -> dict[str, np.ndarray]:
    """Who filed what, when and how, in time order, with the application numbers."""
    counts = rng.poisson(expected_matrix(month, factor))
    cells = np.nonzero(counts)
    item, channel = (np.repeat(axis, counts[cells]) for axis in cells)
    first = fx.epoch_seconds(month.days[0]) // DAY
    day = np.zeros(len(item), dtype=np.int64)
    seconds = np.zeros(len(item), dtype=np.int64)
    for c, name in enumerate(CHANNELS):
        idx = np.flatnonzero(channel == c)
        weights = np.array([day_weight(d, CHANNEL_DAYS[name]) for d in month.days])
        day[idx] = rng.choice(len(month.days), size=len(idx), p=weights / weights.sum())
        seconds[idx] = (sampling.office_seconds(rng, len(idx)) if name == "WINDOW" else
                        grids.report_seconds(rng, np.full(len(idx), "day")))
    applied = (first + day) * DAY + seconds
    order = np.argsort(applied, kind="stable")
    apps = {"item": item[order], "channel": channel[order], "applied": applied[order]}
    _applicants(rng, world, month, apps)
    county = market.register(world).entities.county[apps["entity"]].tolist()
    codes = world.geo.county_codes  # 办件编号: county, month and serial, e.g. 330802202103000041
    serial = [f"{month.yyyymm}{i:06d}" for i in range(1, len(county) + 1)]
    apps["serial"] = np.array(serial, dtype="U12")
    apps["id"] = np.array([codes[c] + s for c, s in zip(county, serial, strict=True)],
                          dtype="U18")
    return apps


def _applicants(rng: np.random.Generator, world: World, month: Month,
                apps: dict[str, np.ndarray]) -> None:
    """An operating entity of a matching industry per application: a business registered in
    the last weeks for its new licences, an established one otherwise."""
    registered = market.register(world).registered.astype(np.int64)
    stock, newcomers, established = _candidates(world, month)
    n, day = len(apps["item"]), apps["applied"] // DAY
    apps["industry"] = _industries(rng, apps["item"], np.array([len(s) for s in stock]))
    wants_new = rng.random(n) < np.array([DEMAND[i.code].new_share for i in ITEMS])[apps["item"]]
    entity = np.full(n, -1, dtype=np.int64)
    for k in range(len(INDUSTRIES)):
        rows_k = np.flatnonzero(apps["industry"] == k)
        members, days = newcomers[k], registered[newcomers[k]]
        lo = np.searchsorted(days, day[rows_k] - NEW_BUSINESS_DAYS[1], "left")
        hi = np.searchsorted(days, day[rows_k] - NEW_BUSINESS_DAYS[0], "right")
        pick = lo + np.floor(rng.random(len(rows_k)) * (hi - lo)).astype(np.int64)
        new = wants_new[rows_k] & (hi > lo)
        entity[rows_k[new]] = members[pick[new]]
        old = rows_k[~new]
        if len(stock[k]):
            entity[old] = stock[k][rng.integers(0, len(stock[k]), len(old))]
    _fallback(rng, entity, established)
    kinds = np.array([kind for kind, _ in ESTABLISHED_TYPES])
    shares = np.array([share for _, share in ESTABLISHED_TYPES])
    is_new = registered[entity] > day - ESTABLISHED_DAYS
    apps["apply_type"] = np.where(is_new, "NEW", kinds[rng.choice(len(kinds), n, p=shares)])
    apps["entity"] = entity


def _candidates(world: World, month: Month
                ) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Per industry, the register's established operating entities and the businesses that
    registered in the weeks before or during the month (sorted by registration day), and
    the mask of all established ones. Status is that at the end of the previous month."""
    reg = market.register(world)
    first = fx.epoch_seconds(month.days[0]) // DAY
    registered = reg.registered.astype(np.int64)
    status = reg.status_at_month_end(month.label - 1)
    established = (status == market.OPERATING) & (registered <= first - ESTABLISHED_DAYS)
    recent = ((status == market.OPERATING) | (status == market.UNREGISTERED)) & (
        registered >= first - NEW_BUSINESS_DAYS[1]) & (
        registered <= first + len(month.days) - NEW_BUSINESS_DAYS[0])
    industry = reg.entities.industry
    stock = [np.flatnonzero(established & (industry == k)) for k in range(len(INDUSTRIES))]
    newcomers = []
    for k in range(len(INDUSTRIES)):
        members = np.flatnonzero(recent & (industry == k))
        newcomers.append(members[np.argsort(registered[members], kind="stable")])
    return stock, newcomers, established


def _industries(rng: np.random.Generator, item: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """The applicant's industry: one of the item's, in proportion to the entities in it."""
    codes = [i.code for i in INDUSTRIES]
    matrix = np.zeros((len(ITEMS), len(codes)))
    for row, spec in enumerate(ITEMS):
        for code in spec.industries:
            matrix[row, codes.index(code)] = stock[codes.index(code)]
    empty = matrix.sum(axis=1) == 0  # a tiny pool may lack an item's industries altogether
    matrix[empty] = stock
    return sampling.categorical(rng, matrix[item]) if len(item) else item


def _fallback(rng: np.random.Generator, entity: np.ndarray, established: np.ndarray) -> None:
    """Any established entity for the rare application whose industry had none."""
    missing = np.flatnonzero(entity < 0)
    if len(missing):
        anyone = np.flatnonzero(established)
        entity[missing] = anyone[rng.integers(0, len(anyone), len(missing))]
