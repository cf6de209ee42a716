"""Load landed export files of one table into the build database, losing nothing.

Pure logic, free of Dagster, so it can be unit-tested and reused by the benchmark: find the
files of a date range, read and validate each, and replace those days in ``raw.<table>``,
``quarantine.<table>`` and ``meta.ingest_files`` in one transaction. For every file,
landed = loaded + quarantined, and the file log proves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from sources.config import DataPaths
from sources.contracts import TableContract
from sources.readers import DETAIL, FILE, RAW, REASON, ExportFile, RawBatch, read_exports
from sources.registry import CONTRACTS
from sources.validate import ValidatedBatch, validate_batch

_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
}
LINEAGE_COLUMNS = {
    "_source_file": "VARCHAR",
    "_source_line": "BIGINT",
    "_partition_date": "DATE",
    "_run_id": "VARCHAR",
    "_loaded_at": "TIMESTAMP",
}


@dataclass
class FileOutcome:
    """The accounting of one landed file."""

    path: str
    partition_date: dt.date
    encoding: str
    landed: int
    loaded: int
    quarantined: int


@dataclass
class TableLoad:
    """What one load of a date range did to one table."""

    table_name: str
    loaded: pl.DataFrame
    quarantined: pl.DataFrame
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def landed_rows(self) -> int:
        return sum(outcome.landed for outcome in self.files)

    @property
    def reasons(self) -> dict[str, int]:
        if not self.quarantined.height:
            return {}
        counts = self.quarantined.group_by(REASON).len().sort(REASON).iter_rows()
        return {reason: count for reason, count in counts}


def days_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def landed_files(landing: Path, contract: TableContract, day: dt.date) -> list[Path]:
    """The files a system landed for one table on one day, in a stable order."""
    folder = landing / contract.system / day.isoformat()
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and path.name.split(".")[0].startswith(contract.entity)
    )


def landed_days(landing: Path, contract: TableContract) -> list[dt.date]:
    """Every day folder a system has landed, whatever its range (for backfills and sensors)."""
    folder = landing / contract.system
    if not folder.is_dir():
        return []
    days = []
    for child in folder.iterdir():
        try:
            days.append(dt.date.fromisoformat(child.name))
        except ValueError:
            continue
    return sorted(days)


def landed_range(paths: DataPaths) -> tuple[dt.date, dt.date]:
    """First and last day any system landed; an empty landing zone is an error."""
    days = [day for contract in CONTRACTS for day in landed_days(paths.landing, contract)]
    if not days:
        raise SystemExit(f"nothing landed under {paths.landing}: generate or copy exports first")
    return min(days), max(days)


def read_range(
    landing: Path,
    contract: TableContract,
    start: dt.date,
    end: dt.date,
    progress: Callable[[str], None] | None = None,
) -> TableLoad:
    """Read and validate every file of a date range as one batch, tagging rows with lineage."""
    files, day_of = range_files(landing, contract, start, end)
    if progress:
        progress(f"{contract.table_name}: reading {len(files)} files, {start} → {end}")
    raw = read_exports(files, contract)
    batch = validate_batch(contract, raw)
    load = account(contract, files, day_of, raw, batch)
    if progress:
        progress(
            f"{contract.table_name}: {load.loaded.height} loaded, "
            f"{load.quarantined.height} quarantined"
        )
    return load


def range_files(
    landing: Path, contract: TableContract, start: dt.date, end: dt.date
) -> tuple[list[ExportFile], dict[str, dt.date]]:
    """The export files of a date range, labelled by their landing path, and each one's day."""
    files: list[ExportFile] = []
    day_of: dict[str, dt.date] = {}
    for day in days_between(start, end):
        for path in landed_files(landing, contract, day):
            label = path.relative_to(landing).as_posix()
            files.append(ExportFile(path, label))
            day_of[label] = day
    return files, day_of


def account(
    contract: TableContract,
    files: list[ExportFile],
    day_of: dict[str, dt.date],
    raw: RawBatch,
    batch: ValidatedBatch,
) -> TableLoad:
    """Tag a validated batch with its partition dates and count each file's outcome."""
    partition = pl.col(FILE).replace_strict(day_of, return_dtype=pl.Date).alias("_partition_date")
    loaded = batch.loaded.with_columns(partition) if files else batch.loaded
    quarantined = batch.quarantined.with_columns(partition) if files else batch.quarantined
    loaded_per_file = _counts(loaded)
    quarantined_per_file = _counts(quarantined)
    outcomes = [
        FileOutcome(
            path=f.label,
            partition_date=day_of[f.label],
            encoding=raw.encodings.get(f.label, "unknown"),
            landed=raw.landed.get(f.label, 0),
            loaded=loaded_per_file.get(f.label, 0),
            quarantined=quarantined_per_file.get(f.label, 0),
        )
        for f in files
    ]
    return TableLoad(contract.table_name, loaded, quarantined, outcomes)


def _counts(frame: pl.DataFrame) -> dict[str, int]:
    if not frame.height:
        return {}
    return dict(frame.group_by(FILE).len().iter_rows())


def ensure_tables(con: duckdb.DuckDBPyConnection, contract: TableContract) -> None:
    """Create the raw, quarantine and file-log tables of a contract if they do not exist."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists quarantine")
    con.execute("create schema if not exists meta")
    columns = [f'"{c.name}" {_DUCKDB_TYPES[c.type]}' for c in contract.columns]
    columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS.items()]
    con.execute(f"create table if not exists raw.{contract.table_name} ({', '.join(columns)})")
    con.execute(
        f"create table if not exists quarantine.{contract.table_name} ("
        "_source_file varchar, _source_line bigint, _partition_date date, reason_code varchar, "
        "reason_detail varchar, raw_text varchar, _run_id varchar, _loaded_at timestamp)"
    )
    con.execute(
        "create table if not exists meta.ingest_files (table_name varchar, source_file varchar, "
        "partition_date date, encoding varchar, landed bigint, loaded bigint, "
        "quarantined bigint, run_id varchar, loaded_at timestamp)"
    )


def write_range(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    load: TableLoad,
    start: dt.date,
    end: dt.date,
    run_id: str,
) -> None:
    """Replace the days ``start``..``end`` of a table in one transaction (idempotent re-runs)."""
    ensure_tables(con, contract)
    table = contract.table_name
    loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    try:
        for target in (f"raw.{table}", f"quarantine.{table}"):
            con.execute(f"delete from {target} where _partition_date between ? and ?", [start, end])
        con.execute(
            "delete from meta.ingest_files where table_name = ? and partition_date between ? and ?",
            [table, start, end],
        )
        _insert_loaded(con, contract, load.loaded, run_id, loaded_at)
        _insert_quarantined(con, table, load.quarantined, run_id, loaded_at)
        _insert_files(con, table, load.files, run_id, loaded_at)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _insert_loaded(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    loaded: pl.DataFrame,
    run_id: str,
    loaded_at: dt.datetime,
) -> None:
    if not loaded.height:
        return
    arrow_rows = loaded.to_arrow()  # noqa: F841  (scanned by name below)
    names = ", ".join(f'"{name}"' for name in contract.column_names)
    con.execute(
        f"insert into raw.{contract.table_name} "
        f"select {names}, _source_file, _source_line, _partition_date, ?, ? from arrow_rows "
        "order by _source_file, _source_line",
        [run_id, loaded_at],
    )


def _insert_quarantined(
    con: duckdb.DuckDBPyConnection,
    table: str,
    quarantined: pl.DataFrame,
    run_id: str,
    loaded_at: dt.datetime,
) -> None:
    if not quarantined.height:
        return
    arrow_rows = quarantined.to_arrow()  # noqa: F841
    con.execute(
        f"insert into quarantine.{table} select _source_file, _source_line, _partition_date, "
        f"{REASON}, {DETAIL}, {RAW}, ?, ? from arrow_rows order by _source_file, _source_line",
        [run_id, loaded_at],
    )


def _insert_files(
    con: duckdb.DuckDBPyConnection,
    table: str,
    files: list[FileOutcome],
    run_id: str,
    loaded_at: dt.datetime,
) -> None:
    if not files:
        return
    con.executemany(
        "insert into meta.ingest_files values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                table,
                f.path,
                f.partition_date,
                f.encoding,
                f.landed,
                f.loaded,
                f.quarantined,
                run_id,
                loaded_at,
            )
            for f in files
        ],
    )
