"""The smallest build database publishing accepts: one mart, the ingest log, one check."""

from __future__ import annotations

from pathlib import Path

import duckdb


def build_database(path: Path, failed_blocking: bool = False) -> None:
    """A city row in ``dim_geography``, one landed day, and one blocking expectation that
    passed (or, with ``failed_blocking``, failed)."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema quality; create schema meta")
        con.execute(
            "create table marts.dim_geography as select '330800' as geo_code, "
            "'city' as geo_level, '衢州市' as name_zh"
        )
        con.execute(
            "create table meta.ingest_files as select date '2022-06-30' as "
            "partition_date, 5 as loaded"
        )
        con.execute(
            "create table quality.check_results as select 'raw/x' as asset_key, "
            "timestamp '2022-07-01 02:00' as checked_at, 'error' as severity, "
            "? as success, 'ExpectTableRowCountToBeBetween' as expectation",
            [not failed_blocking],
        )
