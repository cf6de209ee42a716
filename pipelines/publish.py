"""Publish: copy what readers may see into a new snapshot file and swap it in atomically.

Readers (cockpits, auditors) never open the build database. They open ``cockpit.duckdb``
read-only; publishing writes the next snapshot beside it and ``os.replace``-s it over the
old one, so a reader sees the old snapshot or the new one, never half of one, and a failed
or blocked build leaves the last good snapshot serving.
"""

import datetime as dt
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.resources import Warehouse, table_exists
from pipelines.transform import warehouse_models
from sources.config import REPO_ROOT

# Schemas copied into the snapshot. Staging, raw and quarantine stay in the build database:
# they hold personal data and unvalidated text.
PUBLISHED_SCHEMAS = ("marts", "indicators", "quality", "meta")

# Keys readers look single records up by: the entity profile (一企一档) and auditors fetch
# one entity's or one case's rows from facts of up to millions of rows, which a scan pays
# for in full (full scale: a case's stage events 108 → 14 ms, an entity's approvals 24 →
# 3 ms). Only where lookups are selective: an ART index fetches row by row, so on facts
# where one entity has hundreds of rows (warnings, the loop) it was slower than the scan,
# and the 10M-row month facts would add ~2 s each to every publish for ~30 ms saved.
LOOKUP_INDEXES: tuple[tuple[str, str, str], ...] = (
    ("marts", "fct_approvals", "entity_uscc"),
    ("marts", "fct_supervision_claims", "entity_uscc"),
    ("marts", "fct_clues", "entity_uscc"),
    ("marts", "fct_cases", "entity_uscc"),
    ("marts", "fct_case_events", "case_no"),
    ("marts", "fct_complaint_tickets", "ticket_no"),
)


class PublishBlocked(Exception):
    """A blocking quality check failed; the previous snapshot keeps serving."""


@dataclass(frozen=True)
class PublishSummary:
    path: Path
    tables: dict[str, int]
    data_as_of: dt.date | None
    published_at: dt.datetime


def blocking_failures(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Blocking expectations that failed in the latest check of each asset."""
    if not table_exists(con, "quality", "check_results"):
        return []
    return con.execute(
        """
        with latest as (
            select asset_key, max(checked_at) as checked_at
            from quality.check_results group by asset_key
        )
        select results.asset_key, results.expectation
        from quality.check_results as results
        inner join latest using (asset_key, checked_at)
        where results.severity = 'error' and not results.success
        order by 1, 2
        """
    ).fetchall()


def git_commit() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return completed.stdout.strip()


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    placeholders = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = 'build' and table_schema in ({placeholders}) "
        "and table_type = 'BASE TABLE' order by 1, 2",
        list(PUBLISHED_SCHEMAS),
    ).fetchall()


def publish_snapshot(build_db: Path, cockpit_db: Path) -> PublishSummary:
    """Build the next snapshot from the build database and swap it in; refuse if blocked."""
    staging_path = cockpit_db.with_name(f".{cockpit_db.stem}.{uuid.uuid4().hex}.tmp")
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with duckdb.connect(str(build_db), read_only=True) as build:
        failures = blocking_failures(build)
    if failures:
        raise PublishBlocked(f"blocking checks failed: {failures}")
    try:
        with duckdb.connect(str(staging_path)) as con:
            con.execute("attach ? as build (read_only)", [str(build_db)])
            tables = _copy_tables(con)
            _index_lookup_keys(con, tables)
            data_as_of = _write_build_info(con, published_at)
            con.execute("checkpoint")
        os.replace(staging_path, cockpit_db)
    finally:
        staging_path.unlink(missing_ok=True)
    return PublishSummary(cockpit_db, tables, data_as_of, published_at)


def _copy_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for schema, table in _published_tables(con):
        con.execute(f'create schema if not exists "{schema}"')
        con.execute(
            f'create table "{schema}"."{table}" as select * from build."{schema}"."{table}"'
        )
        row = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


def _index_lookup_keys(con: duckdb.DuckDBPyConnection, tables: dict[str, int]) -> None:
    """Index the lookup keys of the published tables that have them (a snapshot built
    without one of these marts simply goes without its index)."""
    for schema, table, column in LOOKUP_INDEXES:
        if f"{schema}.{table}" in tables:
            con.execute(
                f'create index "{table}__{column}" on "{schema}"."{table}" ("{column}")'
            )


def _write_build_info(con: duckdb.DuckDBPyConnection, published_at: dt.datetime) -> dt.date | None:
    con.execute("create schema if not exists meta")
    row = con.execute(
        "select max(partition_date) from build.meta.ingest_files where loaded > 0"
    ).fetchone()
    data_as_of = row[0] if row else None
    city = con.execute(
        "select name_zh from build.marts.dim_geography where geo_level = 'city'"
    ).fetchone()
    con.execute(
        "create table meta.build_info as select ?::timestamp as published_at, "
        "?::date as data_as_of, ? as git_commit, ? as scenario",
        [published_at, data_as_of, git_commit(), city[0] if city else None],
    )
    return data_as_of


@dg.asset(
    key=dg.AssetKey(["published", "cockpit_snapshot"]),
    # every dbt model whose schema is published: adding a mart adds it to the snapshot
    deps=[key for key in warehouse_models.keys if key.path[0] in PUBLISHED_SCHEMAS],
    group_name="publish",
    kinds={"duckdb"},
    description="The read-only snapshot the cockpits and auditors open (cockpit.duckdb).",
    pool="build_database",
)
def cockpit_snapshot(warehouse: Warehouse) -> dg.MaterializeResult:
    paths = warehouse.paths
    try:
        summary = publish_snapshot(paths.build_db, paths.cockpit_db)
    except PublishBlocked as blocked:
        raise dg.Failure(description=str(blocked)) from blocked
    return dg.MaterializeResult(
        metadata={
            "path": str(summary.path),
            "tables": len(summary.tables),
            "indicator_values": summary.tables.get("indicators.values", 0),
            "data_as_of": str(summary.data_as_of),
            "published_at": summary.published_at.isoformat(),
        }
    )
