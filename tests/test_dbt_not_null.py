"""The model-level ``not_null_columns`` test: it guards every column the per-column
``not_null`` tests used to, and it fails, naming the column, when one holds a null."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from pipelines.dbt_project import dbt_executable, dbt_project, ensure_manifest
from tests.conftest import BuiltScenario

TEST_NAME = "fct_clues__not_null"


def not_null_tests(manifest: dict) -> dict[str, list[str]]:
    """Model name → the columns its ``not_null_columns`` test covers."""
    covered: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if metadata.get("name") == "not_null_columns":
            model = node["attached_node"].split(".")[-1]
            covered[model] = metadata["kwargs"]["columns"]
    return covered


def test_no_column_level_not_null_tests_remain() -> None:
    """One query per model, not one per column: a column-level ``not_null`` added back by
    habit would cost a daily run a test of its own."""
    manifest = json.loads(ensure_manifest().read_text())
    per_column = [
        node["name"]
        for node in manifest["nodes"].values()
        if (node.get("test_metadata") or {}).get("name") == "not_null"
    ]
    assert per_column == []
    covered = not_null_tests(manifest)
    assert len(covered) >= 80
    assert {"clue_id", "county_code", "team_domain_code"} <= set(covered["fct_clues"])
    for model, columns in covered.items():
        assert columns and len(columns) == len(set(columns)), model


def test_a_null_in_a_required_column_fails_and_is_named(
    built_demo: BuiltScenario, tmp_path: Path
) -> None:
    build_db = tmp_path / "build.duckdb"
    shutil.copy2(built_demo.paths.build_db, build_db)
    with duckdb.connect(str(build_db)) as con:
        con.execute(
            "update marts.fct_clues set county_code = null "
            "where clue_id = (select min(clue_id) from marts.fct_clues)"
        )
    target = tmp_path / "target"
    env = {**os.environ, "COCKPIT_BUILD_DB": str(build_db)}
    completed = subprocess.run(
        [dbt_executable(), "test", "--select", TEST_NAME, "--target-path", str(target),
         "--project-dir", str(dbt_project.project_dir),
         "--profiles-dir", str(dbt_project.profiles_dir)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert completed.returncode == 1, completed.stdout[-2000:]
    assert "FAIL 1" in completed.stdout
    compiled = next(target.glob(f"compiled/**/{TEST_NAME}.sql"))
    with duckdb.connect(str(build_db), read_only=True) as con:
        failures = con.execute(compiled.read_text()).fetchall()
    assert failures == [("county_code", 1)]
