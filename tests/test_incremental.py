"""Daily incremental runs of the large facts equal a full rebuild (issue 4).

On a copy of the built demo warehouse, the last two landed days are taken out of every raw
table; the incremental facts are rebuilt from scratch without them (yesterday's warehouse),
then the days are landed back one at a time with an ordinary (incremental) dbt run after each,
as the daily pipeline does. The facts must then equal, row for row, the ones the full build
produced, and the runs must really have been incremental.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from sources.config import REPO_ROOT

DBT_PROJECT = REPO_ROOT / "dbt_project"
INCREMENTAL_FACTS = ("fct_case_events", "fct_complaint_tickets", "fct_drone_findings")
HELD_DAYS = 2


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


def differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> int:
    """Rows in one table and not the other, either way (duplicates counted)."""
    return con.execute(
        f"""select count(*) from (
              (select * from {left} except all select * from {right})
              union all
              (select * from {right} except all select * from {left}))"""
    ).fetchall()[0][0]


def test_daily_incremental_runs_equal_the_full_build(
    published_data_dir: Path, tmp_path: Path
) -> None:
    build_db = tmp_path / "build.duckdb"
    shutil.copy(published_data_dir / "warehouse" / "build.duckdb", build_db)
    with duckdb.connect(str(build_db)) as con:
        last_day = con.execute(
            "select max(_partition_date) from raw.enforcement_case_events"
        ).fetchall()[0][0]
        held_days = [last_day - dt.timedelta(days=n) for n in reversed(range(HELD_DAYS))]
        con.execute("create schema expected; create schema held")
        for fact in INCREMENTAL_FACTS:
            con.execute(f"create table expected.{fact} as select * from marts.{fact}")
        for table in raw_tables(con):
            con.execute(f"create table held.{table} as select * from raw.{table} "
                        "where _partition_date >= ?", [held_days[0]])
            con.execute(f"delete from raw.{table} where _partition_date >= ?", [held_days[0]])

    selection = ["--select", *(f"+{fact}" for fact in INCREMENTAL_FACTS)]
    dbt(build_db, tmp_path / "full", "run", "--full-refresh", *selection)
    with duckdb.connect(str(build_db)) as con:
        con.execute("create schema yesterday")
        for fact in INCREMENTAL_FACTS:
            con.execute(f"create table yesterday.{fact} as select * from marts.{fact}")

    for day in held_days:  # each day lands, then the daily (incremental) run
        with duckdb.connect(str(build_db)) as con:
            for table in raw_tables(con):
                con.execute(f"insert into raw.{table} select * from held.{table} "
                            "where _partition_date = ?", [day])
        target = tmp_path / f"daily-{day}"
        dbt(build_db, target, "run", "--select", *INCREMENTAL_FACTS)
        for fact in INCREMENTAL_FACTS:  # it read only the latest landing days, and merged
            compiled = next(target.rglob(f"compiled/**/{fact}.sql")).read_text(encoding="utf-8")
            executed = next(target.rglob(f"run/**/{fact}.sql")).read_text(encoding="utf-8")
            assert "landed_date >= (select coalesce(max(landed_date)" in compiled, fact
            assert "delete from" in executed and "create table" not in executed.lower(), fact

    with duckdb.connect(str(build_db), read_only=True) as con:
        for fact in INCREMENTAL_FACTS:
            changed = differences(con, f"yesterday.{fact}", f"expected.{fact}")
            assert changed > 0, f"{fact}: the held-back days changed nothing"
            assert differences(con, f"marts.{fact}", f"expected.{fact}") == 0, fact
