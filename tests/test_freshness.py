"""Freshness per source system and the scheduled data-quality job (issue 7).

The rules (``pipelines.freshness``) are tested without Dagster; the checks, the job and the
schedule with Dagster's own test contexts against a build database in a temporary directory;
the data-operations page with AppTest on a copy of the published snapshot.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipelines.freshness import (
    EVENT_POLICY,
    QUIET_POLICY,
    Delivery,
    LagPolicy,
    TableFreshness,
    assess,
    by_system,
    deliveries_from_rows,
    policy_for,
    reference_day,
)
from sources.registry import CONTRACTS, contract_for

REF = dt.date(2022, 6, 30)
SYSTEMS = sorted({contract.system for contract in CONTRACTS})


def delivered(
    stopped: dict[str, int] | None = None, rowless: dict[str, int] | None = None
) -> list[Delivery]:
    """Every contracted table delivered files and rows up to ``REF``, except systems that
    stopped ``n`` days before it and tables whose last ``n`` files were empty."""
    stopped, rowless = stopped or {}, rowless or {}
    out = []
    for contract in CONTRACTS:
        last_file = REF - dt.timedelta(days=stopped.get(contract.system, 0))
        last_rows = last_file - dt.timedelta(days=rowless.get(contract.table_name, 0))
        out.append(Delivery(contract.table_name, last_file, last_rows))
    return out


def states(tables: list[TableFreshness]) -> dict[str, str]:
    return {table.table: table.state for table in tables}


# --- the rules, without Dagster -------------------------------------------------------------


def test_a_system_that_stops_sending_is_red_while_the_others_stay_green() -> None:
    tables = assess(delivered(stopped={"oversight": 5}))
    oversight = [t for t in tables if t.system == "oversight"]
    assert oversight and all(t.state == "red" and t.lag_days == 5 for t in oversight)
    assert all(t.state == "green" and t.lag_days == 0 for t in tables if t.system != "oversight")
    systems = by_system(tables)
    assert [s.system for s in systems][0] == "oversight"  # the worst comes first
    assert (systems[0].state, systems[0].lag_days, systems[0].last_day) == (
        "red", 5, REF - dt.timedelta(days=5))
    assert set(systems[0].late_tables) == {t.table for t in oversight}
    assert {s.system for s in systems if s.state == "green"} == set(SYSTEMS) - {"oversight"}


def test_the_reference_is_the_landing_zones_clock_not_today() -> None:
    """A scenario that ended in 2022 is not stale years later; its newest day is the clock."""
    deliveries = delivered()
    assert reference_day(deliveries) == REF
    assert set(states(assess(deliveries)).values()) == {"green"}
    # an explicit, later reference day makes everything late: the default is what saves it
    assert set(states(assess(deliveries, REF + dt.timedelta(days=400))).values()) == {"red"}


def test_a_quiet_by_design_table_is_judged_on_its_daily_file_not_its_rows() -> None:
    quiet = contract_for("oversight_file_audits")  # audits come in quarterly batches
    busy = contract_for("enforcement_cases")  # cases are filed every day
    assert not quiet.rows_every_day and busy.rows_every_day
    assert policy_for(quiet) == QUIET_POLICY and policy_for(busy) == EVENT_POLICY
    tables = {t.table: t for t in assess(delivered(rowless={quiet.table_name: 80,
                                                            busy.table_name: 3}))}
    assert (tables[quiet.table_name].state, tables[quiet.table_name].lag_days) == ("green", 0)
    # an event table still sending files, but empty ones, has stopped all the same
    assert (tables[busy.table_name].state, tables[busy.table_name].lag_days) == ("red", 3)


@pytest.mark.parametrize(
    ("lag", "expected"), [(0, "green"), (1, "amber"), (2, "amber"), (3, "red"), (None, "red")]
)
def test_default_thresholds_at_the_boundary(lag: int | None, expected: str) -> None:
    assert EVENT_POLICY.state(lag) == expected
    assert QUIET_POLICY.state(lag) == expected


@pytest.mark.parametrize(
    ("lag", "expected"), [(1, "green"), (2, "amber"), (4, "amber"), (5, "red")]
)
def test_a_table_policy_moves_the_boundaries(lag: int, expected: str) -> None:
    relaxed = LagPolicy(measure="files", late_after_days=1, stalled_after_days=4)
    tables = assess(delivered(stopped={"organisation": lag}),
                    policies={"organisation_staff": relaxed})
    by_name = {t.table: t for t in tables}
    assert by_name["organisation_staff"].state == expected
    assert by_name["organisation_staff"].policy == relaxed
    teams = policy_for(contract_for("organisation_teams"))
    assert by_name["organisation_teams"].state == teams.state(lag)  # no exception


def test_inverted_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="late_after_days"):
        LagPolicy(late_after_days=3, stalled_after_days=1)


def test_a_table_that_never_delivered_is_red() -> None:
    deliveries = [d for d in delivered() if d.table != "items_items"]
    tables = {t.table: t for t in assess(deliveries)}
    assert (tables["items_items"].state, tables["items_items"].lag_days) == ("red", None)
    items = next(s for s in by_system(tables.values()) if s.system == "items")
    assert (items.state, items.last_day, items.lag_days) == ("red", None, None)
    assert {t.state for t in assess([])} == {"red"}  # nothing ingested at all


def test_deliveries_read_from_a_pandas_frame() -> None:
    frame = pd.DataFrame(
        {
            "table_name": ["a", "b"],
            "last_file_day": pd.to_datetime(["2022-06-30", "2022-06-29"]),
            "last_rows_day": pd.to_datetime(["2022-06-28", None]),
        }
    )
    assert deliveries_from_rows(frame.itertuples(index=False)) == [
        Delivery("a", REF, dt.date(2022, 6, 28)),
        Delivery("b", dt.date(2022, 6, 29), None),
    ]


# --- the Dagster checks, job and schedules --------------------------------------------------


def _ingest_log(root: Path, stopped: dict[str, int]) -> None:
    """A build database whose file log says every table landed the last three days up to
    ``REF``, except the systems stopped ``n`` days earlier."""
    from pipelines.loading import ensure_tables
    from pipelines.resources import Warehouse

    rows = []
    for d in delivered(stopped=stopped):
        contract = contract_for(d.table)
        for back in range(3):
            day = d.last_file_day - dt.timedelta(days=back)
            path = f"{contract.system}/{day}/{contract.entity}.csv"
            rows.append((d.table, path, day, "utf-8", 4, 4, 0, "test", dt.datetime(2022, 7, 1)))
    with Warehouse(data_dir=str(root)).connect() as con:
        for contract in CONTRACTS:
            ensure_tables(con, contract)
        con.executemany("insert into meta.ingest_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def test_freshness_checks_warn_about_a_stopped_system_and_record_it(tmp_path: Path) -> None:
    from pipelines.ingest import INGEST_ASSETS
    from pipelines.publish import blocking_failures
    from pipelines.quality_job import FRESHNESS_CHECKS
    from pipelines.resources import Warehouse

    _ingest_log(tmp_path, stopped={"drones": 4})
    warehouse = Warehouse(data_dir=str(tmp_path))
    result = dg.materialize(
        [*INGEST_ASSETS, *FRESHNESS_CHECKS],
        selection=dg.AssetSelection.checks(*FRESHNESS_CHECKS),
        resources={"warehouse": warehouse},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success  # WARN: a late source does not fail the run
    assert not result.get_asset_materialization_events()  # checks only
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == len(CONTRACTS)
    failed = {e.asset_key.path[1] for e in evaluations if not e.passed}
    drones = {c.table_name for c in CONTRACTS if c.system == "drones"}
    assert failed == drones
    assert {e.severity for e in evaluations} == {dg.AssetCheckSeverity.WARN}
    with warehouse.connect() as con:
        recorded = con.execute(
            "select suite, asset_key, severity, success, observed from quality.check_results"
        ).fetchall()
        assert not blocking_failures(con)  # publishing the others goes on
    assert len(recorded) == len(CONTRACTS)
    late = {row[1] for row in recorded if not row[3]}
    assert late == {f"raw/{table}:freshness" for table in drones}
    assert {row[0] for row in recorded if not row[3]} == {"freshness.drones"}
    assert {row[2] for row in recorded} == {"warn"}
    assert all('"lag_days": 4' in row[4] and '"state": "red"' in row[4]
               for row in recorded if not row[3])


def test_data_quality_schedule_runs_once_a_morning_in_city_time() -> None:
    from pipelines.quality_job import data_quality_schedule

    assert data_quality_schedule.execution_timezone == "Asia/Shanghai"
    assert data_quality_schedule.cron_schedule == "30 7 * * *"
    assert data_quality_schedule.job_name == "data_quality"
    # 23:30 UTC on 06-20 is 07:30 on 06-21 in Shanghai: the run belongs to the city's day
    tick = dt.datetime(2022, 6, 20, 23, 30, tzinfo=dt.UTC)
    context = dg.build_schedule_context(scheduled_execution_time=tick)
    requests = list(data_quality_schedule.evaluate_tick(context).run_requests or [])
    assert [r.run_key for r in requests] == ["data-quality-2022-06-21"]
    assert requests[0].tags["cockpit/city_day"] == "2022-06-21"


def test_daily_ingest_schedule_is_in_city_time() -> None:
    from pipelines.partitions import daily_partitions
    from pipelines.schedules import daily_ingest_schedule

    assert daily_partitions.timezone == "Asia/Shanghai"
    assert daily_ingest_schedule.execution_timezone == "Asia/Shanghai"
    assert daily_ingest_schedule.cron_schedule == "0 2 * * *"


def test_data_quality_job_selects_only_checks() -> None:
    from pipelines.definitions import defs
    from pipelines.quality_job import data_quality_job

    graph = defs.resolve_asset_graph()
    assert defs.resolve_job_def("data_quality") is not None
    assert data_quality_job.selection.resolve(graph) == set()  # no asset is materialised
    checks = data_quality_job.selection.resolve_checks(graph)
    freshness = {dg.AssetCheckKey(dg.AssetKey(["raw", c.table_name]), "freshness")
                 for c in CONTRACTS}
    warehouse = dg.AssetCheckKey(dg.AssetKey(["indicators", "values"]), "warehouse_suite")
    assert checks == freshness | {warehouse}
    assert defs.resolve_schedule_def("data_quality_schedule").job_name == "data_quality"
    # after every ingest run too, but not in transform-and-publish
    ingest = defs.resolve_job_def("daily_ingest").asset_layer.asset_graph.asset_check_keys
    publish = defs.resolve_job_def("transform_and_publish").asset_layer.asset_graph
    assert freshness <= ingest
    assert not freshness & publish.asset_check_keys


def test_data_quality_job_runs_in_process_on_the_built_warehouse(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real job from the code location: the warehouse suite and every freshness check,
    on a copy of the demo's build database whose grid system went quiet three days ago."""
    from pipelines.definitions import defs
    from quality.warehouse import SUITE_NAME

    (tmp_path / "warehouse").mkdir()
    build = tmp_path / "warehouse" / "build.duckdb"
    shutil.copy(published_data_dir / "warehouse" / "build.duckdb", build)
    with duckdb.connect(str(build)) as con:
        con.execute("delete from meta.ingest_files where table_name like 'grid_%' and "
                    "partition_date > (select max(partition_date) - 3 from meta.ingest_files)")
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    result = defs.resolve_job_def("data_quality").execute_in_process(
        instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    assert not result.get_asset_materialization_events()
    evaluations = {(e.asset_key.to_user_string(), e.check_name): e
                   for e in result.get_asset_check_evaluations()}
    assert ("indicators/values", "warehouse_suite") in evaluations
    late = {key for key, e in evaluations.items() if key[1] == "freshness" and not e.passed}
    assert late == {(f"raw/{c.table_name}", "freshness") for c in CONTRACTS if c.system == "grid"}
    with duckdb.connect(str(build), read_only=True) as con:
        suites = dict(con.execute(
            "select suite, bool_and(success) from quality.check_results where run_id = ? "
            "group by 1", [result.run_id]).fetchall())
    assert suites.pop("freshness.grid") is False
    assert set(suites) == {f"freshness.{s}" for s in SYSTEMS if s != "grid"} | {SUITE_NAME}
    assert all(suites[f"freshness.{s}"] for s in SYSTEMS if s != "grid")


# --- the data-operations page ---------------------------------------------------------------


def test_data_ops_page_flags_a_system_that_stopped_sending(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    repo = Path(__file__).resolve().parent.parent
    if str(repo) not in sys.path:
        sys.path.insert(0, str(repo))
    from cockpit.views import render_page_alone

    snapshot = tmp_path / "warehouse" / "cockpit.duckdb"
    snapshot.parent.mkdir()
    shutil.copy(published_data_dir / "warehouse" / "cockpit.duckdb", snapshot)
    with duckdb.connect(str(snapshot)) as con:
        newest = con.execute("select max(partition_date) from meta.ingest_files").fetchone()[0]
        con.execute(  # the oversight system sent nothing for its last six days
            "delete from meta.ingest_files where table_name like 'oversight_%' "
            "and partition_date > ?",
            [newest - dt.timedelta(days=6)],
        )
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(tmp_path))
    at = AppTest.from_function(render_page_alone, args=("data_ops", str(repo)),
                               default_timeout=120).run()
    assert not at.exception
    assert any("执法监督" in box.value and "滞后 6 天" in box.value for box in at.error)
    systems = next(frame.value for frame in at.dataframe if "系统" in frame.value.columns)
    row = systems.set_index("系统").loc["执法监督"]
    assert (row["状态"], row["滞后天数"]) == ("中断", 6)
    assert systems.iloc[0]["系统"] == "执法监督"  # the worst first
    others = systems[systems["系统"] != "执法监督"]
    assert len(others) == len(SYSTEMS) - 1 and set(others["状态"]) == {"按时"}


def test_a_system_that_sent_nothing_warns_without_blocking_the_others() -> None:
    """No file for the days ingested fails the batch's ``files`` expectation as a warning:
    the table's ingest step passes, so the run (and every other system's day) can publish,
    and the freshness check flags the stopped system."""
    import pandas as pd

    from quality.runner import run_suite
    from quality.suites import contract_suite
    from sources.registry import CONTRACTS

    specs = [spec for spec in contract_suite(CONTRACTS[0]) if spec.target == "batch"]
    batch = pd.DataFrame({"files": [0], "quarantine_share_judged": [0.0]})
    outcome = run_suite("stopped", specs, {"batch": batch}, keep_results=False)
    assert outcome.passed
    assert [o.spec.column for o in outcome.failed_warnings] == ["files"]
