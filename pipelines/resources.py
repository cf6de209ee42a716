"""The warehouse resource: the one place that opens the build database for writing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from sources.config import DataPaths, data_paths


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether a table is there yet: the ingest log, the check history and the code
    fingerprints appear with the first run that writes them, and readers run before it."""
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


class Warehouse(dg.ConfigurableResource):
    """Paths of the data directory, and short-lived connections to the build database.

    Connections are opened per step and closed at once: DuckDB admits one writing process,
    and dbt (a subprocess) needs the file next.
    """

    data_dir: str = ""  # empty: COCKPIT_DATA_DIR or ./data, resolved when used

    @property
    def paths(self) -> DataPaths:
        return data_paths(self.data_dir or None).ensure()

    @property
    def landing(self) -> Path:
        return self.paths.landing

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.paths.build_db))
        try:
            yield con
        finally:
            con.close()
