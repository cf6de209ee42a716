"""综合查一次 in the simulator: the plan register, triggered tasks, checklist lines and
credit-driven sampling, checked month by month at demo scale (no full run needed).

The months are generated the way the engine calls them (in order, with the run's start, the
month's triggers and the credit weights); the triggers are synthetic but shaped like the
real ones (approvals, warnings, 12345 tickets, drone findings), plus the scenario's scripted
story: a cooking-fume warning sends a joint team to one lane's restaurants, one of which
becomes a clue.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.readers import ExportFile, read_exports
from sources.simulator import credit, inspection, market, plans
from sources.simulator.city import INDUSTRIES
from sources.simulator.frames import write_frame
from sources.simulator.handoffs import Clue, Trigger
from sources.simulator.items import item_index
from sources.simulator.timeline import Month, months
from sources.simulator.world import World, build_world
from sources.simulator.writers import write_export
from sources.systems.inspection import CHECKLIST_LINES, PLANS, TASKS
from sources.validate import validate_batch

SEED, FACTOR = 20220620, 0.01
START, END = date(2020, 1, 1), date(2022, 6, 30)
RUN_MONTHS = [*months(date(2020, 1, 1), date(2020, 6, 30)), *months(date(2021, 6, 1),
              date(2021, 6, 30)), *months(date(2022, 1, 1), END)]
STORY_DAY = date(2021, 6, 15)
SIGNAL_MIX = (("APPROVAL", 0.45), ("WARNING", 0.25), ("COMPLAINT", 0.25), ("DRONE", 0.05))


def triggers_per_year(month: Month) -> float:
    """Full-scale triggers a year: few before the reform, more after (a feasible volume)."""
    return 20_000.0 if month.year == 2020 else 40_000.0


def synthetic_triggers(world: World, month: Month, per_year: float, label: int = 0
                       ) -> list[Trigger]:
    """Triggers raised in ``month``: entities by inspection weight, the department most
    concerned with the trade, due in 5-15 days, a quarter asking for partners."""
    rng = np.random.default_rng([month.label, label])
    pool, depts = world.entities, world.departments
    n = int(rng.poisson(per_year * FACTOR / 12))
    entity = rng.choice(len(pool), n, p=pool.inspect_weight / pool.inspect_weight.sum())
    source = rng.choice(len(SIGNAL_MIX), n, p=[p for _, p in SIGNAL_MIX])
    result = []
    for i, (e, s) in enumerate(zip(entity.tolist(), source.tolist(), strict=True)):
        order = np.argsort(-depts.affinity[pool.industry[e]]).tolist()
        raised = month.days[int(rng.integers(len(month.days)))]
        partners = tuple(order[1:3]) if rng.random() < 0.25 else ()
        result.append(Trigger(SIGNAL_MIX[s][0], f"T{month.yyyymm}{label}{i:05d}", e, order[0],
                              raised, raised + timedelta(days=int(rng.integers(5, 16))),
                              partners=partners))
    return result


def story_triggers(world: World) -> list[Trigger]:
    """The cooking-fume warning: a joint visit of the restaurants of one lane."""
    pool, codes = world.entities, world.departments.codes
    catering = [i.code for i in INDUSTRIES].index("CATERING")
    town = int(np.bincount(pool.town[pool.industry == catering]).argmax())
    lane = np.flatnonzero((pool.industry == catering) & (pool.town == town))[:5].tolist()
    partners = (codes.index("STHJ"), codes.index("SCJG"))
    return [Trigger("WARNING", f"YJ20210615{k:04d}", e, codes.index("ZHZF"), STORY_DAY,
                    STORY_DAY + timedelta(days=3), partners=partners,
                    scripted_result="CLUE" if k == 0 else "COMPLIANT")
            for k, e in enumerate(lane)]


@dataclass
class Run:
    world: World
    tasks: list[dict[str, object]] = field(default_factory=list)
    plan_rows: list[dict[str, object]] = field(default_factory=list)
    lines: list[pl.DataFrame] = field(default_factory=list)
    clues: list[Clue] = field(default_factory=list)
    triggers: dict[str, tuple[Trigger, Month]] = field(default_factory=dict)
    weights: dict[int, np.ndarray] = field(default_factory=dict)

    def first_rows(self) -> dict[str, dict[str, object]]:
        """The inspection-day row of each task."""
        first: dict[str, dict[str, object]] = {}
        for row in sorted(self.tasks, key=lambda r: str(r["updated_at"])):
            first.setdefault(str(row["task_id"]), row)
        return first

    def line_frame(self) -> pl.DataFrame:
        return pl.concat(self.lines)


def run_months(world: World, month_list: list[Month], end: date = END,
               volume: Callable[[Month], float] = triggers_per_year) -> Run:
    run = Run(world)
    for month in month_list:
        triggers = synthetic_triggers(world, month, volume(month))
        if month.year == STORY_DAY.year and month.month == STORY_DAY.month:
            triggers += story_triggers(world)
        weights = credit.inspection_weights(world, month)
        out = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, end,
                                        start=START, triggers=triggers, weights=weights)
        run.tasks += out.rows[TASKS.table_name]
        run.plan_rows += out.rows[PLANS.table_name]
        run.lines += list(out.frames[CHECKLIST_LINES.table_name].values())
        run.clues += out.clues
        run.triggers.update({t.ref_id: (t, month) for t in triggers})
        run.weights[month.label] = weights
    return run


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SEED, FACTOR)


@pytest.fixture(scope="module")
def run(world: World) -> Run:
    return run_months(world, RUN_MONTHS)


# --- the plan register -----------------------------------------------------------------------


def _latest(rows: list[dict[str, object]], key: str, by: date) -> dict[str, dict[str, object]]:
    latest: dict[str, dict[str, object]] = {}
    for row in sorted(rows, key=lambda r: str(r["updated_at"])):
        if str(row["updated_at"])[:10] <= by.isoformat():
            latest[str(row[key])] = row
    return latest


def _all_plan_rows(world: World, start: date = START, end: date = END) -> list[dict]:
    return [row for rows in plans.export_rows(world, start, end).values() for row in rows]


def test_dynamic_plans_grow_with_the_reform_to_the_seed_figure(world: World) -> None:
    rows = _all_plan_rows(world)
    latest = _latest(rows, "plan_id", END)
    dynamic = [r for r in latest.values() if r["plan_kind"] == "DYNAMIC"]
    approved = [r for r in dynamic if r["approved_date"] and r["approved_date"] <= "2022-06-30"]
    before = [r for r in approved if r["approved_date"] < "2021-01-01"]
    assert 175 <= len(approved) <= 190, len(approved)  # the seed: 170+ launched
    assert len(before) <= 15
    assert {r["trigger_type"] for r in dynamic} == {"WARNING", "COMPLAINT", "DRONE", "SUPERIOR"}
    assert all(r["trigger_type"] is None for r in latest.values() if r["plan_kind"] != "DYNAMIC")
    # the catalogue does not scale with volume: another scale drafts the very same plans
    assert plans.build_register(build_world(SEED, 0.004)).plans == plans.register(world).plans


def test_plan_register_kinds_and_coverage(world: World) -> None:
    latest = _latest(_all_plan_rows(world), "plan_id", END)
    by_kind = Counter(r["plan_kind"] for r in latest.values())
    n_counties, n_depts = len(world.geo.county_codes), len(world.departments.codes)
    assert by_kind["FIXED"] == 4 * n_counties * n_depts  # 2019-2022, every county and dept
    fixed = {(r["window_start"][:4], r["county_code"], r["lead_dept_code"])
             for r in latest.values() if r["plan_kind"] == "FIXED"}
    assert len(fixed) == by_kind["FIXED"]
    random = [r for r in latest.values() if r["plan_kind"] == "RANDOM"]
    assert {r["lead_dept_code"] for r in random} == {"SCJG"}
    assert len({(r["window_start"], r["county_code"]) for r in random}) == len(random)
    superior = [r for r in latest.values() if r["plan_kind"] == "SUPERIOR"]
    assert all(r["county_code"] is None for r in superior)
    for year in (2020, 2021):  # one city campaign is running on every day
        days = Counter(date.fromisoformat(r["window_start"]) + timedelta(days=k)
                       for r in superior if r["window_start"][:4] == str(year)
                       for k in range((date.fromisoformat(r["window_end"])
                                       - date.fromisoformat(r["window_start"])).days + 1))
        assert len(days) == (date(year + 1, 1, 1) - date(year, 1, 1)).days
        assert set(days.values()) == {1}
    flood = [r for r in superior if "汛期" in str(r["plan_name"])]
    assert all(r["window_start"][5:] == "06-01" and r["window_end"][5:] == "07-31" for r in flood)


def test_plan_states_move_forward_one_row_a_day(world: World) -> None:
    rank = {"DRAFT": 0, "APPROVED": 1, "RUNNING": 2, "FINISHED": 3}
    index = item_index(SEED)
    inspection_items = {c for c, t in zip(index.code, index.item_type, strict=True)
                        if t == "INSPECTION"}
    by_plan: dict[str, list[dict]] = defaultdict(list)
    for row in _all_plan_rows(world):
        by_plan[str(row["plan_id"])].append(row)
    for rows in by_plan.values():
        rows.sort(key=lambda r: str(r["updated_at"]))
        days = [str(r["updated_at"])[:10] for r in rows]
        assert len(set(days)) == len(days) and days[-1] <= END.isoformat()
        states = [rank[str(r["status"])] for r in rows]
        assert states == sorted(states)
        for row in rows:
            day = str(row["updated_at"])[:10]
            assert (row["approved_date"] is None) == (row["status"] == "DRAFT")
            if row["approved_date"]:
                assert row["approved_date"] <= row["window_start"] <= row["window_end"]
                assert row["approved_date"] <= day
            if row["status"] == "RUNNING":  # or the start day's snapshot of a plan not closed
                assert row["window_start"] <= day
                assert day <= row["window_end"] or day == START.isoformat()
            if row["status"] == "FINISHED":
                assert day > row["window_end"]
        codes = str(rows[0]["item_codes"]).split(";")
        assert 1 <= len(codes) <= 6 and set(codes) <= inspection_items
    # the first export day carries a snapshot of every plan drafted before it
    drafted = {p.plan_id for p in plans.register(world).plans if p.drafted < START}
    on_start = {k for k, rows in by_plan.items() if rows[0]["updated_at"] < "2020-01-02"}
    assert drafted == on_start and len(drafted) > 300


def test_month_exports_carry_the_plan_rows_once(world: World, run: Run) -> None:
    exported = [r for r in _all_plan_rows(world)
                if any(str(r["updated_at"])[:7] == f"{m.year}-{m.month:02d}" for m in RUN_MONTHS)]
    key = lambda r: (str(r["plan_id"]), str(r["updated_at"]))  # noqa: E731
    assert sorted(map(key, run.plan_rows)) == sorted(map(key, exported))


# --- tasks and their plans -------------------------------------------------------------------


def test_every_planned_task_belongs_to_an_exported_running_plan(world: World, run: Run) -> None:
    latest = _latest(_all_plan_rows(world), "plan_id", END)
    kind_of = {"PLAN_FIXED": "FIXED", "PLAN_DYNAMIC": "DYNAMIC", "RANDOM": "RANDOM",
               "SUPERIOR": "SUPERIOR"}
    sources = Counter()
    for task in run.first_rows().values():
        sources[task["task_source"]] += 1
        if task["task_source"] not in kind_of:
            assert task["plan_id"] is None and task["trigger_ref"] is not None
            continue
        assert task["trigger_ref"] is None
        plan = latest[str(task["plan_id"])]
        assert plan["plan_kind"] == kind_of[str(task["task_source"])]
        assert plan["approved_date"] <= task["inspected_date"]
        assert plan["window_start"] <= task["inspected_date"] <= plan["window_end"]
        if plan["county_code"] is not None:
            assert plan["county_code"] == task["county_code"]
        if plan["plan_kind"] == "FIXED":
            assert plan["lead_dept_code"] == task["dept_code"]
    assert set(kind_of) <= set(sources)
    assert sources["PLAN_DYNAMIC"] > 20


def test_contract_valid_exports_of_two_months(world: World, run: Run, tmp_path: Path) -> None:
    """Rows and frames written by the engine's writers load without a single quarantine."""
    rng = np.random.default_rng(0)
    wanted = ("2020-01", "2022-06")
    for contract, rows in ((TASKS, run.tasks), (PLANS, run.plan_rows)):
        by_day: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            if str(row["updated_at"])[:7] in wanted:
                by_day[str(row["updated_at"])[:10]].append(row)
        files = [write_export(tmp_path, contract, date.fromisoformat(day), day_rows, "utf-8",
                              rng, 0.0) for day, day_rows in sorted(by_day.items())]
        _assert_all_load(tmp_path, contract, files, sum(map(len, by_day.values())))
    lines = run.line_frame().filter(pl.col("updated_at").dt.strftime("%Y-%m").is_in(wanted))
    parts = lines.with_columns(pl.col("updated_at").dt.date().alias("day")).partition_by(
        "day", as_dict=True)
    files = [write_frame(tmp_path, CHECKLIST_LINES, day, frame.drop("day"), rng, 0.0)
             for (day,), frame in parts.items()]
    assert all(f.relative.endswith(".parquet") for f in files)
    _assert_all_load(tmp_path, CHECKLIST_LINES, files, lines.height)


def _assert_all_load(root: Path, contract, files, expected: int) -> None:  # noqa: ANN001
    exports = [ExportFile(root / f.relative, f.relative) for f in files]
    batch = validate_batch(contract, read_exports(exports, contract))
    assert batch.quarantined.height == 0, batch.quarantined.head(3)
    assert batch.loaded.height == expected > 0


# --- checklist lines -------------------------------------------------------------------------


def test_checklists_fail_exactly_the_findings(world: World, run: Run) -> None:
    lines = run.line_frame()
    index = item_index(SEED)
    item_dept = dict(zip(index.code, index.department, strict=True))
    item_type = dict(zip(index.code, index.item_type, strict=True))
    per_task = lines.group_by("task_id").agg(
        pl.len().alias("n"), pl.col("line_no").sort().alias("nos"),
        (pl.col("line_result") == "FAIL").sum().alias("fails"),
        pl.col("item_code"), pl.col("updated_at").first(),
        ((pl.col("line_result") == "FAIL") == pl.col("finding_text").is_not_null()).all()
        .alias("text_iff_fail"))
    first = run.first_rows()
    assert per_task.height == len(first)
    not_own = 0
    for row in per_task.iter_rows(named=True):
        task = first[row["task_id"]]
        assert 3 <= row["n"] <= 12 and row["nos"] == list(range(1, row["n"] + 1))
        assert row["fails"] == task["finding_count"] and row["text_iff_fail"]
        assert row["updated_at"].strftime("%Y-%m-%d %H:%M:%S") == task["updated_at"]
        allowed = {task["dept_code"], *(str(task["joint_dept_codes"] or "").split(";"))}
        not_own += sum(item_dept[c] not in allowed for c in row["item_code"])
    assert not_own == 0
    assert Counter(item_type[c] for c in lines["item_code"])["INSPECTION"] == lines.height
    per_year = lines.height / len(RUN_MONTHS) * 12 / FACTOR
    assert 0.9e6 < per_year < 1.6e6  # ~1.2M lines a year at full scale
    assert 0.03 < (lines["line_result"] == "NOT_APPLICABLE").mean() < 0.12


# --- triggered tasks -------------------------------------------------------------------------


def test_each_trigger_becomes_one_task_of_its_entity(world: World, run: Run) -> None:
    by_ref = {str(t["trigger_ref"]): t for t in run.first_rows().values() if t["trigger_ref"]}
    codes, pool = world.departments.codes, world.entities
    late: dict[int, list[bool]] = defaultdict(list)
    for ref, (trigger, month) in run.triggers.items():
        task = by_ref.pop(ref, None)
        if task is None:
            assert month.days[-1] == END  # only a visit after the run's end is missing
            continue
        assert task["task_source"] == trigger.source
        assert task["dept_code"] == codes[trigger.dept]
        assert task["entity_uscc"] == pool.uscc[trigger.entity]
        visited = date.fromisoformat(str(task["inspected_date"]))
        assert visited >= max(trigger.raised, month.days[0]) and visited <= END
        late[month.year].append(visited > trigger.due)
        if trigger.partners:
            assert task["is_joint"]
            assert set(str(task["joint_dept_codes"]).split(";")) == {codes[d] for d in
                                                                     trigger.partners}
    assert not by_ref
    assert 0.1 < np.mean(late[2020]) < 0.3 and np.mean(late[2022]) < 0.1  # late less often
    spill = [t for t in run.first_rows().values()
             if t["task_id"][2:8] != str(t["inspected_date"]).replace("-", "")[:6]]
    assert spill  # a trigger raised at a month's end is visited in the next month


def test_the_scripted_story_reaches_the_clue_centre(world: World, run: Run) -> None:
    story = {t.ref_id: t for t in story_triggers(world)}
    tasks = [t for t in run.first_rows().values() if t["trigger_ref"] in story]
    assert len(tasks) == len(story) >= 3
    for task in tasks:
        trigger = story[str(task["trigger_ref"])]
        assert task["result_code"] == trigger.scripted_result and task["is_joint"]
        assert STORY_DAY.isoformat() <= task["inspected_date"] <= trigger.due.isoformat()
    (culprit,) = [t for t in tasks if t["result_code"] == "CLUE"]
    (clue,) = [c for c in run.clues if c.ref_id == culprit["task_id"]]
    assert clue.found.isoformat() == culprit["inspected_date"] and clue.source == "INSPECTION"
    assert clue.found < clue.handed_over <= END


def test_signals_come_only_from_triggers_when_triggers_are_passed(world: World, run: Run
                                                                  ) -> None:
    signals = {"WARNING", "COMPLAINT", "DRONE", "APPROVAL"}
    first = run.first_rows().values()
    assert all(t["trigger_ref"] is not None for t in first if t["task_source"] in signals)
    month = months(date(2021, 3, 1), date(2021, 3, 31))[0]
    legacy = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, END)
    drawn = Counter(r["task_source"] for r in legacy.rows[TASKS.table_name])
    assert drawn["WARNING"] and drawn["COMPLAINT"] and not drawn["APPROVAL"]
    assert PLANS.table_name not in legacy.rows  # no start given: the caller files plans


def test_triggers_raised_after_the_month_wait_for_the_next(world: World) -> None:
    """A trigger raised after the month is handed back for the next month's call, so that a
    month never depends on how far the run goes; one raised after the end is dropped."""
    month = months(date(2021, 4, 1), date(2021, 4, 30))[0]
    early = synthetic_triggers(world, month, 40_000)
    scsj = world.departments.index("SCJG")
    may = Trigger("COMPLAINT", "GD202105030001", 7, scsj, date(2021, 5, 3), date(2021, 5, 10))
    late = Trigger("COMPLAINT", "GD202207010001", 8, scsj, date(2022, 7, 1), date(2022, 7, 8))
    out = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, END,
                                    triggers=[*early, may, late])
    alone = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, END,
                                      triggers=early)
    assert out.triggers == [may] and alone.triggers == []
    assert out.rows == alone.rows  # the month is the same with or without them


def test_nothing_after_the_end_and_clues_only_by_then(run: Run) -> None:
    assert max(str(t["updated_at"]) for t in run.tasks) <= f"{END} 23:59:59"
    assert run.line_frame()["updated_at"].max().date() <= END
    assert max(c.handed_over for c in run.clues) <= END
    keys = Counter((t["task_id"], str(t["updated_at"])[:10]) for t in run.tasks)
    assert max(keys.values()) == 1  # at most one row per task and export day


# --- credit-driven sampling ------------------------------------------------------------------


def test_planned_visits_follow_the_weights(world: World, run: Run) -> None:
    """Closed entities (weight 0) are never drawn; a zero-weight entity that is triggered
    gets its triggered task and nothing more."""
    uscc_index = {u: i for i, u in enumerate(world.entities.uscc.tolist())}
    for task in run.first_rows().values():
        made = int(str(task["task_id"])[2:6]) * 12 + int(str(task["task_id"])[6:8]) - 1
        if task["trigger_ref"] is None:  # drawn by the weights of the month it was made in
            assert run.weights[made][uscc_index[str(task["entity_uscc"])]] > 0
    month = months(date(2022, 2, 1), date(2022, 2, 28))[0]
    weights = world.entities.inspect_weight.copy()
    weights[::2] = 0.0  # half the pool closed
    triggers = [t for t in synthetic_triggers(world, month, 40_000) if t.entity % 2 == 0]
    out = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, END,
                                    triggers=triggers, weights=weights)
    rows = [r for r in out.rows[TASKS.table_name] if r["rectified_date"] is None]
    even = {world.entities.uscc[i] for i in range(0, len(world.entities), 2)}
    planned = [r for r in rows if r["trigger_ref"] is None]
    assert planned and not any(r["entity_uscc"] in even for r in planned)
    assert len([r for r in rows if r["trigger_ref"] is not None]) == len(triggers)


def test_a_trigger_may_name_an_entity_registered_after_the_pool(world: World) -> None:
    """Approvals go to new businesses too: the task names the register's entity, and no
    planned visit is added (it has no weight in the pool)."""
    reg = market.register(world)
    month = months(date(2021, 9, 1), date(2021, 9, 30))[0]
    newcomer = int(np.flatnonzero(reg.registered <= np.datetime64("2021-08-01"))[-1])
    assert newcomer >= len(world.entities)
    trigger = Trigger("APPROVAL", "SP2021090001", newcomer, world.departments.index("SCJG"),
                      month.days[2], month.days[12])
    out = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, END,
                                    triggers=[trigger])
    rows = [r for r in out.rows[TASKS.table_name] if r["entity_uscc"] == reg.entities.uscc[
        newcomer]]
    assert [r["trigger_ref"] for r in rows if r["rectified_date"] is None] == ["SP2021090001"]
    assert rows[0]["county_code"] == world.geo.county_codes[reg.entities.county[newcomer]]
    assert rows[0]["entity_name"] == reg.entities.names(np.array([newcomer]))[0]


def test_triggered_entities_are_topped_up_to_the_months_burden(world: World) -> None:
    """With more triggers than the budget can top up, no fresh entity is drawn: every
    planned visit goes to an entity triggered that month, on another day."""
    month = months(date(2020, 5, 1), date(2020, 5, 31))[0]
    triggers = synthetic_triggers(world, month, 150_000, label=7)
    out = inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, END,
                                    triggers=triggers)
    rows = [r for r in out.rows[TASKS.table_name] if r["rectified_date"] is None]
    triggered = {world.entities.uscc[t.entity] for t in triggers}
    planned = [(r["entity_uscc"], r["inspected_date"]) for r in rows if r["trigger_ref"] is None]
    assert planned and all(entity in triggered for entity, _ in planned)
    visited = {(r["entity_uscc"], r["inspected_date"]) for r in rows if r["trigger_ref"]}
    assert len(set(planned)) == len(planned) and not set(planned) & visited  # other days


# --- the reform's figures --------------------------------------------------------------------


def test_burden_and_joint_share_hold_with_triggers(run: Run) -> None:
    """Distinct inspection days per inspected entity a month (triggered visits included):
    5-7 in 2020, 2-3 in 2022; the joint share rises; volume stays ~200k a year."""
    days: dict[tuple[str, str], set[str]] = defaultdict(set)
    joint: dict[int, list[bool]] = defaultdict(list)
    for task in run.first_rows().values():
        inspected = str(task["inspected_date"])
        days[(inspected[:7], str(task["entity_uscc"]))].add(inspected)
        joint[int(inspected[:4])].append(bool(task["is_joint"]))
    per_month: dict[str, list[int]] = defaultdict(list)
    for (month, _), visited in days.items():
        per_month[month].append(len(visited))
    generated = {f"{m.year}-{m.month:02d}" for m in RUN_MONTHS}  # not July's spill alone
    mean = {y: np.mean([np.mean(v) for m, v in per_month.items()
                        if m.startswith(y) and m in generated]) for y in ("2020", "2022")}
    assert 5.5 < mean["2020"] < 6.5 and 2.2 < mean["2022"] < 2.8, mean
    assert 0.06 < np.mean(joint[2020]) < 0.15 and 0.47 < np.mean(joint[2022]) < 0.63
    per_year = len(run.first_rows()) / len(RUN_MONTHS) * 12 / FACTOR
    assert 170_000 < per_year < 230_000


def test_same_seed_same_month_and_a_shorter_range_cuts_without_shifting(world: World) -> None:
    month = months(date(2022, 5, 1), date(2022, 5, 31))[0]
    triggers = synthetic_triggers(world, month, 40_000)

    def make(end: date):  # noqa: ANN202
        return inspection.generate_month(world, month, inspection.TASKS_PER_YEAR * FACTOR, end,
                                         start=START, triggers=triggers)

    full, again, short = make(END), make(END), make(month.days[-1])
    assert full.rows == again.rows and full.clues == again.clues
    cut = f"{month.days[-1]} 23:59:59"
    for table in (TASKS.table_name, PLANS.table_name):
        assert short.rows[table] == [r for r in full.rows[table] if r["updated_at"] <= cut]
    assert short.frames[CHECKLIST_LINES.table_name].keys() <= full.frames[
        CHECKLIST_LINES.table_name].keys()
    for day, frame in short.frames[CHECKLIST_LINES.table_name].items():
        assert frame.equals(full.frames[CHECKLIST_LINES.table_name][day])
    assert short.clues == [c for c in full.clues if c.handed_over <= month.days[-1]]
