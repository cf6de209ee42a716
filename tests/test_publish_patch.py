"""Publishing patches the tables of the served snapshot instead of copying them.

The next snapshot starts as a copy of the served one; an incremental mart's rows carry the
time of the run that wrote them (``_written_at``), and only rows of runs the served snapshot
has not seen are copied, replacing their keys' rows. A table dbt rebuilt whole gets the rows
that differ (by row hash). Whatever path a table takes, the
snapshot must equal the build; after ``PATCHED_IN_A_ROW`` patches it starts from an empty
file again. The copy of the served snapshot may be made beforehand, while dbt runs
(``pipelines.snapshot_base``): taken when it still matches the served file, else dropped.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines import publish, snapshot_base, table_patch
from pipelines.publish import publish_snapshot
from pipelines.snapshot_base import PATCHED_IN_A_ROW, prepare_in_background, prepared_path
from tests.tiny_build import build_database

FACT = ("marts", "fct_case_events")
KEYS = {FACT: ["case_no", "seq"]}


def _build(path: Path) -> None:
    build_database(path)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table marts.fct_case_events as select 'C' || (i // 3) as case_no, "
            "i % 3 as seq, 'FILED' as stage, timestamp '2022-06-01 08:00' as _written_at "
            "from range(30) as t(i)"
        )


def _daily_run(path: Path, run_time: str) -> None:
    """What an incremental run does: rewrite some keys and add new ones, stamped."""
    with duckdb.connect(str(path)) as con:
        con.execute("delete from marts.fct_case_events where case_no in ('C1', 'C2')")
        con.execute(
            "insert into marts.fct_case_events select case_no, seq, 'CLOSED', ?::timestamp "
            "from (values ('C1', 0), ('C1', 1), ('C1', 2), ('C2', 0), ('C2', 1), ('C2', 2), "
            "('N' || strftime(?::timestamp, '%d%H%M'), 0)) as v(case_no, seq)",
            [run_time, run_time],
        )
        con.execute("create or replace table marts.dim_geography as select '330800' as "
                    "geo_code, 'city' as geo_level, ? as name_zh", [f"衢州市 {run_time}"])


def _differences(snapshot: Path, build: Path) -> int:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        con.execute("attach ? as b (read_only)", [str(build)])
        total = 0
        for schema, table in (FACT, ("marts", "dim_geography")):
            total += con.execute(
                f"select count(*) from ((select * from {schema}.{table} except all "
                f"select * from b.{schema}.{table}) union all (select * from "
                f"b.{schema}.{table} except all select * from {schema}.{table}))"
            ).fetchone()[0]
        return total


def _patched_in_a_row(snapshot: Path) -> int:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute("select patched_in_a_row from meta.build_info").fetchone()[0]


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """The tiny build's fact stands for a dbt incremental model; record each patch."""
    calls: list[tuple[str, bool]] = []
    patch = table_patch.patch_new_runs

    def spy(con, snapshot, schema, table, keys):  # noqa: ANN001, ANN202
        done = patch(con, snapshot, schema, table, keys)
        calls.append((f"{schema}.{table}", done))
        return done

    monkeypatch.setattr(publish, "incremental_keys", lambda: KEYS)
    monkeypatch.setattr(table_patch, "patch_new_runs", spy)
    return calls


def test_daily_publishes_patch_the_fact_and_equal_the_build(
    tmp_path: Path, spied: list[tuple[str, bool]]
) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)  # the first: nothing to start from
    assert spied == [] and _patched_in_a_row(served) == 0
    for day in range(1, PATCHED_IN_A_ROW + 2):
        _daily_run(build, f"2022-07-{day:02d} 02:00")
        summary = publish_snapshot(build, served)
        assert _differences(served, build) == 0, day
        assert summary.tables["marts.fct_case_events"] == 30 + day
    # six patched publishes in a row, then one from an empty file
    assert spied == [("marts.fct_case_events", True)] * PATCHED_IN_A_ROW
    assert _patched_in_a_row(served) == 0


def test_a_patch_that_would_lose_rows_copies_the_table_whole(
    tmp_path: Path, spied: list[tuple[str, bool]]
) -> None:
    """Rows deleted without a rewrite (no new run time shows them) leave the row counts
    apart: the table is copied whole and the snapshot still equals the build."""
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)
    _daily_run(build, "2022-07-01 02:00")
    with duckdb.connect(str(build)) as con:
        con.execute("delete from marts.fct_case_events where case_no = 'C5'")
    publish_snapshot(build, served)
    assert spied == [("marts.fct_case_events", False)]
    assert _differences(served, build) == 0


def test_a_full_refresh_or_a_new_shape_is_copied_whole(
    tmp_path: Path, spied: list[tuple[str, bool]]
) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)
    with duckdb.connect(str(build)) as con:  # every row rewritten by one run
        con.execute("update marts.fct_case_events set _written_at = timestamp '2022-07-02'")
    publish_snapshot(build, served)
    with duckdb.connect(str(build)) as con:  # a model change added a column
        con.execute("alter table marts.fct_case_events add column handler varchar")
    publish_snapshot(build, served)
    assert spied == [("marts.fct_case_events", False)] * 2
    assert _differences(served, build) == 0


def test_the_incremental_keys_come_from_the_dbt_models() -> None:
    keys = publish.incremental_keys()
    assert keys[("marts", "fct_credit_months")] == ["entity_uscc", "month_start"]
    assert keys[("marts", "fct_complaint_tickets")] == ["ticket_no"]
    assert set(keys) == {
        ("marts", name) for name in (
            "fct_approvals", "fct_credit_months", "fct_entity_months", "fct_case_events",
            "fct_complaint_tickets", "fct_drone_findings", "fct_grid_events",
            "fct_inspection_burden_alerts", "fct_merge_opportunities",
        )
    }
    # an entity's rows are replaced together: its alerts, its months of merge opportunities
    assert keys[("marts", "fct_inspection_burden_alerts")] == ["entity_uscc"]


def test_a_patch_that_fails_midway_leaves_the_table_to_a_whole_copy(
    tmp_path: Path, spied: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error inside the patch (here a key the table does not have) is rolled back and
    the table copied whole: the publish goes through and equals the build."""
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)
    _daily_run(build, "2022-07-01 02:00")
    monkeypatch.setattr(publish, "incremental_keys", lambda: {FACT: ["no_such_column"]})
    publish_snapshot(build, served)
    assert spied == [("marts.fct_case_events", False)]
    assert _differences(served, build) == 0


def _table_differences(snapshot: Path, build: Path, table: str) -> int:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        con.execute("attach ? as b (read_only)", [str(build)])
        return con.execute(
            f"select count(*) from ((select * from {table} except all select * from b.{table}) "
            f"union all (select * from b.{table} except all select * from {table}))"
        ).fetchone()[0]


def test_tables_rebuilt_whole_are_patched_by_the_rows_that_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    with duckdb.connect(str(build)) as con:
        con.execute("create table marts.fct_warnings as select 'K' || i as case_no, "
                    "i * 10.0 as fine, null::date as closed from range(100) as t(i)")
    publish_snapshot(build, served)
    calls: list[tuple[str, bool]] = []
    patch_rows = table_patch.patch_changed_rows

    def spy(con, snapshot, schema, table):  # noqa: ANN001, ANN202
        done = patch_rows(con, snapshot, schema, table)
        calls.append((f"{schema}.{table}", done))
        return done

    monkeypatch.setattr(table_patch, "patch_changed_rows", spy)
    with duckdb.connect(str(build)) as con:  # dbt rebuilt it: a case closed, one gone, one new
        con.execute("create or replace table marts.fct_warnings as "
                    "select case_no, fine, case when case_no = 'K7' then date '2022-07-01' "
                    "end as closed from marts.fct_warnings where case_no <> 'K3' "
                    "union all select 'K100', 5.0, null")
    publish_snapshot(build, served)
    assert ("marts.fct_warnings", True) in calls
    assert _table_differences(served, build, "marts.fct_warnings") == 0

    calls.clear()  # a row repeated exactly cannot be told apart by its hash: copied whole
    with duckdb.connect(str(build)) as con:
        con.execute("insert into marts.fct_warnings select * from marts.fct_warnings limit 1")
    summary = publish_snapshot(build, served)
    assert ("marts.fct_warnings", False) in calls
    assert summary.tables["marts.fct_warnings"] == 101
    assert _table_differences(served, build, "marts.fct_warnings") == 0

    calls.clear()  # as many rows, the same distinct rows and the same hash xor, repeated
    with duckdb.connect(str(build)) as con:  # differently: served a a a b, built a b b b
        con.execute("create or replace table marts.fct_warnings as select * from "
                    "(values ('A', 1.0, null::date), ('A', 1.0, null), ('A', 1.0, null), "
                    "('B', 2.0, null)) as t(case_no, fine, closed)")
    publish_snapshot(build, served)
    with duckdb.connect(str(build)) as con:
        con.execute("create or replace table marts.fct_warnings as select * from "
                    "(values ('A', 1.0, null::date), ('B', 2.0, null), ('B', 2.0, null), "
                    "('B', 2.0, null)) as t(case_no, fine, closed)")
    publish_snapshot(build, served)
    assert ("marts.fct_warnings", False) in calls
    assert _table_differences(served, build, "marts.fct_warnings") == 0


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The snapshots publish copies itself (not the copy prepared in the background)."""
    made: list[Path] = []
    copyfile = publish.shutil.copyfile

    def spy(source, destination):  # noqa: ANN001, ANN202
        if Path(destination) != prepared_path(Path(source)):
            made.append(Path(source))
        return copyfile(source, destination)

    monkeypatch.setattr(publish.shutil, "copyfile", spy)
    return made


def test_a_copy_prepared_while_dbt_runs_is_patched_and_equals_the_build(
    tmp_path: Path, spied: list[tuple[str, bool]], copies: list[Path]
) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)
    assert prepare_in_background(served)  # the dbt step's start
    _daily_run(build, "2022-07-01 02:00")
    publish_snapshot(build, served)
    assert copies == [], "the prepared copy was taken, not a new one made"
    assert spied == [("marts.fct_case_events", True)]
    assert _differences(served, build) == 0 and _patched_in_a_row(served) == 1
    assert not prepared_path(served).exists()


def test_a_copy_already_under_way_is_kept_and_taken(
    tmp_path: Path, spied: list[tuple[str, bool]], copies: list[Path]
) -> None:
    """``pipelines daily`` starts the copy before its ingest; the dbt step then keeps it
    rather than copying again, unless the served file changed in between."""
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)
    assert prepare_in_background(served)  # before the ingest
    early = snapshot_base._COPIES[served]
    assert prepare_in_background(served)  # the dbt step's start
    assert snapshot_base._COPIES[served] is early
    _daily_run(build, "2022-07-01 02:00")
    publish_snapshot(build, served)
    assert copies == [] and _differences(served, build) == 0
    assert not prepared_path(served).exists()

    assert prepare_in_background(served)
    early = snapshot_base._COPIES[served]
    early.thread.join()
    with duckdb.connect(str(served)) as con:  # the served file changes after the copy began
        con.execute("create table meta.touched as select 1 as i")
    assert prepare_in_background(served)
    assert snapshot_base._COPIES[served] is not early
    snapshot_base.discard_prepared(served)
    assert not prepared_path(served).exists()


def test_a_prepared_copy_of_a_snapshot_since_replaced_is_dropped(
    tmp_path: Path, spied: list[tuple[str, bool]], copies: list[Path]
) -> None:
    """Another publish replaced the served file after the copy began: the copy is of an
    older snapshot, so publish copies the served one itself."""
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    publish_snapshot(build, served)
    assert prepare_in_background(served)
    _daily_run(build, "2022-07-01 02:00")
    snapshot_base._COPIES[served].thread.join()
    with duckdb.connect(str(served)) as con:  # the served file changes under the copy
        con.execute("create table meta.touched as select 1 as i")
    _daily_run(build, "2022-07-02 02:00")
    publish_snapshot(build, served)
    assert copies == [served]
    assert _differences(served, build) == 0
    assert not prepared_path(served).exists()


def test_no_copy_is_prepared_when_the_next_publish_starts_from_an_empty_file(
    tmp_path: Path, spied: list[tuple[str, bool]]
) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    assert not prepare_in_background(served)  # nothing served yet
    _build(build)
    publish_snapshot(build, served)
    with duckdb.connect(str(served)) as con:
        con.execute("update meta.build_info set patched_in_a_row = ?", [PATCHED_IN_A_ROW])
    assert not prepare_in_background(served)
    assert not prepared_path(served).exists()


def test_the_copy_is_prepared_only_for_runs_that_publish() -> None:
    """A run of some models (rematerialised from the UI) has no publish to take the copy;
    the daily transform job and ``python -m pipelines transform`` do."""
    from pipelines.definitions import defs
    from pipelines.schedules import transform_and_publish_job
    from pipelines.transform import run_publishes, warehouse_models

    graph = defs.resolve_asset_graph()
    job_keys = transform_and_publish_job.selection.resolve(graph)
    models_only = frozenset(warehouse_models.keys)
    assert run_publishes(None)  # a whole job's run
    assert run_publishes(frozenset(job_keys))
    assert not run_publishes(models_only)
    assert not run_publishes(frozenset({next(iter(models_only))}))


def test_a_whole_copy_writes_clustered_tables_in_their_order(tmp_path: Path) -> None:
    """Indicator values are written sorted by what readers filter on (grain, place,
    department, category, period), whatever order the build holds them in, so a page's
    read of one place skips the row groups of every other; the rows are the build's."""
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    _build(build)
    with duckdb.connect(str(build)) as con:
        con.execute("create schema indicators")
        con.execute(
            "create table indicators.values as select "
            "case when i % 2 = 0 then 'month' else 'day' end as period_grain, "
            "['city', 'county', 'town'][i % 3 + 1] as geo_level, "
            "'3308' || lpad((i * 7919 % 97)::varchar, 2, '0') as geo_code, "
            "['ALL', 'D01'][i % 5 // 4 + 1] as department_code, "
            "'CAT_' || (i * 31 % 11) as category_code, "
            "date '2022-01-01' + (i * 13 % 180)::int as period_start, "
            "i::double as value from range(5000) as t(i) order by value desc"
        )
    publish_snapshot(build, served)
    key = publish.CLUSTERED[("indicators", "values")]
    with duckdb.connect(str(served), read_only=True) as con:
        stored = con.execute(f"select {key}, value from indicators.values order by rowid")
        stored_rows = stored.fetchall()
        con.execute("attach ? as b (read_only)", [str(build)])
        built = con.execute(f"select {key}, value from b.indicators.values").fetchall()
    assert sorted(stored_rows) == sorted(built)
    stored_keys = [row[:-1] for row in stored_rows]
    assert stored_keys == sorted(stored_keys)
    assert [row[:-1] for row in built] != stored_keys  # the build held them in another order
