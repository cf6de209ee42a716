"""The ledger of incremental-mart rows whose tests have passed (``meta.dbt_rows_tested``).

dbt's key and completeness tests on an incremental mart read only the rows written since
the newest ``_written_at`` recorded here (dbt_project/macros/tested_rows.sql explains why
that is complete). The ledger may only move forward after a dbt run whose tests all
passed over every model: a failed run, or a run of some models only, records nothing, so
the rows it wrote are tested again by the next complete run.
"""

from __future__ import annotations

import datetime as dt

import duckdb

WRITTEN_AT = "_written_at"
LEDGER = "meta.dbt_rows_tested"


def tables_with_written_at(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The build's tables whose rows carry the time of the run that wrote them."""
    return con.execute(
        "select table_schema, table_name from information_schema.columns "
        "where table_catalog = current_database() and column_name = ? "
        "and table_schema not in ('meta', 'raw', 'quarantine') order by 1, 2",
        [WRITTEN_AT],
    ).fetchall()


def record_tested_rows(con: duckdb.DuckDBPyConnection) -> dict[str, dt.datetime | None]:
    """After a complete, passing dbt run: every row of each incremental mart is tested, up
    to its newest ``_written_at``. Returns what was recorded, by table."""
    con.execute("create schema if not exists meta")
    con.execute(
        f"create table if not exists {LEDGER} (table_schema varchar, table_name varchar, "
        "written_until timestamp, recorded_at timestamp)"
    )
    recorded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    recorded: dict[str, dt.datetime | None] = {}
    con.execute("begin transaction")
    for schema, table in tables_with_written_at(con):
        row = con.execute(f'select max({WRITTEN_AT}) from "{schema}"."{table}"').fetchone()
        written_until = row[0] if row else None
        con.execute(
            f"delete from {LEDGER} where table_schema = ? and table_name = ?", [schema, table]
        )
        con.execute(
            f"insert into {LEDGER} values (?, ?, ?, ?)",
            [schema, table, written_until, recorded_at],
        )
        recorded[f"{schema}.{table}"] = written_until
    con.execute("commit")
    return recorded


def rows_tested_until(
    con: duckdb.DuckDBPyConnection, schema: str, table: str
) -> dt.datetime | None:
    """The newest ``_written_at`` of a table whose rows have all been tested, if recorded."""
    row = con.execute(
        f"select max(written_until) from {LEDGER} where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return row[0] if row else None
