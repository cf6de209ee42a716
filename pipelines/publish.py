"""Publish: copy what readers may see into a new snapshot file and swap it in atomically.

Readers (cockpits, auditors) never open the build database. They open ``cockpit.duckdb``
read-only; publishing writes the next snapshot beside it and ``os.replace``-s it over the
old one, so a reader sees the old snapshot or the new one, never half of one, and a failed
or blocked build leaves the last good snapshot serving.

The next snapshot starts as a file copy of the served one (1.5 GB at full scale, made while
dbt runs: ``pipelines.snapshot_base``), which is then patched. The incremental marts' rows
carry the time of the run that wrote them (``_written_at``), so only rows of runs the served
snapshot has not seen are copied, replacing those keys' old rows; at full scale the two
10M-row month facts were 6.4 s of a daily publish's 20 s as whole copies. Tables dbt
rebuilds whole change by ~1 % a day: the rows that differ (by row hash) are deleted and
inserted instead of copying the table. A patched table that does not then equal the build's
is copied whole after all, and every seventh publish starts from an empty file.
"""

import datetime as dt
import os
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import table_patch
from pipelines.cockpits import SNAPSHOT_KEY
from pipelines.dbt_project import load_manifest
from pipelines.resources import Warehouse, table_exists
from pipelines.snapshot_base import (
    discard_prepared,
    patched_in_a_row,
    take_prepared,
    will_patch,
)
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

# Tables written in the order their readers filter by, so DuckDB skips the row groups a
# query's filter excludes (their min/max). Every cockpit page reads a few places' values at
# one period or a 24-month trend; unordered, each row group held every place and month and
# each read scanned all ~3 M values (full scale, one city slice at one month: 14-21 -> 2-3
# ms; its trend 8-15 -> 5-6 ms). Written so on a whole copy only: sorting costs ~4 s there,
# and a patch appends the rows a day changed (mostly the current month's) at the end, where
# a few row groups hold them until the next whole copy.
CLUSTERED: dict[tuple[str, str], str] = {
    ("indicators", "values"): (
        "period_grain, geo_level, geo_code, department_code, category_code, period_start"
    ),
}

# Tables made at once: most of a patch is small queries that leave a core idle
PUBLISH_WORKERS = 2

Table = tuple[str, str]  # schema, name


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


def _published_tables(con: duckdb.DuckDBPyConnection, catalog: str = "build") -> list[Table]:
    placeholders = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = ? and table_schema in ({placeholders}) "
        "and table_type = 'BASE TABLE' order by 1, 2",
        [catalog, *PUBLISHED_SCHEMAS],
    ).fetchall()


def incremental_keys() -> dict[Table, list[str]]:
    """The unique keys of the published incremental models (the dbt manifest's
    ``unique_key``): what a patch replaces rows by."""
    manifest = load_manifest()
    keys: dict[Table, list[str]] = {}
    for node in manifest["nodes"].values():
        config = node.get("config") or {}
        if node["resource_type"] != "model" or config.get("materialized") != "incremental":
            continue
        if node["schema"] in PUBLISHED_SCHEMAS and config.get("unique_key"):
            key = config["unique_key"]
            keys[(node["schema"], node["name"])] = [key] if isinstance(key, str) else list(key)
    return keys


def publish_snapshot(build_db: Path, cockpit_db: Path) -> PublishSummary:
    """Build the next snapshot from the build database and swap it in; refuse if blocked."""
    staging_path = cockpit_db.with_name(f".{cockpit_db.stem}.{uuid.uuid4().hex}.tmp")
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with duckdb.connect(str(build_db), read_only=True) as build:
        failures = blocking_failures(build)
    if failures:
        discard_prepared(cockpit_db)
        raise PublishBlocked(f"blocking checks failed: {failures}")
    patched_before = patched_in_a_row(cockpit_db)
    patch = will_patch(patched_before)
    try:
        # the copy the dbt step started, else one made now (pipelines/snapshot_base.py)
        if patch and not take_prepared(cockpit_db, staging_path):
            shutil.copyfile(cockpit_db, staging_path)
        with duckdb.connect(str(staging_path)) as con:
            con.execute("attach ? as build (read_only)", [str(build_db)])
            tables = _copy_tables(con, incremental_keys() if patch else None)
            _index_lookup_keys(con, tables)
            patched = (patched_before or 0) + 1 if patch else 0
            data_as_of = _write_build_info(con, published_at, patched)
            con.execute("checkpoint")
        os.replace(staging_path, cockpit_db)
    finally:
        staging_path.unlink(missing_ok=True)
    return PublishSummary(cockpit_db, tables, data_as_of, published_at)


def _copy_tables(
    con: duckdb.DuckDBPyConnection, incremental: dict[Table, list[str]] | None = None
) -> dict[str, int]:
    """Make the snapshot's tables the build's, dropping those the build no longer has.

    Given the ``incremental`` marts' keys (a patched publish), every table the snapshot
    already holds is patched (``pipelines.table_patch``): an incremental mart by the rows of
    unseen runs, any other by the rows that differ; a table that cannot be is copied whole.
    Without (a fresh file), every table is copied whole. Tables not patched are dropped
    first and the drops checkpointed, so the copies reuse the blocks the old tables held:
    copied over them, the file grew by its size each day. Tables are made two at a time,
    each on a connection of its own: a patch is mostly small queries that leave the other
    core idle (full scale: 6.1-6.7 s -> 4.9-5.1 s for a daily's tables)."""
    published = _published_tables(con)
    snapshot = _snapshot_catalog(con)
    held = set(_published_tables(con, catalog=snapshot))
    to_patch: dict[Table, list[str]] = {}
    if incremental is not None:
        to_patch = {table: incremental.get(table, []) for table in published if table in held}
    for schema, table in sorted(held - set(to_patch)):
        con.execute(f'drop table "{schema}"."{table}"')
    con.execute("checkpoint")
    for schema in sorted({schema for schema, _ in published}):
        con.execute(f'create schema if not exists "{schema}"')

    def make(table: Table) -> int:
        cursor = con.cursor()  # a connection of its own: its transaction, its temp tables
        try:
            return _make_table(cursor, snapshot, table, to_patch.get(table))
        finally:
            cursor.close()

    ordered = _largest_first(con, published)
    with ThreadPoolExecutor(PUBLISH_WORKERS, thread_name_prefix="publish") as pool:
        made = list(pool.map(make, ordered))
    rows = dict(zip(ordered, made, strict=True))
    return {f"{schema}.{table}": rows[(schema, table)] for schema, table in published}


def _largest_first(con: duckdb.DuckDBPyConnection, tables: list[Table]) -> list[Table]:
    """The tables by the build's estimate of their rows, largest first: the workers finish
    together when the longest work starts first."""
    estimated = con.execute(
        "select schema_name, table_name, estimated_size from duckdb_tables() "
        "where database_name = 'build'"
    ).fetchall()
    sizes = {(schema, name): size for schema, name, size in estimated}
    return sorted(tables, key=lambda table: (-(sizes.get(table) or 0), table))


def _make_table(
    con: duckdb.DuckDBPyConnection, snapshot: str, table: Table, keys: list[str] | None
) -> int:
    """One table of the snapshot made the build's: patched when ``keys`` says it may be
    (a list, empty for a table dbt rebuilt whole), else (or when the patch cannot be made)
    copied whole; its row count."""
    schema, name = table
    if keys is None or not (
        table_patch.patch_new_runs(con, snapshot, schema, name, keys)
        if keys
        else table_patch.patch_changed_rows(con, snapshot, schema, name)
    ):
        order = f" order by {CLUSTERED[table]}" if table in CLUSTERED else ""
        con.execute(
            f'create or replace table "{schema}"."{name}" as '
            f'select * from build."{schema}"."{name}"{order}'
        )
    row = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
    return int(row[0]) if row else 0


def _snapshot_catalog(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("select current_database()").fetchone()
    return str(row[0]) if row else "memory"


def _index_lookup_keys(con: duckdb.DuckDBPyConnection, tables: dict[str, int]) -> None:
    """Index the lookup keys of the published tables that have them (a snapshot built
    without one of these marts simply goes without its index; a patched table keeps its
    own)."""
    for schema, table, column in LOOKUP_INDEXES:
        if f"{schema}.{table}" in tables:
            con.execute(
                f'create index if not exists "{table}__{column}" '
                f'on "{schema}"."{table}" ("{column}")'
            )


def _write_build_info(
    con: duckdb.DuckDBPyConnection, published_at: dt.datetime, patched_in_a_row: int
) -> dt.date | None:
    con.execute("create schema if not exists meta")
    con.execute("drop table if exists meta.build_info")
    row = con.execute(
        "select max(partition_date) from build.meta.ingest_files where loaded > 0"
    ).fetchone()
    data_as_of = row[0] if row else None
    city = con.execute(
        "select name_zh from build.marts.dim_geography where geo_level = 'city'"
    ).fetchone()
    con.execute(
        "create table meta.build_info as select ?::timestamp as published_at, "
        "?::date as data_as_of, ? as git_commit, ? as scenario, "
        "?::integer as patched_in_a_row",
        [published_at, data_as_of, git_commit(), city[0] if city else None, patched_in_a_row],
    )
    return data_as_of


@dg.asset(
    key=SNAPSHOT_KEY,
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
