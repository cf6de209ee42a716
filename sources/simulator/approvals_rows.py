"""The approval system's exports of one month, and the inspections its grants ask for.

Each table is built as if every record had run its course, then cut into state rows: one row
per record and day its state changed, showing only what was known that evening
(``grid_events.last_per_day``), and nothing recorded after the scenario's end.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from sources.simulator import approvals_flow as flow
from sources.simulator import grid_events as fx
from sources.simulator import market
from sources.simulator.case_events import labels
from sources.simulator.handoffs import Trigger
from sources.simulator.world import World
from sources.systems.approvals import APPLICATIONS, ITEMS, STEPS, SUPERVISION_CLAIMS

DAY = fx.DAY
APP_TIMES = ("applied", "accepted", "reviewing", "decided", "rated")
# Steps in their fixed order; an application has a prefix of them (a withdrawn one stops at
# REVIEW, a refused one at DECIDE, a grant of an unsupervised item at ISSUE).
STEP_ORDER = ("APPLY", "ACCEPT", "REVIEW", "DECIDE", "ISSUE", "PUSH")
POSTS = ("综合受理窗口受理员", "网办受理专员", "业务科室审查员", *flow.DECIDERS, "发证窗口",
         "证照管理员", "审管联动专员")  # 经办岗位: who handles a step, never a person's name


def application_rows(world: World, apps: dict[str, np.ndarray], end_s: int) -> pl.DataFrame:
    """One row per application and day its state changed, up to ``end_s``."""
    times = np.stack([apps[name] for name in APP_TIMES], axis=1)
    present = np.ones(times.shape, dtype=bool)
    present[:, 4] = apps["rates"]
    row, stage = fx.last_per_day(times, present, end_s)
    status = labels(("APPLIED", "ACCEPTED", "REVIEWING", *flow.RESULTS),
                   np.where(stage >= 3, 3 + apps["result"][row], np.minimum(stage, 2)))
    s = pl.col("_stage")

    def since(name: str, first: int) -> pl.Expr:
        return pl.when(s >= first).then(pl.col(name)).otherwise(None).alias(name)

    frame = _application_frame(world, apps)[row].with_columns(
        pl.Series("_stage", stage), status.alias("status"),
        fx.datetimes(times[row, stage]).alias("updated_at"))
    return frame.with_columns(
        since("accepted_at", 1), since("promised_date", 1), since("decided_at", 3),
        since("result", 3), since("certificate_no", 3), since("satisfaction", 4),
    ).select(APPLICATIONS.column_names)


def _application_frame(world: World, apps: dict[str, np.ndarray]) -> pl.DataFrame:
    """Every application's fields as if fully processed; the state rows blank the rest."""
    pool, geo = market.register(world).entities, world.geo
    entity, item = apps["entity"], apps["item"]
    granted = apps["result"] == flow.GRANTED
    county = labels(geo.county_codes, pool.county[entity])
    licence = labels([i.licence_prefix for i in ITEMS], item) + county + _text(apps["serial"])
    return pl.DataFrame({
        "application_id": _text(apps["id"]),
        "item_code": labels([i.code for i in ITEMS], item),
        "item_name": labels([i.name for i in ITEMS], item),
        "apply_type": _text(apps["apply_type"]),
        "applicant_uscc": _text(pool.uscc[entity]), "applicant_name": pool.names(entity),
        "county_code": county, "town_code": labels(geo.town_codes, pool.town[entity]),
        "dept_code": labels([i.approve_dept for i in ITEMS], item),
        "channel": labels(flow.CHANNELS, apps["channel"]),
        "applied_at": fx.datetimes(apps["applied"]),
        "accepted_at": fx.datetimes(apps["accepted"]),
        "promised_date": _dates(apps["promised_day"]),
        "decided_at": fx.datetimes(apps["decided"]),
        "result": labels(flow.RESULTS, apps["result"]),
        "certificate_no": licence,
        "satisfaction": pl.Series(np.where(apps["rates"], apps["satisfaction"], 0)).replace(
            0, None).cast(pl.Int64),
        "_granted": granted,
    }).with_columns(pl.when(pl.col("_granted")).then(pl.col("certificate_no")).otherwise(None)
                    .alias("certificate_no"))


def _text(values: np.ndarray) -> pl.Series:
    return pl.Series(values.tolist(), dtype=pl.String)


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(days, dtype=np.int64).astype("datetime64[D]")).cast(pl.Date)


def _steps(apps: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every step of every application: app, position, start, finish, handler post."""
    n, result = len(apps["applied"]), apps["result"]
    withdrawn, granted = result == flow.WITHDRAWN, result == flow.GRANTED
    window = apps["channel"] == flow.CHANNELS.index("WINDOW")
    review_end = np.where(withdrawn, apps["decided"], apps["review_end"])
    every = np.ones(n, dtype=bool)

    def post(name: str) -> np.ndarray:
        return np.full(n, POSTS.index(name) if name else -1)  # -1: the applicant

    steps = (  # which applications, started, finished, post
        (every, apps["applied"], apps["applied"], post("")),
        (every, apps["applied"], apps["accepted"],
         np.where(window, post("综合受理窗口受理员"), post("网办受理专员"))),
        (every, apps["reviewing"], review_end, post("业务科室审查员")),
        (~withdrawn, apps["review_end"], apps["decided"], POSTS.index(flow.DECIDERS[0])
         + apps["decider"]),
        (granted, apps["decided"], apps["issued"],
         np.where(apps["electronic"], post("证照管理员"), post("发证窗口"))),
        (apps["pushes"], apps["issued"], apps["pushed"], post("审管联动专员")),
    )
    parts = [(np.flatnonzero(which), np.full(which.sum(), seq), start[which], finish[which],
              post[which]) for seq, (which, start, finish, post) in enumerate(steps)]
    app, seq, started, finished, post = (np.concatenate(column) for column in zip(*parts,
                                                                                 strict=True))
    order = np.lexsort((seq, app))
    return {"app": app[order], "seq": seq[order], "started": started[order],
            "finished": finished[order], "post": post[order]}


def step_rows(world: World, apps: dict[str, np.ndarray], end_s: int) -> pl.DataFrame:
    """One row per step and day it started or finished, up to ``end_s``."""
    steps = _steps(apps)
    times = np.stack([steps["started"], steps["finished"]], axis=1)
    row, stage = fx.last_per_day(times, np.ones(times.shape, dtype=bool), end_s)
    codes = world.departments.codes
    dept = np.array([codes.index(i.approve_dept) for i in ITEMS])[apps["item"]]
    if not len(row):
        return fx.empty_frame(STEPS)
    app = steps["app"][row]
    return pl.DataFrame({
        "application_id": _text(apps["id"][app]),
        "step_seq": steps["seq"][row] + 1,
        "step_code": labels(STEP_ORDER, steps["seq"][row]),
        "dept_code": labels(codes, dept[app]),
        "handler_post": pl.Series([*POSTS, None], dtype=pl.String).gather(
            steps["post"][row] % (len(POSTS) + 1)),
        "started_at": fx.datetimes(steps["started"][row]),
        "finished_at": fx.datetimes(steps["finished"][row]),
        "updated_at": fx.datetimes(times[row, stage]),
        "_done": stage == 1,
    }).with_columns(pl.when(pl.col("_done")).then(pl.col("finished_at")).otherwise(None)
                    .alias("finished_at")).select(STEPS.column_names)


def steps_started(apps: dict[str, np.ndarray], end_s: int) -> int:
    """Steps begun by the end: the records the month adds to the step log."""
    return int((_steps(apps)["started"] < end_s).sum())


def claim_rows(world: World, apps: dict[str, np.ndarray], claims: dict[str, np.ndarray],
               end_s: int) -> pl.DataFrame:
    """One row per push and day its state changed, up to ``end_s``."""
    resolved = claims["returned"] | claims["claimed"]
    times = np.stack([claims["pushed"], np.where(resolved, claims["resolved"], 0)], axis=1)
    present = np.stack([np.ones(len(resolved), dtype=bool), resolved], axis=1)
    row, stage = fx.last_per_day(times, present, end_s)
    if not len(row):
        return fx.empty_frame(SUPERVISION_CLAIMS)
    app, codes = claims["app"][row], world.departments.codes
    item = apps["item"][app]
    resolved_at = fx.datetimes(claims["resolved"][row])
    return pl.DataFrame({
        "claim_id": "TS" + _text(apps["id"][app]) + labels(("00", "01", "02"),
                                                          claims["round"][row]),
        "application_id": _text(apps["id"][app]),
        "entity_uscc": _text(market.register(world).entities.uscc[apps["entity"][app]]),
        "item_code": labels([i.code for i in ITEMS], item),
        "approve_dept_code": labels([i.approve_dept for i in ITEMS], item),
        "supervise_dept_code": labels(codes, claims["dept"][row]),
        "pushed_at": fx.datetimes(claims["pushed"][row]),
        "claim_deadline": fx.datetimes(claims["deadline"][row]),
        "claimed_at": resolved_at, "returned_at": resolved_at,
        "first_inspection_due": _dates(np.maximum(claims["due"][row], 0)),
        "status": labels(("PUSHED", "CLAIMED", "RETURNED"), np.where(
            stage == 0, 0, np.where(claims["returned"][row], 2, 1))),
        "updated_at": fx.datetimes(times[row, stage]),
        "_due": claims["due"][row] >= 0,
    }).with_columns(
        pl.when(pl.col("status") == "CLAIMED").then(pl.col("claimed_at")).otherwise(None)
        .alias("claimed_at"),
        pl.when(pl.col("status") == "RETURNED").then(pl.col("returned_at")).otherwise(None)
        .alias("returned_at"),
        pl.when(pl.col("_due")).then(pl.col("first_inspection_due")).otherwise(None)
        .alias("first_inspection_due"),
    ).select(SUPERVISION_CLAIMS.column_names)


def triggers(apps: dict[str, np.ndarray], claims: dict[str, np.ndarray], end_s: int
             ) -> list[Trigger]:
    """A first post-licence inspection for every grant claimed by the end whose licence type
    requires one: raised the day it was claimed, due by the item's limit."""
    which = np.flatnonzero(claims["claimed"] & (claims["due"] >= 0)
                           & (claims["resolved"] < end_s))
    app = claims["app"][which]
    epoch = fx.EPOCH_DAY
    found = sorted(zip(claims["resolved"][which].tolist(), apps["id"][app].tolist(),
                       apps["entity"][app].tolist(), claims["dept"][which].tolist(),
                       claims["due"][which].tolist(), strict=True))
    return [Trigger(source="APPROVAL", ref_id=ref, entity=entity, dept=dept,
                    raised=date.fromordinal(epoch + at // DAY),
                    due=date.fromordinal(epoch + due))
            for at, ref, entity, dept, due in found]
