"""Daily incremental runs of the large facts, staging tables and case lifecycle equal a full
rebuild (issue 4).

On a copy of the built demo warehouse, two landed days are taken out of every raw table
(and out of the ingest log, ``meta.ingest_files``); the incremental models are rebuilt from
scratch without them (yesterday's warehouse), then the days are landed back one at a time
(loaded now, as a daily ingest loads them) with an ordinary (incremental) dbt run after
each, as the daily pipeline does. The models must then equal, row for row, the ones the full
build produced, and the runs must really have been incremental. The days are the last two,
landed in order, and then the last one and a week-old one landed after it: a backfill of a
day the facts had already gone past, whose records must not be missed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from sources.config import REPO_ROOT

DBT_PROJECT = REPO_ROOT / "dbt_project"
INCREMENTAL_FACTS = (
    "fct_approvals", "fct_case_events", "fct_complaint_tickets", "fct_drone_findings",
    "fct_credit_months", "fct_entity_months", "fct_grid_events",
)
INCREMENTAL_STAGING = (
    "stg_approvals__applications", "stg_approvals__steps", "stg_complaints__ticket_events",
    "stg_complaints__tickets", "stg_drones__findings", "stg_drones__track_points",
    "stg_enforcement__case_events", "stg_enforcement__cases", "stg_grid__events",
    "stg_inspection__checklist_lines", "stg_market__credit_ratings", "stg_warnings__sensors",
    "stg_inspection__tasks", "stg_market__entities", "stg_enforcement__clues",
    "stg_approvals__supervision_claims", "stg_warnings__alerts",
)
# models between the two, incremental by the staging rows rewritten since their last run
INCREMENTAL_INTERMEDIATE = ("int_enforcement__case_lifecycle",)
# models incremental by the entities of the raw record versions loaded since their last run
INCREMENTAL_BY_VERSIONS = {"fct_inspection_burden_alerts": "marts",
                           "int_inspection__merge_opportunities": "intermediate",
                           "fct_merge_opportunities": "marts"}
MODELS = {**dict.fromkeys(INCREMENTAL_FACTS, "marts"),
          **dict.fromkeys(INCREMENTAL_STAGING, "staging"),
          **dict.fromkeys(INCREMENTAL_INTERMEDIATE, "intermediate"),
          **INCREMENTAL_BY_VERSIONS}
# what an incremental run's compiled SQL must hold: the filter that reads only what is new
SINCE_LAST_RUN = {**dict.fromkeys(INCREMENTAL_FACTS, '"ingest_files"'),
                  **dict.fromkeys(INCREMENTAL_STAGING, "where _loaded_at > ("),
                  **dict.fromkeys(INCREMENTAL_INTERMEDIATE, "_batch_loaded_at > ("),
                  **dict.fromkeys(INCREMENTAL_BY_VERSIONS, "where _loaded_at > (")}
# when a run ran: the staging batch watermark and the marts' writing-run time
RUN_TIME_COLUMNS = ("_batch_loaded_at", "_written_at")


def dbt(build_db: Path, target: Path, *args: str) -> None:
    env = {
        **os.environ,
        "COCKPIT_BUILD_DB": str(build_db),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--target-path", str(target),
         "--log-path", str(target / "logs")],
        cwd=DBT_PROJECT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "select table_name from information_schema.columns "
        "where table_schema = 'raw' and column_name = '_partition_date' order by 1"
    ).fetchall()]


def differences(
    con: duckdb.DuckDBPyConnection, left: str, right: str, exclude: tuple[str, ...] = ()
) -> int:
    """Rows in one table and not the other, either way (duplicates counted), leaving out
    the ``exclude`` columns the table has (they differ by when a run ran)."""
    columns = [
        name for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema || '.' || table_name = ? order by ordinal_position", [right]
        ).fetchall() if name not in exclude
    ]
    listed = ", ".join(f'"{name}"' for name in columns)
    return con.execute(
        f"""select count(*) from (
              (select {listed} from {left} except all select {listed} from {right})
              union all
              (select {listed} from {right} except all select {listed} from {left}))"""
    ).fetchall()[0][0]


def held_rows(con: duckdb.DuckDBPyConnection, staging_model: str) -> int:
    """Rows the held-back days hold for a staging model's raw table (a monthly system may
    have sent nothing on them)."""
    table = staging_model.removeprefix("stg_").replace("__", "_")
    return con.execute(f"select count(*) from held.{table}").fetchall()[0][0]


def land_back_day_by_day(build_db: Path, tmp_path: Path, landing_order: list[int]) -> None:
    """Hold back the days ``landing_order`` names (days before the last landed day), rebuild
    without them, then land them back in that order with a daily run after each, and
    compare with the full build (``build_db``: a copy of it)."""
    with duckdb.connect(str(build_db)) as con:
        last_day = con.execute(
            "select max(_partition_date) from raw.enforcement_case_events"
        ).fetchall()[0][0]
        held_days = [last_day - dt.timedelta(days=n) for n in landing_order]
        con.execute("create schema expected; create schema held")
        for model, schema in MODELS.items():
            con.execute(f"create table expected.{model} as select * from {schema}.{model}")
        for table in raw_tables(con):
            con.execute(f"create table held.{table} as select * from raw.{table} "
                        "where list_contains(?, _partition_date)", [held_days])
            con.execute(f"delete from raw.{table} where list_contains(?, _partition_date)",
                        [held_days])
        con.execute("create table held.ingest_files as select * from meta.ingest_files "
                    "where list_contains(?, partition_date)", [held_days])
        con.execute("delete from meta.ingest_files where list_contains(?, partition_date)",
                    [held_days])

    selection = ["--select", *(f"+{model}" for model in (*INCREMENTAL_FACTS,
                                                          *INCREMENTAL_BY_VERSIONS)),
                 *INCREMENTAL_STAGING, *INCREMENTAL_INTERMEDIATE]
    dbt(build_db, tmp_path / "full", "run", "--full-refresh", *selection)
    with duckdb.connect(str(build_db)) as con:
        con.execute("create schema yesterday")
        for model, schema in MODELS.items():
            con.execute(f"create table yesterday.{model} as select * from {schema}.{model}")

    for day in held_days:  # each day lands (ingested now, and logged), then the daily run
        loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with duckdb.connect(str(build_db)) as con:
            for table in [*raw_tables(con), "ingest_files"]:
                target_table, day_column, time_column = (
                    ("meta.ingest_files", "partition_date", "loaded_at")
                    if table == "ingest_files"
                    else (f"raw.{table}", "_partition_date", "_loaded_at")
                )
                con.execute(f"insert into {target_table} select * replace (?::timestamp as "
                            f"{time_column}) from held.{table} where {day_column} = ?",
                            [loaded_at, day])
        target = tmp_path / f"daily-{day}"
        dbt(build_db, target, "run", *selection)
        for model in MODELS:  # it read only what landed since the last run, and merged
            compiled = next(target.rglob(f"compiled/**/{model}.sql")).read_text(encoding="utf-8")
            executed = next(target.rglob(f"run/**/{model}.sql")).read_text(encoding="utf-8")
            assert SINCE_LAST_RUN[model] in compiled, model
            assert "delete from" in executed and "create table" not in executed.lower(), model

    with duckdb.connect(str(build_db), read_only=True) as con:
        for model, schema in MODELS.items():
            changed = differences(
                con, f"yesterday.{model}", f"expected.{model}", exclude=RUN_TIME_COLUMNS
            )
            if schema != "staging" or held_rows(con, model):
                assert changed > 0, f"{model}: the held-back days changed nothing"
            assert differences(
                con, f"{schema}.{model}", f"expected.{model}", exclude=RUN_TIME_COLUMNS
            ) == 0, model


def test_daily_incremental_runs_equal_the_full_build(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    land_back_day_by_day(demo_build_copy, tmp_path, landing_order=[1, 0])


def test_a_late_day_ingested_after_a_later_one_is_not_missed(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    """A backfill: the last day lands, then a week-old day the daily runs had skipped. The
    facts had gone past its landing day; its new records must reach them all the same."""
    land_back_day_by_day(demo_build_copy, tmp_path, landing_order=[0, 7])


def test_a_late_closure_removes_the_entitys_later_months(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    """An entity's closure that lands late (dated last month, landed today) takes it off the
    register from that month: the incremental run rewrites last month's row and drops this
    month's, exactly as a full refresh does (the rows that no longer qualify are written,
    then removed by the model's post-hook)."""
    build_db = demo_build_copy
    with duckdb.connect(str(build_db)) as con:
        latest, last_day = con.execute(
            "select max(month_start), max(landed_date) from marts.fct_entity_months"
        ).fetchall()[0]
        previous = (latest - dt.timedelta(days=1)).replace(day=1)
        closed_on = previous + dt.timedelta(days=14)
        # an entity on the register in both months whose last recorded change is older
        (uscc,) = con.execute(
            """
            select entity_uscc from marts.fct_entity_months as months
            where month_start = ? and is_registered and status = 'OPERATING'
                and entity_uscc in (select entity_uscc from marts.fct_entity_months
                                    where month_start = ? and is_registered)
                and (select max(updated_at) from raw.market_entities as raw
                     where raw.uscc = months.entity_uscc) < ?
            order by entity_uscc limit 1
            """,
            [latest, previous, previous],
        ).fetchall()[0]
        con.execute(
            """
            insert into raw.market_entities
            select * replace ('CLOSED' as status, ?::date as status_date,
                              ?::timestamp as updated_at, ?::date as _partition_date,
                              now()::timestamp as _loaded_at)
            from raw.market_entities where uscc = ? order by updated_at desc limit 1
            """,
            [closed_on, dt.datetime.combine(closed_on, dt.time(10)), last_day, uscc],
        )

    dbt(build_db, tmp_path / "incremental", "run", "--select", "fct_entity_months")
    with duckdb.connect(str(build_db)) as con:
        con.execute("create schema incremental")
        con.execute("create table incremental.fct_entity_months as "
                    "select * from marts.fct_entity_months")
        rows = con.execute(
            "select month_start, is_registered, is_deregistered_in_month "
            "from marts.fct_entity_months where entity_uscc = ? and month_start >= ? "
            "order by month_start", [uscc, previous]).fetchall()
    assert rows == [(previous, False, True)]

    dbt(build_db, tmp_path / "full", "run", "--full-refresh", "--select", "fct_entity_months")
    with duckdb.connect(str(build_db), read_only=True) as con:
        assert differences(
            con, "incremental.fct_entity_months", "marts.fct_entity_months",
            exclude=RUN_TIME_COLUMNS,
        ) == 0


def test_a_task_moved_to_another_entity_takes_its_alerts_away(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    """A correction that lands today moves every on-site task of an alerted entity to
    another entity: the incremental run drops the first entity's alerts (its row without
    an alert day goes, by the post-hook) and gives the other its alerts, and its merge
    opportunities go with them, exactly as a full refresh does. The old task versions name
    the first entity; the latest ones do not."""
    build_db = demo_build_copy
    with duckdb.connect(str(build_db)) as con:
        (alerted, other, alerts) = con.execute(
            """
            with counted as (
                select entity_uscc, count(*) as alerts
                from marts.fct_inspection_burden_alerts group by 1
            )
            select counted.entity_uscc,
                   (select min(entity_uscc) from marts.dim_entity
                    where entity_uscc not in (select entity_uscc from raw.inspection_tasks
                                              where entity_uscc is not null)),
                   counted.alerts
            from counted order by alerts desc, entity_uscc limit 1
            """
        ).fetchall()[0]
        assert alerts > 0 and other is not None
        con.execute(
            """
            insert into raw.inspection_tasks
            select * replace (?::varchar as entity_uscc, updated_at + interval 1 day as
                              updated_at, now()::timestamp as _loaded_at)
            from raw.inspection_tasks
            where entity_uscc = ?
            qualify row_number() over (partition by task_id order by updated_at desc) = 1
            """,
            [other, alerted],
        )

    selection = ("--select", "+fct_inspection_burden_alerts", "+fct_merge_opportunities")
    dbt(build_db, tmp_path / "incremental", "run", *selection)
    with duckdb.connect(str(build_db)) as con:
        counts = con.execute(
            """select count(*) filter (where entity_uscc = ?),
                      count(*) filter (where entity_uscc = ?),
                      count(*) filter (where alert_date is null)
               from marts.fct_inspection_burden_alerts""", [alerted, other]).fetchall()[0]
        con.execute("create schema incremental")
        for model, schema in INCREMENTAL_BY_VERSIONS.items():
            con.execute(f"create table incremental.{model} as select * from {schema}.{model}")
    assert counts == (0, alerts, 0)

    dbt(build_db, tmp_path / "full", "run", "--full-refresh", *selection)
    with duckdb.connect(str(build_db), read_only=True) as con:
        for model, schema in INCREMENTAL_BY_VERSIONS.items():
            assert differences(
                con, f"incremental.{model}", f"{schema}.{model}", exclude=RUN_TIME_COLUMNS
            ) == 0, model

def test_the_facts_cut_off_by_the_ingest_log_name_it_as_a_parent() -> None:
    """The cutoff reads ``meta.ingest_files`` only in the incremental branch, which dbt does
    not render when it parses; each fact declares the source (``-- depends_on``), so dbt's
    lineage and Dagster's asset graph show the edge."""
    from pipelines.dbt_project import load_manifest

    # by the SQL as written: dbt records only the macros a parse renders, not those of the
    # incremental branch
    cutoff_macros = ("landed_cutoff(", "where_landed_since_last_run(")
    users = {
        node["name"]: node["depends_on"]["nodes"]
        for node in load_manifest()["nodes"].values()
        if node["resource_type"] == "model"
        and any(macro in node["raw_code"] for macro in cutoff_macros)
    }
    assert sorted(users) == sorted(INCREMENTAL_FACTS)
    missing = [name for name, parents in users.items()
               if "source.enforcement_cockpit.meta.ingest_files" not in parents]
    assert missing == []
