"""Foreign keys across exports: an orphan is allowed only when quarantine explains it.

A supervision claim and its application come from different daily exports. When the
application's only row so far was rejected at ingest (granted and pushed the same day, one
malformed row), the claim still loads; a daily run must not fail on it. The full-scale
benchmark's daily run did, on 2022-06-30. ``relationships_or_quarantined`` passes such an
orphan and fails one that nothing explains.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from sources.config import REPO_ROOT

SELECTOR = "test_name:relationships_or_quarantined"


def dbt_test(
    build_db: Path, target: Path, selector: str = SELECTOR
) -> subprocess.CompletedProcess[str]:
    """Run the dbt tests ``selector`` picks (the quarantine-aware foreign-key tests unless
    told otherwise) against ``build_db``."""
    env = {**os.environ, "COCKPIT_BUILD_DB": str(build_db),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", selector,
         "--target-path", str(target), "--log-path", str(target / "logs")],
        cwd=REPO_ROOT / "dbt_project", env=env, capture_output=True, text=True, timeout=600,
    )


def test_an_orphan_claim_fails_unless_its_application_was_quarantined(
    demo_build_copy: Path, tmp_path: Path
) -> None:
    build_db = demo_build_copy
    with duckdb.connect(str(build_db)) as con:
        application_id = con.execute(
            "select min(application_id) from marts.fct_supervision_claims"
        ).fetchone()[0]
        con.execute("delete from marts.fct_approvals where application_id = ?", [application_id])

    unexplained = dbt_test(build_db, tmp_path / "unexplained")
    assert unexplained.returncode != 0, unexplained.stdout[-3000:]
    assert "relationships_or_quarantined" in unexplained.stdout
    assert "FAIL 1" in unexplained.stdout

    with duckdb.connect(str(build_db)) as con:
        # the application's one row, rejected at ingest with its raw text kept
        con.execute(
            """insert into quarantine.approvals_applications
               (_source_file, _source_line, _partition_date, reason_code, reason_detail,
                raw_text, _run_id, _loaded_at)
               values ('approvals/2022-06-30/applications.csv', 2, date '2022-06-30',
                       'UNKNOWN_CODE', 'status=OTHER is not a known code', ?, 'test',
                       now())""",
            [f"{application_id},XKSTHJ001,排污许可,NEW,,,,,,,,,,,GRANTED,,,OTHER,"],
        )
    explained = dbt_test(build_db, tmp_path / "explained")
    assert explained.returncode == 0, explained.stdout[-3000:]
    # the one test passed (dbt's summary counts the run-start hook as a pass too)
    assert "PASS=2 WARN=0 ERROR=0" in explained.stdout
    assert "PASS relationships_or_quarantined" in explained.stdout
