"""The warehouse suite: Great Expectations on the marts and indicator values (issue 7)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.publish import PublishBlocked, publish_snapshot
from quality.runner import record_outcome, run_suite
from quality.warehouse import SUITE_NAME, warehouse_frames, warehouse_suite


def test_the_build_ran_the_warehouse_suite_and_it_passed(published_data_dir: Path) -> None:
    """The pipeline's own run validated the warehouse before publishing it."""
    snapshot = published_data_dir / "warehouse" / "cockpit.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        rows = con.execute(
            """select expectation, severity, success from quality.check_results
               where suite = ? and asset_key = 'indicators/values'""",
            [SUITE_NAME],
        ).fetchall()
    assert len(rows) == len(warehouse_suite())
    assert all(success for _, severity, success in rows if severity == "error")


def test_a_broken_warehouse_fails_the_suite_and_is_not_published(
    published_data_dir: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse"
    shutil.copytree(published_data_dir / "warehouse", warehouse)
    build_db, snapshot = warehouse / "build.duckdb", warehouse / "cockpit.duckdb"
    served = hashlib.sha256(snapshot.read_bytes()).hexdigest()
    with duckdb.connect(str(build_db)) as con:
        # a case decided before it was filed, and a rate above 100%
        con.execute("update marts.fct_cases set days_to_decision = -3 where case_no = "
                    "(select min(case_no) from marts.fct_cases where days_to_decision > 0)")
        con.execute(
            """update indicators."values" set value = 1.7
               where category_code = 'ENF_DECIDED_IN_90D' and geo_level = 'city'
                 and department_code = 'ALL' and period_grain = 'month'
                 and period_start = (select max(period_start) from indicators."values"
                                     where category_code = 'ENF_DECIDED_IN_90D')"""
        )
        outcome = run_suite(SUITE_NAME, warehouse_suite(), warehouse_frames(con))
        record_outcome(con, outcome, asset_key="indicators/values", run_id="test",
                       partition_start=None, partition_end=None)
    failed = {o.spec.target for o in outcome.outcomes if o.blocking_failure}
    assert failed == {"durations", "rates"}
    with pytest.raises(PublishBlocked):
        publish_snapshot(build_db, snapshot)
    assert hashlib.sha256(snapshot.read_bytes()).hexdigest() == served
