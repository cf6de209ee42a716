"""The clue centre, cases and their stages: contracts, determinism, consistency, the story.

A few months run the way the engine runs them: inspection and 12345 hand their clues over
(plus drone, warning and grid clues made here, as those systems will), the enforcement month
is generated, and its exports are landed through the real writers and read back through the
ingest path. Figures are computed from what was loaded, never read from the generator.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.readers import ExportFile, read_exports
from sources.simulator import DEFAULT_SEED, complaints, inspection
from sources.simulator import clues as clue_centre
from sources.simulator import enforcement as sim
from sources.simulator import warnings_story as fume_story
from sources.simulator.frames import write_frame
from sources.simulator.grid_events import FrameOutbox
from sources.simulator.handoffs import Clue, SystemMonth
from sources.simulator.items import item_index
from sources.simulator.organisation import PARK_TEAM, build_teams
from sources.simulator.timeline import Month, months
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry, write_export
from sources.systems.enforcement import CASE_EVENTS, CASES, CLUES, CONTRACTS
from sources.validate import validate_batch

START, END = date(2022, 3, 1), date(2022, 5, 31)
FACTOR = 0.02
OTHER_SOURCES = {"DRONE": "FX", "WARNING": "YJ", "GRID": "WG"}  # raised here, not by a system


@dataclass
class Run:
    exports: list[SystemMonth]
    cases: list[sim.CaseMonth]
    handed: list[Clue]


@dataclass(frozen=True)
class Landed:
    loaded: dict[str, pl.DataFrame]
    quarantined: dict[str, pl.DataFrame]
    ledger: list[LedgerEntry]
    written: dict[str, int]
    run: Run

    def latest(self, table: str, key: str) -> pl.DataFrame:
        return self.loaded[table].sort("updated_at").group_by(key, maintain_order=True).last()


def other_clues(world: World, month: Month, factor: float) -> list[Clue]:
    """Clues as the drone, warning and grid systems will hand them over."""
    rng = np.random.default_rng([month.label, 7])
    n = rng.poisson(4_000 * factor)
    entity = rng.integers(0, len(world.entities), n)
    source = rng.choice(list(OTHER_SOURCES), n)
    found = rng.integers(0, len(month.days), n)
    handed = np.minimum(found + rng.integers(0, 4, n), len(month.days) - 1)
    return [Clue(f"{OTHER_SOURCES[s]}{month.yyyymm}{i:07d}", int(e), int(rng.integers(0, 21)),
                 month.days[f], month.days[h], str(s))
            for i, (e, s, f, h) in enumerate(zip(entity, source, found, handed, strict=True))]


def run(world: World, start: date, end: date, factor: float) -> Run:
    """The engine's month loop for the systems that feed the clue centre."""
    result, pending = Run([], [], []), []
    for month in months(start, end):
        pending += inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * factor,
                                             end).clues
        pending += complaints.generate_month(world, month, factor, end).clues
        pending += other_clues(world, month, factor)
        due = [c for c in pending if c.handed_over <= month.days[-1]]
        pending = [c for c in pending if c.handed_over > month.days[-1]]
        exports, cases = sim.generate_month(world, month, due, sim.CASES_PER_YEAR * factor, end)
        result.exports.append(exports)
        result.cases.append(cases)
        result.handed += due
    return result


def land(world: World, root: Path, rate: float, start: date = START, end: date = END,
         factor: float = FACTOR) -> Landed:
    result = run(world, start, end, factor)
    rows: dict[str, list[dict[str, object]]] = defaultdict(list)
    frames = FrameOutbox()
    for exports in result.exports:
        for row in exports.rows[CASES.table_name]:
            rows[str(row["updated_at"])[:10]].append(row)
        frames.add(exports.frames)
    loaded, quarantined, ledger, written = {}, {}, [], {}
    for contract in CONTRACTS:
        files = []
        for month in months(start, end):
            for day in month.days:
                rng = np.random.default_rng([zlib.crc32(contract.table_name.encode()),
                                             day.toordinal()])
                if contract is CASES:
                    batch = sorted(rows.pop(day.isoformat(), []),
                                   key=lambda r: (str(r["updated_at"]), str(r["case_no"])))
                    out = write_export(root, contract, day, batch, "utf-8", rng, rate)
                else:
                    out = write_frame(root, contract, day, frames.pop(contract, day), rng, rate)
                files.append(ExportFile(root / out.relative, out.relative))
                ledger += out.ledger
                written[contract.table_name] = written.get(contract.table_name, 0) + out.rows
        batch = validate_batch(contract, read_exports(files, contract))
        loaded[contract.table_name] = batch.loaded
        quarantined[contract.table_name] = batch.quarantined
    assert not rows, "no state row may be dated after the end"
    return Landed(loaded, quarantined, ledger, written, result)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED, FACTOR)


@pytest.fixture(scope="module")
def clean(world: World, tmp_path_factory: pytest.TempPathFactory) -> Landed:
    return land(world, tmp_path_factory.mktemp("clean") / "landing", 0.0)


def month_of(day: date, end: date = END) -> Month:
    return next(m for m in months(date(day.year, day.month, 1), end) if day in m.days)


# --- how the system exports ------------------------------------------------------------------


def test_same_seed_same_month(world: World) -> None:
    month = month_of(date(2022, 4, 1))
    clues = other_clues(world, month, FACTOR)
    first, cases = sim.generate_month(world, month, clues, 1_750.0, END)
    again, cases_again = sim.generate_month(world, month, clues, 1_750.0, END)
    assert first.rows == again.rows and first.records == again.records
    for table, days in first.frames.items():
        assert days.keys() == again.frames[table].keys()
        assert all(frame.equals(again.frames[table][day]) for day, frame in days.items())
    assert (cases.case_no == cases_again.case_no).all()


def test_shorter_range_reproduces_its_days(world: World) -> None:
    month = month_of(date(2022, 3, 1))
    clues = other_clues(world, month, FACTOR)
    long, _ = sim.generate_month(world, month, clues, 1_750.0, END)
    short, _ = sim.generate_month(world, month, clues, 1_750.0, date(2022, 3, 31))
    table = CASES.table_name
    assert short.rows[table] == [r for r in long.rows[table] if str(r["updated_at"]) < "2022-04"]
    for name, days in short.frames.items():
        assert all(frame.equals(long.frames[name][day]) for day, frame in days.items())


def test_clean_exports_meet_their_contracts(clean: Landed) -> None:
    for table, frame in clean.quarantined.items():
        assert frame.height == 0, frame.head()
        assert clean.loaded[table].height == clean.written[table] > 0
    assert clean.ledger == []


def test_defects_are_quarantined_for_exactly_their_reason(world: World, tmp_path: Path) -> None:
    landed = land(world, tmp_path / "landing", 0.05, end=date(2022, 3, 31))
    quarantined = sorted(row for frame in landed.quarantined.values() for row in frame.select(
        "_source_file", "_source_line", "reason_code").iter_rows())
    assert quarantined == sorted((e.file, e.line, e.reason.value) for e in landed.ledger)
    assert {e.entity for e in landed.ledger if e.reason.value == "DATE_ORDER"} >= {
        "clues", "case_events"}


def test_state_rows_one_per_key_and_day_and_nothing_after_the_end(clean: Landed) -> None:
    for contract in (CLUES, CASES):
        frame = clean.loaded[contract.table_name].with_columns(
            pl.col("updated_at").dt.date().alias("day"))
        assert frame.select(pl.struct(*contract.key, "day").is_unique().all()).item()
        assert frame["updated_at"].max().date() <= END
    events = clean.loaded[CASE_EVENTS.table_name]
    assert events.select(pl.struct("case_no", "seq").is_unique().all()).item()
    assert events["updated_at"].max().date() <= END


# --- the clue centre -------------------------------------------------------------------------


def test_every_handed_over_clue_is_received_and_assessed(clean: Landed) -> None:
    clues = clean.latest(CLUES.table_name, "clue_id")
    received = {row["clue_id"]: row for row in clues.iter_rows(named=True)}
    for clue in clean.run.handed:
        row = received[f"XS{clue.ref_id}"]
        assert row["source_ref"] == clue.ref_id and row["clue_source"] == clue.source
        assert row["received_at"].date() == max(clue.handed_over, START)
    sources = set(clues["clue_source"])
    assert sources == {"INSPECTION", "COMPLAINT", "DRONE", "WARNING", "GRID", "SUPERIOR",
                       "PATROL"}
    assessed = clues.filter(pl.col("status") == "ASSESSED")
    assert assessed["assessment"].null_count() == 0
    assert clues.filter(pl.col("status") == "RECEIVED")["assessment"].null_count() == (
        clues.height - assessed.height)
    filed = assessed.group_by(pl.col("clue_source") == "INSPECTION").agg(
        (pl.col("assessment") == "FILED").mean().alias("share"))
    share = dict(filed.iter_rows())
    assert 0.88 < share[True] < 0.98 and 0.7 < share[False] < 0.86
    overall = (assessed["assessment"] == "FILED").mean()
    assert 0.75 < overall < 0.88


def test_filed_clues_become_cases_on_the_assessment_day(clean: Landed) -> None:
    clues = clean.latest(CLUES.table_name, "clue_id").filter(pl.col("status") == "ASSESSED")
    cases = clean.latest(CASES.table_name, "case_no")
    joined = clues.filter(pl.col("assessment") == "FILED").join(
        cases, on="case_no", how="left", suffix="_case")
    in_range = joined.filter(pl.col("filed_date").is_not_null())
    assert in_range.height > 0.95 * joined.height
    assert (in_range["clue_id"] == in_range["clue_id_case"]).all()
    assert (in_range["filed_date"] == in_range["assessed_at"].dt.date()).all()
    for column in ("dept_code", "town_code", "entity_uscc", "clue_source"):
        assert (in_range[column].eq_missing(in_range[f"{column}_case"])).all(), column
    merged = clues.filter(pl.col("assessment") == "MERGED").join(cases, on="case_no",
                                                                  suffix="_case")
    assert merged.height > 0 and (merged["dept_code"] == merged["dept_code_case"]).all()
    assert (merged["county_code"] == merged["county_code_case"]).all()
    assert (merged["filed_date"] <= merged["assessed_at"].dt.date()).all()
    others = clues.filter(pl.col("assessment").is_in(["NOT_FILED", "TRANSFERRED"]))
    assert others.height > 0 and others["case_no"].null_count() == others.height
    with_clue = cases.filter(pl.col("clue_id").is_not_null())
    assert set(with_clue["clue_id"]) <= set(clues["clue_id"]) | set(
        clean.loaded[CLUES.table_name]["clue_id"])
    assert 0.05 < cases["clue_id"].null_count() / cases.height < 0.25  # on-the-spot cases


def test_random_cases_only_make_up_the_difference(world: World) -> None:
    month = month_of(date(2021, 5, 1), date(2021, 5, 31))
    _, quiet = sim.generate_month(world, month, [], 1_750.0, date(2021, 12, 31))
    clues = other_clues(world, month, FACTOR)  # about 80 clues: fewer than the month's cases
    busy, cases = sim.generate_month(world, month, clues, 1_750.0, date(2021, 12, 31))
    assert len(quiet.case_no) == len(cases.case_no) > 100  # the same yearly volume ...
    numbers = pl.DataFrame(busy.rows[CASES.table_name]).group_by("case_no").first()
    from_clues = numbers.filter(pl.col("clue_id").str.contains(r"^XS(FX|YJ|WG)")).height
    assert from_clues > 0.6 * len(clues)  # ... part of it now from the clues handed over
    assert numbers.height - from_clues == len(quiet.case_no) - from_clues < len(quiet.case_no)


# --- cases and their stages ------------------------------------------------------------------


def test_case_lifecycle_and_new_fields(clean: Landed) -> None:
    cases = clean.latest(CASES.table_name, "case_no")
    for case in cases.iter_rows(named=True):
        status, decided = case["case_status"], case["decided_date"] is not None
        assert decided == (status != "FILED") == (case["review_tier"] is not None)
        assert (case["closed_date"] is not None) == (status == "CLOSED")
        if case["procedure"] == "SIMPLE":
            assert case["review_tier"] in (None, "NONE") and not case["extended"]
        if case["review_tier"] == "COLLECTIVE":
            assert case["fine_amount"] >= 50_000
        if case["review_tier"] == "CITY":
            assert 10_000 <= case["fine_amount"] < 50_000
        if case["decision_type"] == "PENALTY":
            assert case["fine_amount"] > 0 and case["fine_paid"] is not None
            assert case["fine_paid"] == (case["paid_date"] is not None)
            if case["paid_date"] is not None:
                assert case["decided_date"] <= case["paid_date"]
                assert case["closed_date"] is None or case["paid_date"] <= case["closed_date"]
        else:
            assert case["fine_paid"] is None and case["paid_date"] is None
        if case["extended"]:
            assert case["procedure"] == "GENERAL"
    paid = cases.filter(pl.col("case_status") == "CLOSED", pl.col("decision_type") == "PENALTY")
    assert 0.95 < paid["fine_paid"].mean() <= 1.0


def test_items_are_penalty_items_of_the_department_listed_by_filing(
        world: World, clean: Landed) -> None:
    index = item_index(world.seed)
    at = {code: i for i, code in enumerate(index.code)}
    cases = clean.latest(CASES.table_name, "case_no")
    moved = 0
    for code, dept, filed in cases.select("item_code", "dept_code", "filed_date").iter_rows():
        i = at[code]
        assert index.item_type[i] == "PENALTY" and index.listed[i] <= filed
        if index.department[i] != dept:
            assert dept == "ZHZF" and index.comprehensive_from[i] <= filed
            moved += 1
    assert moved > 0


def test_teams_are_the_registers_teams_active_on_the_filing_day(
        world: World, clean: Landed) -> None:
    teams = {t.team_id: t for t in build_teams(world)}
    cases = clean.latest(CASES.table_name, "case_no")
    with_team = cases.filter(pl.col("team_code").is_not_null())
    assert with_team.height > 0.8 * cases.height
    for team_id, county, filed in with_team.select("team_code", "county_code",
                                                   "filed_date").iter_rows():
        team = teams[team_id]
        assert team.area == county and team.active(filed)


def test_stage_log_matches_the_case_rows(clean: Landed) -> None:
    events = clean.loaded[CASE_EVENTS.table_name].sort("case_no", "seq")
    cases = clean.latest(CASES.table_name, "case_no")
    per_case = events.group_by("case_no", maintain_order=True).agg(
        pl.col("seq"), pl.col("stage"), pl.col("event_at"))
    stages = {row[0]: row for row in per_case.iter_rows()}
    closed = per_case.join(cases.filter(pl.col("case_status") == "CLOSED"), on="case_no")
    assert 5.0 < closed["stage"].list.len().mean() < 7.5  # about six stages a case
    last_day = datetime.combine(END + timedelta(days=1), datetime.min.time())
    checked = 0
    for case in cases.iter_rows(named=True):
        if case["case_no"] not in stages:
            continue  # every stage of it still syncing at the end
        _, seq, names, times = stages[case["case_no"]]
        assert seq == sorted(set(seq)) and times == sorted(times)  # a late sync leaves gaps
        if case["closed_date"] is not None and case["closed_date"] < END - timedelta(days=5):
            assert seq == list(range(1, len(seq) + 1))
        assert max(times) < last_day
        when = dict(zip(names, times, strict=True))
        if seq[0] == 1:
            checked += 1
            assert names[0] == "FILED" and when["FILED"].date() == case["filed_date"]
        for stage, column in (("DECIDED", "decided_date"), ("CLOSED", "closed_date"),
                              ("EXECUTED", "paid_date")):
            if case[column] is not None and stage in when:
                assert when[stage].date() == case[column]
        if case["closed_date"] is not None and "CLOSED" in when:
            assert names[-1] == "CLOSED"
        if case["review_tier"] is not None and "DECIDED" in when and seq[0] == 1:
            assert ("LEGAL_REVIEW" in when) == (case["review_tier"] != "NONE")
        if "EXTENDED" in when:
            assert case["extended"] or case["case_status"] == "FILED"
            assert (when["EXTENDED"].date() - case["filed_date"]).days < 90
    assert checked > 0.9 * cases.height
    posts = events.group_by("stage").agg(pl.col("handler_post").unique())
    assert dict(posts.iter_rows())["LEGAL_REVIEW"] == ["LEGAL_REVIEWER"]
    tiers = events.filter(pl.col("stage") == "LEGAL_REVIEW").join(
        cases.filter(pl.col("review_tier").is_not_null()), on="case_no")
    expected = {"COUNTY": "法制审核：县级", "CITY": "法制审核：市级",
                "COLLECTIVE": "法制审核：集体讨论决定"}
    assert tiers.height > 0
    assert (tiers["note"] == tiers["review_tier"].replace_strict(expected)).all()


def test_case_rows_are_stamped_at_their_stage(clean: Landed) -> None:
    """Each state row of a case is stamped with the time of a stage of its log."""
    events = clean.loaded[CASE_EVENTS.table_name].select(
        "case_no", "stage", pl.col("event_at").alias("updated_at"))
    cases = clean.loaded[CASES.table_name]
    joined = cases.join(events, on=["case_no", "updated_at"], how="left")
    assert joined.height == cases.height
    assert joined["stage"].null_count() < 0.02 * cases.height  # stages syncing at the end
    matched = joined.filter(pl.col("stage").is_not_null())
    assert set(matched["stage"]) == {"FILED", "EXTENDED", "DECIDED", "EXECUTED", "CLOSED"}
    status = {"FILED": "FILED", "EXTENDED": "FILED", "DECIDED": "DECIDED",
              "EXECUTED": "DECIDED", "CLOSED": "CLOSED"}
    assert (matched["case_status"] == matched["stage"].replace_strict(status)).all()


# --- the scripted bamboo-theft case ----------------------------------------------------------


def test_bamboo_theft_story(clean: Landed, world: World) -> None:
    cases = clean.latest(CASES.table_name, "case_no").filter(
        pl.col("case_no") == clue_centre.STORY_CASE_NO)
    assert cases.height == 1
    case = cases.row(0, named=True)
    park = next(t for t in build_teams(world) if t.name == PARK_TEAM[1])
    assert case["team_code"] == park.team_id and park.active(case["filed_date"])
    assert case["county_code"] == "330824" and case["town_code"] == clue_centre.STORY_TOWN
    assert case["clue_id"] == clue_centre.STORY_CLUE_ID and case["clue_source"] == "PATROL"
    assert case["entity_uscc"] is None and case["party_id_no"] is not None
    assert case["filed_date"] == clue_centre.STORY_DAY
    assert case["decision_type"] == "PENALTY" and case["fine_paid"]
    assert (case["decided_date"] - case["filed_date"]).days <= 7  # 快速处置
    index = item_index(world.seed)
    item = index.code.index(case["item_code"])
    assert index.domain[item] == "FORESTRY" and index.item_type[item] == "PENALTY"
    clue = clean.latest(CLUES.table_name, "clue_id").filter(
        pl.col("clue_id") == clue_centre.STORY_CLUE_ID).row(0, named=True)
    assert clue["assessment"] == "FILED" and clue["case_no"] == clue_centre.STORY_CASE_NO
    assert clue["received_at"].date() == clue_centre.STORY_DAY
    stages = clean.loaded[CASE_EVENTS.table_name].filter(
        pl.col("case_no") == clue_centre.STORY_CASE_NO).sort("seq")
    assert stages["stage"].to_list()[0] == "FILED" and stages["stage"][-1] == "CLOSED"


def test_story_is_there_at_every_scale_and_only_in_range() -> None:
    tiny = build_world(DEFAULT_SEED, 0.0001)
    april = month_of(date(2022, 4, 1), date(2022, 4, 30))
    exports, _ = sim.generate_month(tiny, april, [], 17.5, date(2022, 4, 30))
    numbers = {r["case_no"] for r in exports.rows[CASES.table_name]}
    assert clue_centre.STORY_CASE_NO in numbers
    before = month_of(date(2022, 4, 1), date(2022, 4, 11))
    exports, _ = sim.generate_month(tiny, before, [], 17.5, date(2022, 4, 11))
    assert clue_centre.STORY_CASE_NO not in {r["case_no"] for r in exports.rows[CASES.table_name]}


def test_the_cooking_fume_storys_clue_is_always_filed_on_receipt(world: World) -> None:
    """Story 1's joint inspection hands its clue over; the clue centre files it that day."""
    restaurant = int(fume_story.story_restaurants(world)[0])
    found = fume_story.STORY_DAY + timedelta(days=1)
    handed = found + timedelta(days=4)
    clue = Clue("JC202205990001", restaurant, world.departments.index("ZHZF"), found, handed)
    exports, _ = sim.generate_month(world, month_of(handed), [clue], 1_750.0, END)
    clues = pl.concat(exports.frames[CLUES.table_name].values()).filter(
        pl.col("clue_id") == "XSJC202205990001")
    assert clues["status"].to_list() == ["ASSESSED"] and clues["assessment"][0] == "FILED"
    case = [r for r in exports.rows[CASES.table_name] if r["clue_id"] == "XSJC202205990001"]
    assert case and case[0]["filed_date"] == handed.isoformat()
