"""Key and completeness tests on incremental marts read only rows no passing run has tested.

The pipeline records, after a complete dbt run whose tests all passed, the newest
``_written_at`` of each incremental mart (``meta.dbt_rows_tested``); the next run's
``not_null_columns`` reads only the rows written after it, ``unique_combination`` every row
of their keys (dbt_project/macros/tested_rows.sql).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pipelines.tested_rows import record_tested_rows, rows_tested_until
from tests.test_orphans import dbt_test

UNIQUE_TEST = "unique_combination_fct_case_events_case_no__seq"
VALUES_UNIQUE_TEST = (
    "unique_combination_values_category_code__period_grain__period_start__geo_level__"
    "geo_code__department_code"
)


def test_the_ledger_records_each_incremental_marts_newest_row(tmp_path: Path) -> None:
    written = dt.datetime(2026, 11, 1, 2, 0)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("create schema marts; create schema meta")
        con.execute("create table marts.fct_a (id int, _written_at timestamp)")
        con.execute("insert into marts.fct_a values (1, ?), (2, ?)",
                    [written - dt.timedelta(days=1), written])
        con.execute("create table marts.fct_b (id int)")  # rebuilt whole: no ledger row
        recorded = record_tested_rows(con)
        assert recorded == {"marts.fct_a": written}
        con.execute("insert into marts.fct_a values (3, ?)", [written + dt.timedelta(days=1)])
        record_tested_rows(con)  # the next passing run moves it forward, one row per table
        assert rows_tested_until(con, "marts", "fct_a") == written + dt.timedelta(days=1)
        assert con.execute("select count(*) from meta.dbt_rows_tested").fetchall() == [(1,)]


def test_rows_written_after_the_last_passing_run_are_tested_against_every_row(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    build_db = demo_build_copy
    with duckdb.connect(str(build_db)) as con:
        newest = con.execute("select max(_written_at) from marts.fct_case_events").fetchall()[0][0]
        # the pipeline's build passed its tests and recorded the mart as tested throughout
        assert rows_tested_until(con, "marts", "fct_case_events") == newest
        # a later run writes a row repeating an old row's key, and a row without its stage
        con.execute("""insert into marts.fct_case_events
            select * replace (?::timestamp + interval 1 hour as _written_at)
            from (from marts.fct_case_events limit 1)
            union all
            select * replace (null as stage, ?::timestamp + interval 1 hour as _written_at,
                              seq + 100000 as seq)
            from (from marts.fct_case_events limit 1)""", [newest, newest])
    found = dbt_test(build_db, tmp_path / "later", "fct_case_events")
    assert found.returncode != 0, found.stdout[-3000:]
    assert f"FAIL 1 {UNIQUE_TEST}" in found.stdout, found.stdout[-3000:]
    assert "FAIL 1 fct_case_events__not_null" in found.stdout, found.stdout[-3000:]

    # rows a passing run already tested are not read again (the planted ones, restamped
    # as that run's, pass unseen) ...
    with duckdb.connect(str(build_db)) as con:
        con.execute("update marts.fct_case_events set _written_at = ? where _written_at > ?",
                    [newest, newest])
    unseen = dbt_test(build_db, tmp_path / "tested", "fct_case_events")
    assert f"PASS {UNIQUE_TEST}" in unseen.stdout, unseen.stdout[-3000:]
    assert "PASS fct_case_events__not_null" in unseen.stdout, unseen.stdout[-3000:]

    # ... and without the ledger's record the whole mart is read
    with duckdb.connect(str(build_db)) as con:
        con.execute("delete from meta.dbt_rows_tested")
    whole = dbt_test(build_db, tmp_path / "whole", "fct_case_events")
    assert f"FAIL 1 {UNIQUE_TEST}" in whole.stdout, whole.stdout[-3000:]
    assert "FAIL 1 fct_case_events__not_null" in whole.stdout, whole.stdout[-3000:]


def test_a_repeated_key_of_a_model_tested_whole_is_found_nulls_included(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    """A table rebuilt whole is tested by a hash of its key first; a repeated key is still
    reported, and so are two rows alike in a key that holds a NULL (group by counts them
    as one key), each once."""
    build_db = demo_build_copy
    clean = dbt_test(build_db, tmp_path / "clean", "values")
    assert f"PASS {VALUES_UNIQUE_TEST}" in clean.stdout, clean.stdout[-3000:]
    with duckdb.connect(str(build_db)) as con:
        con.execute("""insert into indicators.values
            (from indicators.values limit 1)
            union all
            (select * replace (null as geo_code) from indicators.values limit 1)
            union all
            (select * replace (null as geo_code) from indicators.values limit 1)""")
    found = dbt_test(build_db, tmp_path / "repeated", "values")
    assert f"FAIL 2 {VALUES_UNIQUE_TEST}" in found.stdout, found.stdout[-3000:]
