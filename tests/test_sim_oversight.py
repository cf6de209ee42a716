"""Oversight: reconsiderations and lawsuits, file audits and flags, drawn from real cases.

Enforcement months run as the engine runs them (with clues handed over from tasks, tickets
and drone findings made here), oversight is generated from each month's cases, and its
exports are landed through the frame writer and read back through the ingest path. Every
check joins what oversight exported to what enforcement exported.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.readers import ExportFile, read_exports
from sources.simulator import DEFAULT_SEED
from sources.simulator import enforcement as cases_sim
from sources.simulator import oversight as sim
from sources.simulator.frames import write_frame
from sources.simulator.grid_events import FrameOutbox
from sources.simulator.handoffs import Clue, SystemMonth
from sources.simulator.timeline import Month, months
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry
from sources.systems.enforcement import CASES, CLUES
from sources.systems.oversight import CONTRACTS, FILE_AUDITS, FLAGS, REVIEWS
from sources.validate import validate_batch

START, END = date(2020, 1, 1), date(2022, 6, 30)
FACTOR = 0.25
SOURCES = {"INSPECTION": "JC", "COMPLAINT": "QZ", "DRONE": "FX"}


@dataclass(frozen=True)
class Run:
    """The whole range generated, oversight's exports as typed frames, and enforcement's
    latest case and clue rows to join them to."""

    oversight: list[SystemMonth]
    frames: dict[str, pl.DataFrame]
    cases: pl.DataFrame
    clues: pl.DataFrame

    def latest(self, table: str, key: str) -> pl.DataFrame:
        return self.frames[table].sort("updated_at").group_by(key, maintain_order=True).last()


@dataclass(frozen=True)
class Landed:
    loaded: dict[str, pl.DataFrame]
    quarantined: dict[str, pl.DataFrame]
    ledger: list[LedgerEntry]
    written: dict[str, int]


def handed_clues(world: World, month: Month, factor: float) -> list[Clue]:
    """Clues as inspection, 12345 and the drones hand them over."""
    rng = np.random.default_rng([month.label, 11])
    n = rng.poisson(3_000 * factor)
    entity = rng.integers(0, len(world.entities), n)
    source = rng.choice(list(SOURCES), n)
    day = rng.integers(0, len(month.days), n)
    return [Clue(f"{SOURCES[s]}{month.yyyymm}{i:06d}", int(e), int(rng.integers(0, 21)),
                 month.days[d], month.days[d], str(s))
            for i, (e, s, d) in enumerate(zip(entity, source, day, strict=True))]


def generate(world: World, start: date, end: date, factor: float) -> Run:
    enforcement, oversight = [], []
    for month in months(start, end):
        exports, cases = cases_sim.generate_month(world, month, handed_clues(world, month, factor),
                                                  cases_sim.CASES_PER_YEAR * factor, end)
        enforcement.append(exports)
        oversight.append(sim.generate_month(world, month, cases, end))
    frames = {c.table_name: pl.concat([f for o in oversight for f in o.frames[c.table_name]
                                       .values()]) for c in CONTRACTS}
    cases = pl.DataFrame([r for e in enforcement for r in e.rows[CASES.table_name]],
                         infer_schema_length=None).with_columns(
        *(pl.col(c).str.to_date() for c in ("filed_date", "decided_date", "closed_date",
                                            "paid_date")))
    clues = pl.concat([f for e in enforcement for f in e.frames[CLUES.table_name].values()])
    return Run(oversight, frames, cases.sort("updated_at").group_by("case_no").last(),
               clues.sort("updated_at").group_by("clue_id").last())


def land(run: Run, root: Path, rate: float, start: date, end: date) -> Landed:
    """Write the days ``start``..``end`` of the run as the engine would, and read them back."""
    outbox = FrameOutbox()
    for exports in run.oversight:
        outbox.add(exports.frames)
    loaded, quarantined, ledger, written = {}, {}, [], {}
    for contract in CONTRACTS:
        files = []
        for month in months(start, end):
            for day in month.days:
                rng = np.random.default_rng([zlib.crc32(contract.table_name.encode()),
                                             day.toordinal()])
                out = write_frame(root, contract, day, outbox.pop(contract, day), rng, rate)
                files.append(ExportFile(root / out.relative, out.relative))
                ledger += out.ledger
                written[contract.table_name] = written.get(contract.table_name, 0) + out.rows
        batch = validate_batch(contract, read_exports(files, contract))
        loaded[contract.table_name] = batch.loaded
        quarantined[contract.table_name] = batch.quarantined
    return Landed(loaded, quarantined, ledger, written)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED, FACTOR)


@pytest.fixture(scope="module")
def clean(world: World) -> Run:
    return generate(world, START, END, FACTOR)


# --- how the system exports ------------------------------------------------------------------


def test_same_seed_same_month(world: World) -> None:
    month = months(date(2021, 3, 1), date(2021, 3, 31))[0]
    _, cases = cases_sim.generate_month(world, month, [], 40_000.0, END)
    first = sim.generate_month(world, month, cases, END)
    again = sim.generate_month(world, month, cases, END)
    assert first.records == again.records and first.rows == again.rows == {}
    for table, days in first.frames.items():
        assert days and all(frame.equals(again.frames[table][day]) for day, frame in days.items())


def test_clean_exports_meet_their_contracts(clean: Run, tmp_path: Path) -> None:
    first, last = date(2021, 1, 1), date(2021, 6, 30)
    landed = land(clean, tmp_path / "landing", 0.0, first, last)
    assert landed.ledger == []
    for contract in CONTRACTS:
        table, columns = contract.table_name, contract.column_names
        assert landed.quarantined[table].height == 0, landed.quarantined[table].head()
        assert landed.loaded[table].height == landed.written[table] > 0
        window = clean.frames[table].filter(pl.col("updated_at").dt.date().is_between(first,
                                                                                      last))
        assert landed.loaded[table].select(columns).sort(columns).equals(
            window.select(columns).sort(columns))
        frame = clean.frames[table].with_columns(pl.col("updated_at").dt.date().alias("day"))
        assert frame.select(pl.struct(*contract.key, "day").is_unique().all()).item()
        assert frame["updated_at"].max().date() <= END


def test_defects_are_quarantined_for_exactly_their_reason(clean: Run, tmp_path: Path) -> None:
    landed = land(clean, tmp_path / "landing", 0.05, date(2021, 4, 1), date(2021, 7, 31))
    quarantined = sorted(row for frame in landed.quarantined.values() for row in frame.select(
        "_source_file", "_source_line", "reason_code").iter_rows())
    assert quarantined and quarantined == sorted(
        (e.file, e.line, e.reason.value) for e in landed.ledger)


def test_yearly_volume_at_full_scale(clean: Run) -> None:
    started = {REVIEWS: "filed_date", FILE_AUDITS: "audit_date", FLAGS: "raised_date"}
    in_2021 = sum(clean.latest(c.table_name, c.key[0]).filter(
        pl.col(column).dt.year() == 2021).height for c, column in started.items())
    assert 7_000 < in_2021 / FACTOR < 13_000


# --- reconsideration and litigation ----------------------------------------------------------


def test_reviews_follow_penalty_decisions(clean: Run) -> None:
    reviews = clean.latest(REVIEWS.table_name, "review_id").join(
        clean.cases, on="case_no", how="left", suffix="_case")
    assert reviews["decision_type"].drop_nulls().unique().to_list() == ["PENALTY"]
    assert (reviews["filed_date"] > reviews["decided_date_case"]).all()
    assert (reviews["dept_code"] == reviews["dept_code_case"]).all()
    assert (reviews["county_code"] == reviews["county_code_case"]).all()
    decided = reviews.filter(pl.col("status") == "DECIDED")
    assert decided["outcome"].null_count() == 0 and (
        decided["decided_date"] >= decided["filed_date"]).all()
    penalties = clean.cases.filter(pl.col("decision_type") == "PENALTY",
                                   pl.col("decided_date") < date(2021, 12, 1)).height
    kinds = dict(reviews.filter(pl.col("decided_date_case") < date(2021, 12, 1))
                 .group_by("review_type").len().iter_rows())
    assert 0.006 < kinds["RECONSIDERATION"] / penalties < 0.015
    assert 0.0015 < kinds["LITIGATION"] / penalties < 0.006


def test_fewer_decisions_are_corrected_after_the_reform(clean: Run) -> None:
    decided = clean.latest(REVIEWS.table_name, "review_id").filter(pl.col("status") == "DECIDED")
    corrected = decided.group_by(pl.col("decided_date").dt.year().alias("year")).agg(
        pl.col("outcome").is_in(["REVOKED", "CHANGED", "CONFIRMED_ILLEGAL"]).mean())
    share = dict(corrected.iter_rows())
    assert share[2020] > 0.15 and share[2022] < 0.12


# --- case-file audits ------------------------------------------------------------------------


def test_audits_sample_the_quarters_closed_general_cases(clean: Run) -> None:
    audits = clean.frames[FILE_AUDITS.table_name].join(clean.cases, on="case_no",
                                                       suffix="_case")
    assert audits.height == clean.frames[FILE_AUDITS.table_name].height
    assert (audits["procedure"] == "GENERAL").all()
    quarter = (audits["closed_date"].dt.year().cast(pl.String) + "Q"
               + audits["closed_date"].dt.quarter().cast(pl.String))
    assert (quarter == audits["audit_batch"]).all()
    after = audits["closed_date"].dt.offset_by("1q").dt.truncate("1q")
    assert (audits["audit_date"].dt.truncate("1mo") == after).all()
    assert (audits["audit_date"].dt.weekday() <= 5).all()
    closed_2021 = clean.cases.filter(pl.col("procedure") == "GENERAL",
                                     pl.col("closed_date").dt.year() == 2021).height
    share = audits.filter(pl.col("audit_batch").str.starts_with("2021")).height / closed_2021
    assert 0.02 < share < 0.04
    floors = {"EXCELLENT": (90, 101), "GOOD": (80, 90), "PASS": (60, 80), "FAIL": (0, 60)}
    for grade, (low, high) in floors.items():
        scores = audits.filter(pl.col("grade") == grade)["score"]
        assert scores.len() > 0 and low <= scores.min() and scores.max() < high
    means = dict(audits.group_by(pl.col("audit_date").dt.year()).agg(
        pl.col("score").mean()).iter_rows())
    assert means[2022] > means[2020] + 3


# --- oversight flags -------------------------------------------------------------------------


def test_flags_close_in_order(clean: Run) -> None:
    flags = clean.latest(FLAGS.table_name, "flag_id")
    assert set(flags["flag_type"]) == {"OVERDUE_DECISION", "INACTION", "UNPAID_FINE",
                                       "FILE_DEFECT"}
    assert set(flags["status"]) == {"FLAGGED", "RECTIFIED", "VERIFIED"}
    assert (flags["rectified_date"].is_not_null() == flags["status"].is_in(
        ["RECTIFIED", "VERIFIED"])).all()
    assert (flags["verified_date"].is_not_null() == (flags["status"] == "VERIFIED")).all()
    assert (flags["rectify_deadline"] > flags["raised_date"]).all()


def test_overdue_decisions_are_flagged(clean: Run) -> None:
    flags = clean.latest(FLAGS.table_name, "flag_id").filter(
        pl.col("flag_type") == "OVERDUE_DECISION")
    days = (pl.col("decided_date").fill_null(date(2099, 1, 1)) - pl.col("filed_date"))
    late = clean.cases.filter(  # decided after day 90, or still open on day 91
        pl.col("procedure") == "GENERAL", ~pl.col("extended"), days.dt.total_days() > 90,
        pl.col("filed_date") + timedelta(days=91) <= END)
    assert late.height > 20
    assert set(flags["object_ref"]) == set(late["case_no"])
    joined = flags.join(late, left_on="object_ref", right_on="case_no", suffix="_case")
    assert (joined["raised_date"] == joined["filed_date"] + timedelta(days=91)).all()
    fixed = joined.filter(pl.col("rectified_date").is_not_null())
    assert (fixed["rectified_date"] == fixed["decided_date"]).all()
    extended = clean.cases.filter(pl.col("extended"))
    assert not set(extended["case_no"]) & set(flags["object_ref"])


def test_unpaid_fines_and_failed_audits_are_flagged(clean: Run) -> None:
    flags = clean.latest(FLAGS.table_name, "flag_id")
    unpaid = flags.filter(pl.col("flag_type") == "UNPAID_FINE").join(
        clean.cases, left_on="object_ref", right_on="case_no")
    assert unpaid.height > 10 and (unpaid["decision_type"] == "PENALTY").all()
    assert ((unpaid["raised_date"] - unpaid["decided_date"]).dt.total_days() > 15).all()
    settled = unpaid.filter(pl.col("rectified_date").is_not_null())
    expected = pl.when(pl.col("fine_paid")).then(pl.col("paid_date")).otherwise(
        pl.col("closed_date"))
    assert settled.select((pl.col("rectified_date") == expected).all()).item()
    failed = clean.frames[FILE_AUDITS.table_name].filter(pl.col("grade") == "FAIL")
    defects = flags.filter(pl.col("flag_type") == "FILE_DEFECT")
    assert failed.height > 0 and set(defects["object_ref"]) <= set(failed["case_no"])
    settled_in_range = failed.filter(pl.col("audit_date") + timedelta(days=5) < END)
    assert set(settled_in_range["case_no"]) <= set(defects["object_ref"])


def test_inaction_points_at_the_record_the_clue_centre_sat_on(clean: Run) -> None:
    flags = clean.latest(FLAGS.table_name, "flag_id").filter(pl.col("flag_type") == "INACTION")
    assert {"TASK", "COMPLAINT", "CLUE"} <= set(flags["object_type"])
    clues = clean.clues.with_columns(
        pl.when(pl.col("source_ref").is_null()).then(pl.col("clue_id"))
        .otherwise(pl.col("source_ref")).alias("object_ref"))
    joined = flags.join(clues, on="object_ref", suffix="_clue")
    assert joined.height == flags.height
    kinds = {"INSPECTION": "TASK", "COMPLAINT": "COMPLAINT"}
    expected = pl.when(pl.col("source_ref").is_null()).then(pl.lit("CLUE")).otherwise(
        pl.col("clue_source").replace_strict(kinds, default="CLUE"))
    expected = joined.select(expected).to_series()
    assert (joined["object_type"] == expected).all()
    assert (joined["raised_date"] == joined["received_at"].dt.date()
            + timedelta(days=16)).all()
    assessed = joined.filter(pl.col("assessed_at").is_not_null())
    assert ((assessed["assessed_at"].dt.date() - assessed["received_at"].dt.date())
            .dt.total_days() > 15).all()


def test_shorter_range_reproduces_its_days(world: World) -> None:
    month = months(date(2021, 3, 1), date(2021, 3, 31))[0]
    _, cases = cases_sim.generate_month(world, month, [], 40_000.0, END)
    long = sim.generate_month(world, month, cases, END)
    short = sim.generate_month(world, month, cases, date(2021, 9, 30))
    for table, days in short.frames.items():
        assert days and days.keys() == {d for d in long.frames[table] if d <= date(2021, 9, 30)}
        assert all(frame.equals(long.frames[table][day]) for day, frame in days.items())
