"""dbt tests that prove the project's code, not the day's data, and when a run needs them.

A staging model built with ``latest_state`` keeps one row per record key by construction
(``qualify row_number() … = 1``), so the uniqueness tests on its key can only fail if that
code changes: no landed data can break them. Yet each scans its model's whole history, and
at full scale (as views) they were two thirds of a daily run's test time (65 of 96 s).

dbt's unit tests (fixed inputs, expected rows) prove code alone too, so they follow the
same rule (``UNIT_TESTS``). So do the seeds (``SEEDS``): their tables hold the project's
CSV files, loaded by the run that recorded the fingerprint, so unchanged code means
unchanged seed tables; reloading the 15 of them was ~1.2 s of dbt's threads in a daily run.

They run whenever the project's code may have changed them: on the first build, on a full
refresh, and whenever the fingerprint of the dbt project's files (taken when the run
starts) differs from the one recorded the last time they all passed
(``meta.dbt_code_tested`` in the build database). The dbt step decides for itself, so the
CLI, the daemon's runs and backfills all follow the same rule. An ordinary daily run over
unchanged code leaves them out; Dagster shows them as not executed in that run, and every
data test still runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from pipelines.dbt_files import dbt_source_files
from pipelines.dbt_project import load_manifest
from pipelines.resources import table_exists
from sources.config import REPO_ROOT

LATEST_STATE_MACRO = "macro.enforcement_cockpit.latest_state"
KEY_TESTS = frozenset({"unique", "unique_combination"})
UNIT_TESTS = "test_type:unit"  # the selector of every unit test
SEEDS = "resource_type:seed"  # the selector of every seed
SCHEMA, NAME = "meta", "dbt_code_tested"
TABLE = f"{SCHEMA}.{NAME}"


def code_fingerprint() -> str:
    """A hash of every file the dbt project is built from (names and contents)."""
    digest = hashlib.sha256()
    for path in dbt_source_files():
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def construction_tests(manifest: Mapping[str, Any]) -> list[str]:
    """Unique ids of the key-uniqueness tests on models built with ``latest_state``."""
    nodes = manifest["nodes"]
    deduped = {
        unique_id
        for unique_id, node in nodes.items()
        if node["resource_type"] == "model"
        and LATEST_STATE_MACRO in node.get("depends_on", {}).get("macros", [])
    }
    return sorted(
        unique_id
        for unique_id, node in nodes.items()
        if node["resource_type"] == "test"
        and node.get("test_metadata", {}).get("name") in KEY_TESTS
        and node.get("attached_node") in deduped
    )


def recorded_fingerprint(build_db: Path) -> str | None:
    """The code fingerprint the construction tests last passed on, if any."""
    if not build_db.exists():
        return None
    try:
        with duckdb.connect(str(build_db), read_only=True) as con:
            if not table_exists(con, SCHEMA, NAME):
                return None
            row = con.execute(
                f"select fingerprint from {TABLE} order by tested_at desc limit 1"
            ).fetchone()
    except duckdb.Error:  # e.g. a backfill holds the database: unknown, so test everything
        return None
    return row[0] if row else None


def record_fingerprint(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """Remember that the construction tests passed on this code."""
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"create table if not exists {TABLE} (fingerprint varchar, tested_at timestamp)")
    con.execute(
        f"insert into {TABLE} values (?, ?)",
        [fingerprint, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
    )


def tests_to_skip(build_db: Path, full_refresh: bool, fingerprint: str) -> list[str]:
    """Names of the construction tests a run on the code of ``fingerprint`` may leave out:
    all of them when they already passed on that code, none on a full refresh or else."""
    if full_refresh or recorded_fingerprint(build_db) != fingerprint:
        return []
    manifest = load_manifest()
    return [manifest["nodes"][unique_id]["name"] for unique_id in construction_tests(manifest)]


def unchanged_code_exclusions(skipped_tests: list[str]) -> list[str]:
    """What a run leaves out of ``dbt build`` when ``tests_to_skip`` found the code
    unchanged (``skipped_tests`` not empty): those tests, the unit tests and the seeds."""
    return [*skipped_tests, UNIT_TESTS, SEEDS] if skipped_tests else []
