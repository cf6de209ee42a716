"""运行监测预警: one month of early warnings, their state rows and what they hand on.

About 100k warnings a year at full scale (in 2021; the volume follows the register's IoT
roll-out, damped by the reform's threshold tuning), so a month is generated as numpy columns
and handed over as typed polars frames, one per export day. Only installed, online devices
raise warnings (``warnings_sensors.activity``); each kind fires in its season (river gauges in
the June-July flood season, far past their limits) and at its hours (cooking fumes at lunch
and dinner, outfalls at night, models in their nightly batch). The operation centre
dispatches each warning to a department; before the reform the centre kept office hours and
departments took days, after it dispatching takes minutes and handling hours.

About 30% of warnings are disposed of as INSPECTION: the department asks for an inspection of
the business concerned (``handoffs.Trigger``, raised on the dispatch day); a warning from a
public-space device concerns a business of the matching trade in its town (any of the
town's if it has none of that trade). About 3% are
CLUE: the department hands a clue to the clue centre 1-10 days after handling. The scripted
story's warning (``warnings_story``) is added on its day at every scale.

The register export is ``warnings_sensors.export_rows`` (a snapshot on the first export day,
then change rows), re-exported here as ``export_rows``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import numpy as np
import polars as pl

from sources.simulator import grid_events as fx
from sources.simulator import sampling
from sources.simulator import warnings_sensors as sensors
from sources.simulator import warnings_story as story
from sources.simulator.handoffs import Clue, SystemMonth, Trigger
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.warnings_kinds import (
    DISPOSALS,
    FLOOD_Z_SCALE,
    KIND_INDEX,
    KINDS,
    MODEL_KINDS,
    NIGHT_HOURS,
    NIGHT_NOISE_DROP,
    NOISE,
    SEVERITY_LEVELS,
    WATER,
    dept_matrix,
    disposal_matrix,
    hour_matrix,
    industry_matrix,
    severity_of,
)
from sources.simulator.world import Stream, World
from sources.systems.warnings import ALERTS

export_rows = sensors.export_rows  # the register's export, for the engine's REGISTERS

HOUR, DAY = 3600, 86_400
ID_LIMIT = 900_000  # regular serials of a month; the story's warning is numbered above
STAGE_TIMES = ("raised", "dispatched", "handled", "closed")
STATUSES = ("RAISED", "DISPATCHED", "HANDLED", "CLOSED")
SEVERITY_SPEED = np.array([1.4, 1.0, 0.6, 0.3])  # BLUE .. RED: red warnings go out first
HANDLING_HOURS = np.array([5.0, 10.0, 30.0, 36.0])  # median, by disposal, before the reform
STUCK_SHARE = (0.006, 0.0015)  # never handled, before and after the reform
INSPECT, CLUE = DISPOSALS.index("INSPECTION"), DISPOSALS.index("CLUE")
Columns = dict[str, np.ndarray]


def generate_month(world: World, month: Month, factor: float, end: date) -> SystemMonth:
    """Warnings raised on the days of ``month`` with every state row recorded up to ``end``,
    and the inspection triggers and clues they hand on up to ``end``."""
    reg = sensors.register(world)
    rng = world.rng(Stream.WARNINGS, month.label)
    progress = reform_progress(month)
    alerts = _raise(rng, world, reg, month, factor)
    _assess(rng, reg, alerts, month)
    _handle(rng, world, alerts, progress)
    _hand_on(rng, world, alerts)
    day = alerts["raised"] // DAY
    kept = _take(alerts, (day >= sensors.ordinal(month.days[0]))
                 & (day <= sensors.ordinal(month.days[-1])))
    if story.STORY_DAY in month.days:
        kept = {name: np.concatenate([kept[name], values])
                for name, values in _story_alert(world, reg).items()}
    end_s = fx.epoch_seconds(end) + DAY  # nothing recorded after the last day is exported
    rows = _state_rows(world, reg, kept, end_s)
    triggers, clues = _handoffs(kept, end)
    if story.STORY_DAY in month.days:
        triggers += story.story_triggers(world)
    return SystemMonth(frames={ALERTS.table_name: fx.split_days(rows, ALERTS)},
                       records={ALERTS.table_name: len(kept["id"])},
                       clues=clues, triggers=triggers)


def expected_alerts(world: World, month: Month, factor: float) -> float:
    """Expected warnings on the days of ``month``, the scripted story's one aside."""
    reg = sensors.register(world)
    lam = sensors.intensity(reg, list(month.days), month.month, reform_progress(month))
    return float((lam * reg.rate[reg.kind][:, None]).sum() * factor)


def _calendar(month: Month) -> list[date]:
    """The whole calendar month: a partial first or last month draws like a whole one."""
    first = date(month.year, month.month, 1)
    return [first + timedelta(days=n)
            for n in range(calendar.monthrange(month.year, month.month)[1])]


def _raise(rng: np.random.Generator, world: World, reg: sensors.Register, month: Month,
           factor: float) -> Columns:
    """Which device fired when, in time order, and the business and place concerned."""
    days = _calendar(month)
    lam = sensors.intensity(reg, days, month.month, reform_progress(month))
    counts = rng.poisson(lam * reg.rate[reg.kind][:, None] * factor)
    device, day = np.nonzero(counts)
    repeat = counts[device, day]
    device, day = np.repeat(device, repeat), np.repeat(day, repeat)
    kind = reg.kind[device]
    hour = sampling.categorical(rng, hour_matrix()[kind])
    raised = (fx.epoch_seconds(days[0]) + day * DAY + hour * HOUR
              + rng.integers(0, HOUR, len(device)))
    order = np.argsort(raised, kind="stable")
    device, kind, raised, hour = device[order], kind[order], raised[order], hour[order]
    entity = np.where(np.isin(kind, MODEL_KINDS), _model_entities(rng, world, reg, device),
                      reg.entity[device])
    pool, modelled = world.entities, reg.town[device] < 0
    found = ~modelled | (entity >= 0)  # a model of a county without businesses flags nobody
    device, kind, raised, hour, entity, modelled = (
        a[found] for a in (device, kind, raised, hour, entity, modelled))
    if len(device) >= ID_LIMIT:
        raise ValueError(f"{len(device)} warnings in {month.yyyymm}: serials would collide")
    town = np.where(modelled, pool.town[entity], reg.town[device])
    return {
        "id": np.array([f"YJ{month.yyyymm}{i:06d}" for i in range(1, len(device) + 1)]),
        "device": device, "kind": kind, "raised": raised, "entity": entity, "town": town,
        "lat": np.where(modelled, np.round(pool.lat[entity], 6), reg.lat[device]),
        "lon": np.where(modelled, np.round(pool.lon[entity], 6), reg.lon[device]),
        "hour": hour,
    }


def _model_entities(rng: np.random.Generator, world: World, reg: sensors.Register,
                    device: np.ndarray) -> np.ndarray:
    """The business a model flags: one of its county's, weighted by the model's trades and
    the business's risk; -1 for rows that are not a model's."""
    u, pool = rng.random(len(device)), world.entities
    result = np.full(len(device), -1, dtype=np.int64)
    for model in np.unique(device[reg.town[device] < 0]).tolist():
        rows = np.flatnonzero(device == model)
        members = np.flatnonzero(pool.county == reg.county[model])
        if not len(members):
            continue
        weight = industry_matrix()[reg.kind[model]][pool.industry[members]] * \
            pool.case_weight[members]
        if weight.sum() <= 0:
            weight = np.ones(len(members))
        cumulative = np.cumsum(weight)
        pick = np.searchsorted(cumulative, u[rows] * cumulative[-1], side="right")
        result[rows] = members[np.minimum(pick, len(members) - 1)]
    return result


def _assess(rng: np.random.Generator, reg: sensors.Register, alerts: Columns,
            month: Month) -> None:
    """Reading, threshold and level: how far past its limit each device read."""
    kind, n = alerts["kind"], len(alerts["kind"])
    scale = np.array([kind_.z_scale for kind_ in KINDS])[kind]
    if month.is_flood_season:
        scale = np.where(kind == WATER, FLOOD_Z_SCALE, scale)
    z = np.minimum(rng.exponential(1.0, n) * scale, 4.0)
    night = (alerts["hour"] >= NIGHT_HOURS[0]) | (alerts["hour"] < NIGHT_HOURS[1])
    threshold = reg.threshold[alerts["device"]] - np.where(
        (kind == NOISE) & night, NIGHT_NOISE_DROP, 0.0)
    span, cap = (np.array([getattr(k, name) for k in KINDS])[kind] for name in ("span", "cap"))
    step = 10.0 ** -np.array([k.decimals for k in KINDS])[kind]
    measured = np.maximum(np.round(np.minimum(threshold + z * span, cap) / step) * step,
                          threshold + step)
    alerts.update(threshold=threshold, measured=np.round(measured, 2),
                  severity=severity_of((measured - threshold) / span))


def _handle(rng: np.random.Generator, world: World, alerts: Columns, progress: float) -> None:
    """Department, disposal and the epoch seconds of each step; the reform's 24-hour centre
    dispatches in minutes and departments handle in hours."""
    kind, raised, n = alerts["kind"], alerts["raised"], len(alerts["kind"])
    alerts["dept"] = sampling.categorical(rng, dept_matrix(world.departments.codes,
                                                           progress)[kind])
    disposal = sampling.categorical(rng, disposal_matrix(progress)[kind])
    speed = SEVERITY_SPEED[alerts["severity"]]
    tod = raised % DAY
    office_only = rng.random(n) >= progress  # the pre-reform centre kept office hours
    closed_now = (tod < sampling.DAY_START) | (tod >= sampling.DAY_END)
    opening = raised - tod + np.where(tod < sampling.DAY_START, 0, DAY) + sampling.DAY_START
    start = np.where(office_only & closed_now & (alerts["severity"] < 3), opening, raised)
    wait = np.clip(rng.lognormal(np.log(3 * HOUR * (1 - 0.88 * progress) * speed), 0.8), 60,
                   2 * DAY)
    dispatched = (start + wait).astype(np.int64)
    median = HANDLING_HOURS[disposal] * HOUR * (1 - 0.65 * progress) * np.sqrt(speed)
    handled = dispatched + np.clip(rng.lognormal(np.log(median), 0.9), 600, 20 * DAY)
    closed = handled + np.clip(rng.lognormal(np.log(10 * HOUR * (1 - 0.75 * progress)), 0.8),
                               300, 5 * DAY)
    stuck_share = STUCK_SHARE[0] * (1 - progress) + STUCK_SHARE[1] * progress
    alerts.update(disposal=disposal, dispatched=dispatched, handled=handled.astype(np.int64),
                  closed=closed.astype(np.int64), stuck=rng.random(n) < stuck_share,
                  story=np.zeros(n, dtype=bool))


def _hand_on(rng: np.random.Generator, world: World, alerts: Columns) -> None:
    """The business an inspection or a clue concerns, the inspection's due day and the
    clue's lag; drawn for every warning so that the draws do not depend on the range."""
    kind, n = alerts["kind"], len(alerts["kind"])
    trade = sampling.categorical(rng, industry_matrix()[kind] + 1e-12)
    party = alerts["entity"].copy()
    public = np.flatnonzero(party < 0)
    party[public] = sensors.entity_in_town(world, alerts["town"][public], trade[public], rng)
    urgent = alerts["severity"] >= 2
    alerts.update(party=party,
                  due_days=np.where(urgent, rng.integers(1, 4, n), rng.integers(3, 8, n)),
                  clue_lag=rng.integers(1, 11, n))


def _take(alerts: Columns, mask: np.ndarray) -> Columns:
    return {name: values[mask] for name, values in alerts.items()}


def _story_alert(world: World, reg: sensors.Register) -> Columns:
    """The scripted story's warning as one row of the month's columns."""
    device = int(np.flatnonzero(reg.ids == story.STORY_FUME_SENSOR_ID)[0])
    one = {
        "id": story.STORY_FUME_WARNING_ID, "device": device,
        "kind": KIND_INDEX[story.STORY_WARNING_TYPE], "raised": story.epoch(story.STORY_RAISED_AT),
        "entity": -1, "town": reg.town[device], "lat": reg.lat[device], "lon": reg.lon[device],
        "hour": story.STORY_RAISED_AT.hour, "threshold": story.STORY_THRESHOLD,
        "measured": story.STORY_MEASURED,
        "severity": SEVERITY_LEVELS.index(story.STORY_SEVERITY),
        "dept": world.departments.codes.index(story.STORY_DEPT),
        "disposal": DISPOSALS.index(story.STORY_DISPOSAL),
        "dispatched": story.epoch(story.STORY_DISPATCHED_AT),
        "handled": story.epoch(story.STORY_HANDLED_AT),
        "closed": story.epoch(story.STORY_CLOSED_AT), "stuck": False, "story": True,
        "party": -1, "due_days": (story.STORY_DUE - story.STORY_DAY).days, "clue_lag": 0,
    }
    return {name: np.array([value]) for name, value in one.items()}


def _state_rows(world: World, reg: sensors.Register, alerts: Columns, end_s: int
                ) -> pl.DataFrame:
    """One row per warning and day its state changed: the state reached by that evening."""
    times = np.stack([alerts[name] for name in STAGE_TIMES], axis=1).astype(np.int64)
    present = np.ones(times.shape, dtype=bool)
    present[:, 2:] = ~alerts["stuck"][:, None]
    row, stage = fx.last_per_day(times, present, end_s)
    s = pl.col("_stage")

    def since(name: str, first: int) -> pl.Expr:
        return pl.when(s >= first).then(pl.col(name)).otherwise(None).alias(name)

    frame = _alert_frame(world, reg, alerts)[row].with_columns(
        pl.Series("_stage", stage), pl.Series("status", np.array(STATUSES)[stage]),
        fx.datetimes(times[row, stage]).alias("updated_at"))
    return frame.with_columns(
        since("dispatched_at", 1), since("dispatch_dept_code", 1), since("handled_at", 2),
        since("disposal", 2), since("closed_at", 3),
    ).select(ALERTS.column_names)


def _alert_frame(world: World, reg: sensors.Register, alerts: Columns) -> pl.DataFrame:
    """Every warning's fields as if closed; ``_state_rows`` blanks what is not yet so."""
    geo, entity = world.geo, alerts["entity"]
    return pl.DataFrame({
        "warning_id": alerts["id"], "sensor_id": reg.ids[alerts["device"]],
        "warning_type": np.array([k.warning_type for k in KINDS])[alerts["kind"]],
        "severity": np.array(SEVERITY_LEVELS)[alerts["severity"]],
        "county_code": np.array(geo.county_codes)[geo.town_county[alerts["town"]]],
        "town_code": np.array(geo.town_codes)[alerts["town"]],
        "entity_uscc": pl.Series(world.entities.uscc[np.maximum(entity, 0)], dtype=pl.String),
        "latitude": alerts["lat"].astype(float), "longitude": alerts["lon"].astype(float),
        "measured_value": alerts["measured"].astype(float),
        "threshold_value": alerts["threshold"].astype(float),
        **{f"{name}_at": fx.datetimes(alerts[name]) for name in STAGE_TIMES if name != "closed"},
        "dispatch_dept_code": np.array(world.departments.codes)[alerts["dept"]],
        "disposal": np.array(DISPOSALS)[alerts["disposal"]],
        "closed_at": fx.datetimes(alerts["closed"]),
    }).with_columns(pl.when(pl.Series(entity >= 0)).then(pl.col("entity_uscc"))
                    .otherwise(None).alias("entity_uscc"))


def _handoffs(alerts: Columns, end: date) -> tuple[list[Trigger], list[Clue]]:
    """Inspection triggers raised on the dispatch day and clues handed over after handling,
    neither after ``end``; the story's triggers come from ``warnings_story``."""
    last = sensors.ordinal(end)
    acted = ~alerts["stuck"] & ~alerts["story"] & (alerts["party"] >= 0)
    dispatch_day = alerts["dispatched"] // DAY
    handled_day = alerts["handled"] // DAY
    handed = handled_day + alerts["clue_lag"]
    inspect = acted & (alerts["disposal"] == INSPECT) & (dispatch_day <= last)
    clue = acted & (alerts["disposal"] == CLUE) & (handed <= last)
    day = sensors.from_ordinal
    triggers = [
        Trigger(source="WARNING", ref_id=ref, entity=e, dept=d, raised=day(r),
                due=day(r + lag))
        for ref, e, d, r, lag in zip(
            alerts["id"][inspect].tolist(), alerts["party"][inspect].tolist(),
            alerts["dept"][inspect].tolist(), dispatch_day[inspect].tolist(),
            alerts["due_days"][inspect].tolist(), strict=True)
    ]
    clues = [
        Clue(ref_id=ref, entity=e, dept=d, found=day(h), handed_over=day(o), source="WARNING")
        for ref, e, d, h, o in zip(
            alerts["id"][clue].tolist(), alerts["party"][clue].tolist(),
            alerts["dept"][clue].tolist(), handled_day[clue].tolist(), handed[clue].tolist(),
            strict=True)
    ]
    return triggers, clues
