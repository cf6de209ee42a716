"""Approvals (审批 + 审管联动): contracts, state rows, steps, claims, triggers and realism.

Exports are landed the way the engine lands frames (``frames.write_frame``: CSV, and Parquet
for the step log), read back and validated by the ingest path; the figures
are computed from what was loaded or from the frames, never read from the generator's state.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.readers import FILE, LINE, REASON, ExportFile, read_exports
from sources.reference import department_codes
from sources.simulator import DEFAULT_SEED, SCALES, market
from sources.simulator import approvals as sim
from sources.simulator import grid_events as fx
from sources.simulator.city import INDUSTRIES
from sources.simulator.frames import write_frame
from sources.simulator.handoffs import Trigger
from sources.simulator.timeline import day_weight, months
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry
from sources.systems.approvals import (
    APPLICATIONS,
    CONTRACTS,
    ITEM_CODES,
    ITEMS,
    STEPS,
)
from sources.systems.market import INDUSTRY_CODES
from sources.validate import validate_batch

START, END = date(2021, 4, 1), date(2021, 6, 30)
LATER = date(2022, 6, 30)  # the default scenario's end
FACTOR = 0.02
ITEM = {item.code: item for item in ITEMS}


@dataclass(frozen=True)
class Run:
    frames: dict[str, pl.DataFrame]  # every exported row of the range, per table
    triggers: list[Trigger]
    records: dict[str, int]


def run(world: World, first: date, last: date, factor: float, end: date) -> Run:
    """The engine's month loop for the system: every month of [first, last], rows up to end."""
    parts: dict[str, list[pl.DataFrame]] = {c.table_name: [] for c in CONTRACTS}
    triggers: list[Trigger] = []
    records: dict[str, int] = {}
    for month in months(first, last):
        out = sim.generate_month(world, month, factor, end)
        for table, days in out.frames.items():
            parts[table].extend(days.values())
        triggers += out.triggers
        for table, n in out.records.items():
            records[table] = records.get(table, 0) + n
    return Run({t: pl.concat(p) for t, p in parts.items()}, triggers, records)


def latest(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return frame.sort("updated_at").group_by(key, maintain_order=True).last()


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED, SCALES["demo"])


@pytest.fixture(scope="module")
def spring(world: World) -> Run:
    return run(world, START, END, FACTOR, END)


@pytest.fixture(scope="module")
def year(world: World) -> Run:
    """2021 at 5% of the city's volume, with a year after it for late states."""
    return run(world, date(2021, 1, 1), date(2021, 12, 31), 0.05, LATER)


# --- the catalogue and the contracts ---------------------------------------------------------


def test_catalogue_of_licence_types() -> None:
    assert 38 <= len(ITEMS) <= 45 and len(ITEM_CODES) == len(ITEMS)
    assert set(sim.DEMAND) == ITEM_CODES
    assert len({item.name for item in ITEMS}) == len(ITEMS)
    for item in ITEMS:
        assert item.approve_dept in department_codes()
        assert item.supervise_dept is None or item.supervise_dept in department_codes()
        assert set(item.industries) <= INDUSTRY_CODES and item.industries
        assert 1 <= item.promised_days <= 20
        assert item.inspect_within == 0 or (item.supervise_dept and item.inspect_within >= 30)
    separated = [i for i in ITEMS if i.supervise_dept not in (None, i.approve_dept)]
    assert len(separated) >= 4 and {i.supervise_dept for i in separated} == {"ZHZF"}
    assert [c.table_name for c in CONTRACTS] == [
        "approvals_applications", "approvals_steps", "approvals_supervision_claims"]
    assert STEPS.formats == ("parquet",) and APPLICATIONS.formats == ("csv",)


def land(root: Path, world: World, defect_rate: float
         ) -> tuple[dict[str, int], dict[str, list[tuple[str, int, str]]], list[LedgerEntry]]:
    """Write every day of the spring range as the engine does (CSV, and Parquet for the step
    log), read and validate it: per table rows loaded and quarantined, and the ledger."""
    outbox = fx.FrameOutbox()
    for month in months(START, END):
        outbox.add(sim.generate_month(world, month, FACTOR, END).frames)
    loaded, quarantined, ledger = {}, {}, []
    for contract in CONTRACTS:
        files, written = [], 0
        for day in (START + timedelta(n) for n in range((END - START).days + 1)):
            frame = outbox.pop(contract, day)
            rng = np.random.default_rng([zlib.crc32(contract.table_name.encode()),
                                         day.toordinal()])
            result = write_frame(root, contract, day, frame, rng, defect_rate)
            ledger += result.ledger
            written += frame.height
            files.append(ExportFile(root / result.relative, result.relative))
        batch = validate_batch(contract, read_exports(files, contract))
        loaded[contract.table_name] = batch.loaded.height
        quarantined[contract.table_name] = sorted(batch.quarantined.select(
            FILE, LINE, REASON).iter_rows())
        if defect_rate == 0:
            assert batch.loaded.height == written > 0, contract.table_name
            assert batch.quarantined.height == 0, batch.quarantined.head()
    return loaded, quarantined, ledger


def test_clean_exports_meet_their_contracts(world: World, tmp_path: Path) -> None:
    loaded, quarantined, ledger = land(tmp_path / "landing", world, 0.0)
    assert ledger == [] and not any(quarantined.values())
    assert loaded["approvals_steps"] > 3 * loaded["approvals_applications"] / 2


def test_defects_are_quarantined_for_exactly_their_reason(world: World, tmp_path: Path) -> None:
    _, quarantined, ledger = land(tmp_path / "landing", world, 0.05)
    for contract in CONTRACTS:
        entries = sorted((e.file, e.line, e.reason.value) for e in ledger
                         if e.entity == contract.entity)
        assert entries and quarantined[contract.table_name] == entries
    assert {e.reason.value for e in ledger} >= {"DATE_ORDER", "UNKNOWN_CODE", "BAD_ENCODING",
                                                "MISSING_REQUIRED", "DUPLICATE"}


# --- state rows ------------------------------------------------------------------------------


def test_one_row_per_key_and_day_and_nothing_after_the_end(world: World) -> None:
    end = date(2021, 5, 20)
    out = sim.generate_month(world, months(date(2021, 5, 1), end)[0], FACTOR, end)
    for contract in CONTRACTS:
        days = out.frames[contract.table_name]
        assert days and max(days) <= end
        for day, frame in days.items():
            assert frame.schema == fx.empty_frame(contract).schema
            assert frame.select(pl.struct(contract.key).is_unique().all()).item()
            assert (frame["updated_at"].dt.date() == day).all()
    assert out.triggers and all(t.raised <= end for t in out.triggers)
    last = pl.concat(list(out.frames["approvals_applications"].values()))
    assert (latest(last, "application_id")["status"] == "REVIEWING").any()  # open at the end


def test_applications_move_forward_and_end_consistently(spring: Run) -> None:
    rank = {"APPLIED": 0, "ACCEPTED": 1, "REVIEWING": 2, "GRANTED": 3, "REFUSED": 3,
            "WITHDRAWN": 3}
    apps = spring.frames["approvals_applications"].sort("application_id", "updated_at")
    ranks = apps["status"].replace_strict(rank, return_dtype=pl.Int64)
    same = apps["application_id"] == apps["application_id"].shift(1)
    assert (ranks >= ranks.shift(1)).filter(same).all()
    final = latest(apps, "application_id")
    granted = final.filter(pl.col("status") == "GRANTED")
    assert granted["certificate_no"].null_count() == 0
    assert final.filter(pl.col("status") != "GRANTED")["certificate_no"].null_count() == \
        final.height - granted.height
    decided = final.filter(pl.col("decided_at").is_not_null())
    assert (decided["result"] == decided["status"]).all()
    assert decided["promised_date"].null_count() == 0
    rated = final.filter(pl.col("satisfaction").is_not_null())
    assert rated["decided_at"].null_count() == 0 and 0.5 < rated.height / decided.height < 0.95
    assert 0.85 < (final["status"] == "GRANTED").sum() / decided.height < 0.97
    assert set(final["apply_type"]) == {"NEW", "RENEWAL", "CHANGE"}
    assert set(final["channel"]) == {"ONLINE", "WINDOW", "MOBILE"}


def test_applicants_are_operating_entities_of_a_matching_industry(world: World,
                                                                    spring: Run) -> None:
    reg = market.register(world)
    index = {code: i for i, code in enumerate(reg.entities.uscc.tolist())}
    final = latest(spring.frames["approvals_applications"], "application_id")
    entity = np.array([index[code] for code in final["applicant_uscc"]])
    codes = [spec.code for spec in INDUSTRIES]
    for row, e in zip(final.iter_rows(named=True), entity.tolist(), strict=True):
        assert codes[reg.entities.industry[e]] in ITEM[row["item_code"]].industries
        assert world.geo.town_codes[reg.entities.town[e]] == row["town_code"]
        applied = row["applied_at"].date()
        registered = reg.registered[e].astype(object)
        assert registered <= applied - timedelta(2)
        label = applied.year * 12 + applied.month - 2
        assert reg.status_at_month_end(label)[e] in (market.OPERATING, market.UNREGISTERED)
    young = np.array([(row["applied_at"].date() - reg.registered[e].astype(object)).days
                      for row, e in zip(final.iter_rows(named=True), entity.tolist(),
                                        strict=True)])
    new = (final["apply_type"] == "NEW").to_numpy()
    assert (young[~new] >= 365).all()
    assert 0.15 < (young <= 60).mean() < 0.45  # new businesses ask soon after registering
    assert (entity >= len(world.entities)).any()  # some registered after the epoch


# --- steps -----------------------------------------------------------------------------------


def test_steps_follow_the_application(spring: Run) -> None:
    steps = latest(spring.frames["approvals_steps"].with_columns(
        key=pl.concat_str("application_id", pl.col("step_seq").cast(pl.String), separator="#")),
        "key")
    final = latest(spring.frames["approvals_applications"], "application_id")
    per_app = steps.group_by("application_id").agg(
        pl.col("step_seq").sort(), pl.col("step_code").sort_by("step_seq"),
        pl.col("started_at").sort_by("step_seq"))
    order = ["APPLY", "ACCEPT", "REVIEW", "DECIDE", "ISSUE", "PUSH"]
    for row in per_app.iter_rows(named=True):
        n = len(row["step_seq"])
        assert row["step_seq"] == list(range(1, n + 1))
        assert row["step_code"] == order[:n]
        assert row["started_at"] == sorted(row["started_at"])
    joined = final.join(steps.filter(pl.col("step_code") == "APPLY"), on="application_id")
    assert (joined["applied_at"] == joined["started_at"]).all()
    decide = final.join(steps.filter(pl.col("step_code") == "DECIDE"), on="application_id")
    done = decide.filter(pl.col("decided_at").is_not_null() & pl.col("finished_at").is_not_null())
    assert done.height and (done["decided_at"] == done["finished_at"]).all()
    assert 4.5 < spring.records["approvals_steps"] / spring.records["approvals_applications"] < 6
    posts = steps.filter(pl.col("step_code") != "APPLY")["handler_post"]
    assert posts.null_count() == 0 and posts.str.contains("[A-Za-z]").sum() == 0


# --- 审管联动: pushes, claims and triggers ----------------------------------------------------


def working_days_between(first: date, last: date) -> int:
    """Working days in (first, last], counted from the calendar's day weights."""
    return sum(1 for n in range(1, (last - first).days + 1)
               if (first + timedelta(n)).weekday() < 5
               and day_weight(first + timedelta(n), "planned") >= 0.5)


def test_grants_are_pushed_to_their_supervisor(world: World, spring: Run) -> None:
    final = latest(spring.frames["approvals_applications"], "application_id")
    claims = latest(spring.frames["approvals_supervision_claims"], "claim_id")
    steps = spring.frames["approvals_steps"].filter(pl.col("step_code") == "PUSH")
    supervised = final.filter((pl.col("status") == "GRANTED") & pl.col("item_code").is_in(
        [i.code for i in ITEMS if i.supervise_dept]))
    assert set(steps["application_id"]) <= set(supervised["application_id"])
    pushed_by_end = steps.filter(pl.col("finished_at").is_not_null())["application_id"]
    assert set(pushed_by_end) == set(claims["application_id"])
    for row in claims.iter_rows(named=True):
        item = ITEM[row["item_code"]]
        assert row["approve_dept_code"] == item.approve_dept
        pushed, deadline = row["pushed_at"], row["claim_deadline"]
        assert working_days_between(pushed.date(), deadline.date()) == 3
        if row["status"] == "RETURNED":
            assert row["supervise_dept_code"] != item.supervise_dept
            assert row["returned_at"] > pushed and row["claimed_at"] is None
        else:
            assert row["supervise_dept_code"] == item.supervise_dept
        due = row["first_inspection_due"]
        assert (due is None) == (item.inspect_within == 0)
    first = claims.filter(pl.col("claim_id").str.ends_with("01"))
    assert first["application_id"].is_unique().all()
    again = claims.filter(pl.col("claim_id").str.ends_with("02"))
    returned = first.filter(pl.col("status") == "RETURNED")["application_id"]
    assert returned.len() and set(again["application_id"]) <= set(returned)


def test_claimed_grants_trigger_their_first_inspection(world: World, spring: Run) -> None:
    claims = latest(spring.frames["approvals_supervision_claims"], "claim_id")
    due = claims.filter((pl.col("status") == "CLAIMED")
                        & pl.col("first_inspection_due").is_not_null())
    by_ref = {t.ref_id: t for t in spring.triggers}
    assert len(by_ref) == len(spring.triggers) == due.height > 0
    reg = market.register(world)
    codes = world.departments.codes
    for row in due.iter_rows(named=True):
        trigger = by_ref[row["application_id"]]
        assert trigger.source == "APPROVAL"
        assert trigger.raised == row["claimed_at"].date() <= END
        assert trigger.due == row["first_inspection_due"] > trigger.raised
        assert codes[trigger.dept] == row["supervise_dept_code"]
        assert reg.entities.uscc[trigger.entity] == row["entity_uscc"]


def test_yearly_volumes_and_triggers(year: Run) -> None:
    expected = sum(sim.expected_applications(m, 1.0)
                   for m in months(date(2021, 1, 1), date(2021, 12, 31)))
    assert 290_000 < expected < 310_000
    scale = 1 / 0.05
    assert 280_000 < year.records["approvals_applications"] * scale < 320_000
    assert 50_000 < len(year.triggers) * scale < 70_000
    assert 1.2e6 < year.records["approvals_steps"] * scale < 1.8e6
    assert 100_000 < year.records["approvals_supervision_claims"] * scale < 200_000


def test_calendar_and_seasons(year: Run) -> None:
    apps = latest(year.frames["approvals_applications"], "application_id").with_columns(
        day=pl.col("applied_at").dt.date(), month=pl.col("applied_at").dt.month())
    per_month = apps.group_by("month").len().sort("month")["len"].to_list()
    assert per_month[1] < 0.75 * per_month[0]  # Spring Festival 2021 fell on 12 February
    weekend = apps["day"].dt.weekday() >= 6
    assert weekend.mean() < 0.12  # 2 days in 7 would be 0.29
    window = apps.filter(pl.col("channel") == "WINDOW")
    assert (window["day"].dt.weekday() >= 6).mean() < weekend.mean()
    fireworks = apps.filter(pl.col("item_code") == "XKYJGL002").group_by("month").len()
    count = dict(fireworks.iter_rows())
    assert count.get(12, 0) + count.get(1, 0) > 4 * (count.get(6, 0) + count.get(7, 0))
    felling = apps.filter(pl.col("item_code") == "XKLYJ001")["month"]
    assert felling.is_in([11, 12, 1]).sum() > 1.8 * felling.is_in([5, 6, 7]).sum()


def test_reform_moves_online_speeds_up_and_claims_in_time(world: World) -> None:
    def period(year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
        got = run(world, date(year, 3, 1), date(year, 5, 31), 0.03, LATER)
        return (latest(got.frames["approvals_applications"], "application_id"),
                latest(got.frames["approvals_supervision_claims"], "claim_id"))

    (apps_before, claims_before), (apps_after, claims_after) = period(2020), period(2022)

    def share(frame: pl.DataFrame, condition: pl.Expr) -> float:
        return frame.select(condition.mean()).item()

    window = pl.col("channel") == "WINDOW"
    assert share(apps_before, window) > 0.5 and share(apps_after, window) < 0.3
    assert share(apps_after, pl.col("channel") == "MOBILE") > 0.3
    decided = pl.col("decided_at").is_not_null()
    late = pl.col("decided_at").dt.date() > pl.col("promised_date")
    early = (pl.col("promised_date") - pl.col("decided_at").dt.date()).dt.total_days() >= 2
    before, after = apps_before.filter(decided), apps_after.filter(decided)
    assert share(after, late) < 0.03 < share(before, late) < 0.12
    assert share(after, early) > share(before, early) + 0.15
    rated = pl.col("satisfaction").drop_nulls().mean()
    assert after.select(rated).item() > before.select(rated).item()
    on_time = pl.col("claimed_at").is_not_null() & (pl.col("claimed_at") <= pl.col(
        "claim_deadline"))
    assert 0.82 < share(claims_before, on_time) < 0.92
    assert share(claims_after, on_time) > 0.96
    hours = (pl.col("claimed_at") - pl.col("pushed_at")).dt.total_hours().median()
    assert claims_after.select(hours).item() < claims_before.select(hours).item() / 3


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_same_months_whatever_the_range(world: World) -> None:
    month = months(date(2021, 5, 1), date(2021, 5, 31))[0]
    first = sim.generate_month(world, month, FACTOR, LATER)
    again = sim.generate_month(world, month, FACTOR, LATER)
    shorter = sim.generate_month(world, month, FACTOR, date(2021, 5, 31))
    assert first.triggers == again.triggers and first.records == again.records
    assert first.records["approvals_applications"] == shorter.records["approvals_applications"]
    assert set(shorter.triggers) <= set(first.triggers)
    for table, days in first.frames.items():
        assert days.keys() == again.frames[table].keys()
        assert all(frame.equals(again.frames[table][day]) for day, frame in days.items())
        assert all(frame.equals(days[day]) for day, frame in shorter.frames[table].items())
    stamp = datetime(2021, 6, 1)
    assert all(frame["updated_at"].max() < stamp for frame in shorter.frames[
        "approvals_supervision_claims"].values())


def test_a_month_without_applications_exports_nothing(world: World) -> None:
    out = sim.generate_month(world, months(date(2021, 5, 15), date(2021, 5, 31))[0], 0.0, END)
    assert out.triggers == [] and not any(out.records.values())
    assert all(days == {} for days in out.frames.values())
