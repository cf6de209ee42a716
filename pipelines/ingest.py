"""Ingest assets: one daily-partitioned asset per source table, made from its contract.

A run covers one day (the daily schedule) or a range (a backfill, in a single run): it reads
every landed file of those days, loads contract-valid rows into ``raw.<table>`` and rejected
rows into ``quarantine.<table>``, replacing those days so re-runs never duplicate, then runs
the table's Great Expectations suite on the batch and reports it as an asset check. A long
range goes through in slices of landed bytes, so a full-scale backfill's memory is one slice.
"""

import datetime as dt
import threading
import warnings
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import prevalidation
from pipelines.batch_suite import validate_batch
from pipelines.ingest_volume import usual_daily_rows
from pipelines.loading import (
    TableLoad,
    days_between,
    landed_files,
    range_files,
    read_range,
    write_range,
)
from pipelines.partitions import daily_partitions
from pipelines.resources import Warehouse
from quality.runner import ExpectationOutcome, SuiteOutcome, record_outcome
from sources.contracts import TableContract
from sources.registry import CONTRACTS

SUITE_CHECK = "contract_suite"
# A backfill reads, validates and writes a table in slices of about this many landed bytes,
# so the largest table (22M drone track points at full scale) is never in memory whole. The
# build's peak memory is the peak of its largest track-point slice: 384 MiB slices (5.7M
# points) peaked at 5.7 GiB on their own and 7.1 GiB in the build; 256 MiB (4.0M points)
# at 3.6 GiB on their own, with the texts dropped early (session 7), and 2.7 GiB once row
# texts were built only for quarantined rows (session 8). Parquet is weighed as text
# (``text_bytes``): by file size its slices held ~5x the rows. Smaller slices cost little:
# reading time is per row, and a slice's fixed cost is ~1 s.
SLICE_BYTES = 256 * 1024 * 1024
PREFETCH_CHUNK = 1024 * 1024
CELL_BYTES = 8  # a value of a typical export as CSV text, with its delimiter

# Single-run backfills are what make a 912-day backfill one run; the parameter is marked beta
# and would warn once per asset on every load of the code location.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


def raw_asset_key(contract: TableContract) -> dg.AssetKey:
    return dg.AssetKey(["raw", contract.table_name])


def partition_dates(context: dg.AssetExecutionContext) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the partitions this run materialises."""
    key_range = context.partition_key_range
    return dt.date.fromisoformat(key_range.start), dt.date.fromisoformat(key_range.end)


@dataclass
class LoadTotals:
    """What an ingest run did to one table, summed over its slices."""

    slices: int = 0
    files: int = 0
    landed: int = 0
    loaded: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, load: TableLoad) -> None:
        self.slices += 1
        self.files += len(load.files)
        self.landed += load.landed_rows
        self.loaded += load.loaded.height
        self.quarantined += load.quarantined.height
        self.reasons.update(load.reasons)


def load_metadata(totals: LoadTotals, start: dt.date, end: dt.date) -> dict[str, object]:
    return {
        "days": f"{start.isoformat()} → {end.isoformat()}",
        "slices": totals.slices,
        "files": totals.files,
        "landed": totals.landed,
        "loaded": totals.loaded,
        "quarantined": totals.quarantined,
        "quarantined_by_reason": dict(sorted(totals.reasons.items())),
        "dagster/row_count": totals.loaded,
    }


def check_result(contract: TableContract, outcome: SuiteOutcome) -> dg.AssetCheckResult:
    # a backfill validates slice by slice: one label per failed expectation, however many
    failed_blocking = list(
        dict.fromkeys(o.spec.label for o in outcome.outcomes if o.blocking_failure)
    )
    failed_warnings = list(dict.fromkeys(o.spec.label for o in outcome.failed_warnings))
    return dg.AssetCheckResult(
        asset_key=raw_asset_key(contract),
        check_name=SUITE_CHECK,
        passed=not failed_blocking and not failed_warnings,
        severity=dg.AssetCheckSeverity.ERROR if failed_blocking else dg.AssetCheckSeverity.WARN,
        metadata={
            "expectations": len(outcome.outcomes),
            "failed_blocking": failed_blocking,
            "failed_warnings": failed_warnings,
        },
    )


def text_bytes(path: Path) -> int:
    """What a landed file weighs once read: its size, or for Parquet what it would weigh as
    text, its uncompressed row groups but at least ``CELL_BYTES`` a value (encodings shrink
    repeated values to nearly nothing on disk, not in memory). By file size, a whole
    backfill of approval steps fitted one 256 MiB slice and needed 6 GiB to read."""
    if path.suffix.lower() != ".parquet":
        return path.stat().st_size
    try:
        metadata = pq.read_metadata(path)
    except (OSError, pa.ArrowException):  # unreadable: the reader quarantines it whole
        return path.stat().st_size
    encoded = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    return max(encoded, metadata.num_rows * metadata.num_columns * CELL_BYTES)


def day_slices(
    landing: Path,
    contract: TableContract,
    start: dt.date,
    end: dt.date,
    max_bytes: int = SLICE_BYTES,
) -> list[tuple[dt.date, dt.date]]:
    """Consecutive day ranges covering ``start``..``end``, each holding at most ``max_bytes``
    of landed files as read (``text_bytes``; a single day above that is a slice of its own)."""
    slices: list[tuple[dt.date, dt.date]] = []
    first, size = start, 0
    for day in days_between(start, end):
        day_bytes = sum(text_bytes(path) for path in landed_files(landing, contract, day))
        if size and size + day_bytes > max_bytes:
            slices.append((first, day - dt.timedelta(days=1)))
            first, size = day, 0
        size += day_bytes
    slices.append((first, end))
    return slices


def prefetch(landing: Path, contract: TableContract, first: dt.date, last: dt.date) -> None:
    """Read the next slice's files in the background while this one is validated and
    written, so they come from the page cache: from a cold disk (~20 MB/s here) reading
    waited on the disk for as long as it computed."""
    files, _ = range_files(landing, contract, first, last)
    threading.Thread(
        target=_read_through, args=([f.path for f in files],), name="prefetch", daemon=True
    ).start()


def _read_through(paths: list[Path]) -> None:
    for path in paths:
        try:
            with path.open("rb", buffering=0) as file:
                while file.read(PREFETCH_CHUNK):
                    pass
        except OSError:  # gone or unreadable: the reader reports it
            continue


def ingest_table(
    contract: TableContract,
    warehouse: Warehouse,
    start: dt.date,
    end: dt.date,
    run_id: str,
    log: dg.DagsterLogManager | None = None,
) -> tuple[LoadTotals, SuiteOutcome]:
    """Load one table's days and validate them: the whole body of an ingest asset.

    A long range is read, validated and written slice by slice (``day_slices``), so memory
    is bounded by a slice, not by the backfill: each slice replaces its own days, as a
    one-slice run would. A slice's validation (Great Expectations on pandas: one core,
    holding the interpreter) runs on a second thread while the slice is written and the
    next one read (DuckDB and polars: native, both cores), so a backfill's slices overlap;
    one validation at a time, and the next slice is written only once the previous one's
    validation returned. The suite outcomes of all slices are recorded together, with one
    timestamp, so ``publish`` sees a blocking failure in any slice."""
    totals = LoadTotals()
    outcomes: list[ExpectationOutcome] = []
    slices = day_slices(warehouse.landing, contract, start, end)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="validate") as validator:
        validating: Future[SuiteOutcome] | None = None
        for index, (first, last) in enumerate(slices):
            if index + 1 < len(slices):
                prefetch(warehouse.landing, contract, *slices[index + 1])
            load = read_range(
                warehouse.landing, contract, first, last, progress=log.info if log else None
            )
            # One connection a slice; a one-day run (the daily ingest) keeps one for all its
            # tables (pipelines.resources). A connection held across the slices of a
            # backfill would keep its buffers through it.
            with warehouse.connect(keep=start == end) as con:
                usual = usual_daily_rows(con, contract.table_name, first, last)
                if validating is not None:
                    outcomes.extend(validating.result().outcomes)
                validating = validator.submit(
                    _take_or_validate, contract, load, run_id, usual, warehouse.landing,
                    first if start == end else None,
                )
                write_range(con, contract, load, first, last, run_id)
                totals.add(load)
                if index + 1 == len(slices):
                    outcomes.extend(validating.result().outcomes)
                    outcome = SuiteOutcome(contract.table_name, outcomes)
                    record_outcome(
                        con,
                        outcome,
                        asset_key=raw_asset_key(contract).to_user_string(),
                        run_id=run_id,
                        partition_start=start,
                        partition_end=end,
                    )
            del load
    return totals, outcome


def _validate(
    contract: TableContract, load: TableLoad, run_id: str, usual: dict[dt.date, float]
) -> SuiteOutcome:
    """The table's suite on one slice (its rows, per-file accounting, totals and each day's
    volume against its usual one)."""
    return validate_batch(contract, load, run_id, usual)


def _take_or_validate(
    contract: TableContract,
    load: TableLoad,
    run_id: str,
    usual: dict[dt.date, float],
    landing: Path,
    day: dt.date | None,
) -> SuiteOutcome:
    """The outcome the pre-validation worker found for exactly this one-day batch, waited
    for on the validator thread; else the suite run here (``pipelines.prevalidation``)."""
    taken = prevalidation.take(contract, load, usual, landing, day, run_id) if day else None
    return taken if taken is not None else _validate(contract, load, run_id, usual)


def build_ingest_asset(contract: TableContract) -> dg.AssetsDefinition:
    key = raw_asset_key(contract)

    @dg.asset(
        key=key,
        description=f"{contract.description} Loaded from the {contract.system} system's exports.",
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=[
            dg.AssetCheckSpec(
                SUITE_CHECK,
                asset=key,
                description="Great Expectations suite on the batch",
                blocking=True,
            )
        ],
        group_name="ingest",
        kinds={"duckdb", "polars"},
        pool="build_database",
    )
    def ingest(
        context: dg.AssetExecutionContext, warehouse: Warehouse
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        start, end = partition_dates(context)
        run_id = context.run.run_id
        totals, outcome = ingest_table(contract, warehouse, start, end, run_id, context.log)
        yield dg.MaterializeResult(metadata=load_metadata(totals, start, end))
        yield check_result(contract, outcome)

    return ingest


INGEST_ASSETS = [build_ingest_asset(contract) for contract in CONTRACTS]
