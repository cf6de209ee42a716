"""Ingest throughput per table: ``python -m pipelines.bench_ingest --landing DIR``.

Times the three stages of ``pipelines.loading`` for each table of a landing directory and a
day range (read the exports, validate them, write them to a scratch build database), and,
beside them, a bare DuckDB load of the same files (``CREATE TABLE AS SELECT * FROM
read_csv/read_json/read_parquet``, no validation: the physical limit, as in
``pipelines.bench_bare``). The ingest path is what the full build spends most of its
time on, so this tells which table, and which stage of it, to work on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.bench_bare import BARE_READERS
from pipelines.loading import account, landed_days, range_files, write_range
from sources.contracts import TableContract
from sources.readers import ExportFile, read_exports
from sources.registry import CONTRACTS
from sources.validate import validate_batch


@dataclass(frozen=True)
class TableTiming:
    """Seconds per stage for one table, and the rows its files held."""

    table: str
    files: int
    rows: int  # landed: physical data lines / records, loaded + quarantined
    read_s: float
    validate_s: float
    write_s: float
    bare_s: float
    ingest_cpu_s: float = 0.0  # CPU of every thread: wall time lies on a shared machine
    bare_cpu_s: float = 0.0

    @property
    def ingest_s(self) -> float:
        return self.read_s + self.validate_s + self.write_s


def bare_load(con: duckdb.DuckDBPyConnection, files: Sequence[ExportFile], table: str) -> None:
    """Load the files as they are, one statement per export name and format (like
    ``pipelines.bench_bare``): skipped lines, text columns, nothing checked."""
    groups: dict[tuple[str, str], list[str]] = {}
    for export in files:
        name = export.path.name
        if export.path.stat().st_size and export.path.suffix.lower() in BARE_READERS:
            groups.setdefault((name, export.path.suffix.lower()), []).append(str(export.path))
    for index, ((_, suffix), paths) in enumerate(sorted(groups.items())):
        con.execute(
            f"create or replace table bare_{table}_{index} as select * from "
            f"{BARE_READERS[suffix]}",
            [paths],
        )


def bench_table(
    landing: Path,
    contract: TableContract,
    start: dt.date,
    end: dt.date,
    scratch: Path,
    bare: bool = True,
) -> TableTiming:
    """Run one table through read → validate → write, then the bare load of its files."""
    files, day_of = range_files(landing, contract, start, end)
    clock, cpu = time.perf_counter(), time.process_time()
    raw = read_exports(files, contract)
    read_s, clock = time.perf_counter() - clock, time.perf_counter()
    batch = validate_batch(contract, raw)
    load = account(contract, files, day_of, raw, batch)  # partition dates, per-file counts
    validate_s, clock = time.perf_counter() - clock, time.perf_counter()
    with duckdb.connect(str(scratch / "build.duckdb")) as con:
        write_range(con, contract, load, start, end, "bench")
    write_s = time.perf_counter() - clock
    ingest_cpu_s = time.process_time() - cpu
    rows = load.landed_rows
    del raw, batch, load
    gc.collect()
    bare_s = bare_cpu_s = 0.0
    if bare:
        with duckdb.connect(str(scratch / "bare.duckdb")) as con:
            clock, cpu = time.perf_counter(), time.process_time()
            bare_load(con, files, contract.table_name)
            bare_s, bare_cpu_s = time.perf_counter() - clock, time.process_time() - cpu
    return TableTiming(
        contract.table_name,
        len(files),
        rows,
        read_s,
        validate_s,
        write_s,
        bare_s,
        ingest_cpu_s,
        bare_cpu_s,
    )


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds / 1000:,.0f}k" if seconds > 0 else "–"


def render(timings: list[TableTiming], bare: bool) -> str:
    """A markdown table: seconds and rows/s per stage, the bare load and the ratio."""
    header = "| table | files | rows | read s | validate s | write s | ingest s | rows/s "
    header += "(read / validate / write / ingest) | ingest CPU s |"
    rule = "|---|---:|---:|---:|---:|---:|---:|---|---:|"
    if bare:
        header += " bare s | bare rows/s | bare CPU s | ingest ÷ bare (wall, CPU) |"
        rule += "---:|---:|---:|---:|"
    lines = [header, rule]
    total = TableTiming(
        "**total**",
        sum(t.files for t in timings),
        sum(t.rows for t in timings),
        sum(t.read_s for t in timings),
        sum(t.validate_s for t in timings),
        sum(t.write_s for t in timings),
        sum(t.bare_s for t in timings),
        sum(t.ingest_cpu_s for t in timings),
        sum(t.bare_cpu_s for t in timings),
    )
    for t in sorted(timings, key=lambda t: -t.ingest_s) + [total]:
        rates = " / ".join(
            _rate(t.rows, s) for s in (t.read_s, t.validate_s, t.write_s, t.ingest_s)
        )
        line = (
            f"| {t.table} | {t.files:,} | {t.rows:,} | {t.read_s:.2f} | {t.validate_s:.2f} | "
            f"{t.write_s:.2f} | {t.ingest_s:.2f} | {rates} | {t.ingest_cpu_s:.2f} |"
        )
        if bare:
            ratio = f"{t.ingest_s / t.bare_s:.1f}×" if t.bare_s else "–"
            ratio += f", {t.ingest_cpu_s / t.bare_cpu_s:.1f}×" if t.bare_cpu_s else ", –"
            line += f" {t.bare_s:.2f} | {_rate(t.rows, t.bare_s)} | {t.bare_cpu_s:.2f} | {ratio} |"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench_ingest", description=__doc__)
    parser.add_argument("--landing", required=True, type=Path, help="landing directory")
    parser.add_argument(
        "--start", type=dt.date.fromisoformat, help="first day (default: first landed)"
    )
    parser.add_argument("--end", type=dt.date.fromisoformat, help="last day (default: last landed)")
    parser.add_argument("--tables", help="comma-separated raw table names (default: all)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare DuckDB load")
    args = parser.parse_args(argv)
    wanted = set(args.tables.split(",")) if args.tables else None
    contracts = [c for c in CONTRACTS if wanted is None or c.table_name in wanted]
    days = [day for c in contracts for day in landed_days(args.landing, c)]
    if not days:
        parser.error(f"nothing landed under {args.landing}")
    start, end = args.start or min(days), args.end or max(days)
    timings = []
    started = time.perf_counter()
    cpu_before = time.process_time()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
        for contract in contracts:
            timing = bench_table(
                args.landing, contract, start, end, Path(scratch), not args.no_bare
            )
            print(
                f"{timing.table}: {timing.rows:,} rows, ingest {timing.ingest_s:.1f}s, "
                f"bare {timing.bare_s:.1f}s",
                file=sys.stderr,
                flush=True,
            )
            timings.append(timing)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Ingest of {args.landing}, {start} → {end}, per table (slowest first):\n")
    print(render(timings, not args.no_bare))
    print(
        f"\nWall {time.perf_counter() - started:.1f} s, "
        f"CPU {time.process_time() - cpu_before:.1f} s, "
        f"peak RSS {peak:,.0f} MiB (the whole process: the largest table's batch)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
