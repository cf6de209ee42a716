"""Ingest assets: one daily-partitioned asset per source table, made from its contract.

A run covers one day (the daily schedule) or a range (a backfill, in a single run): it reads
every landed file of those days, loads contract-valid rows into ``raw.<table>`` and rejected
rows into ``quarantine.<table>``, replacing those days so re-runs never duplicate, then runs
the table's Great Expectations suite on the batch and reports it as an asset check.
"""

import datetime as dt
import warnings
from collections.abc import Iterator

import dagster as dg
import polars as pl

from pipelines.loading import TableLoad, read_range, write_range
from pipelines.partitions import daily_partitions
from pipelines.resources import Warehouse
from quality.runner import SuiteOutcome, record_outcome, run_suite
from quality.suites import MIN_ROWS_FOR_SHARE, contract_suite
from sources.contracts import TableContract
from sources.registry import CONTRACTS

SUITE_CHECK = "contract_suite"

# Single-run backfills are what make a 912-day backfill one run; the parameter is marked beta
# and would warn once per asset on every load of the code location.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


def raw_asset_key(contract: TableContract) -> dg.AssetKey:
    return dg.AssetKey(["raw", contract.table_name])


def partition_dates(context: dg.AssetExecutionContext) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the partitions this run materialises."""
    key_range = context.partition_key_range
    return dt.date.fromisoformat(key_range.start), dt.date.fromisoformat(key_range.end)


def file_frame(load: TableLoad) -> pl.DataFrame:
    """The per-file accounting as a frame, for the batch-level expectations."""
    rows = [
        {
            "source_file": f.path,
            "landed": f.landed,
            "loaded": f.loaded,
            "quarantined": f.quarantined,
            "unaccounted": f.landed - f.loaded - f.quarantined,
            "quarantine_share": f.quarantined / f.landed if f.landed else 0.0,
        }
        for f in load.files
    ]
    schema = {
        "source_file": pl.String,
        "landed": pl.Int64,
        "loaded": pl.Int64,
        "quarantined": pl.Int64,
        "unaccounted": pl.Int64,
        "quarantine_share": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)


def batch_frame(load: TableLoad) -> pl.DataFrame:
    """The batch's totals as one row, for the batch-level expectations."""
    landed = load.landed_rows
    quarantined = load.quarantined.height
    return pl.DataFrame(
        {
            "files": [len(load.files)],
            "landed": [landed],
            "quarantined": [quarantined],
            "quarantine_share": [quarantined / landed if landed else 0.0],
            # judged against at least MIN_ROWS_FOR_SHARE rows: one defect in a three-row
            # holiday export is chance, not a broken feed
            "quarantine_share_judged": [quarantined / max(landed, MIN_ROWS_FOR_SHARE)],
        }
    )


def load_metadata(load: TableLoad, start: dt.date, end: dt.date) -> dict[str, object]:
    return {
        "days": f"{start.isoformat()} → {end.isoformat()}",
        "files": len(load.files),
        "landed": load.landed_rows,
        "loaded": load.loaded.height,
        "quarantined": load.quarantined.height,
        "quarantined_by_reason": load.reasons,
        "dagster/row_count": load.loaded.height,
    }


def check_result(contract: TableContract, outcome: SuiteOutcome) -> dg.AssetCheckResult:
    failed_blocking = [o.spec.label for o in outcome.outcomes if o.blocking_failure]
    failed_warnings = [o.spec.label for o in outcome.failed_warnings]
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


def ingest_table(
    contract: TableContract,
    warehouse: Warehouse,
    start: dt.date,
    end: dt.date,
    run_id: str,
    log: dg.DagsterLogManager | None = None,
) -> tuple[TableLoad, SuiteOutcome]:
    """Load one table's days and validate the batch: the whole body of an ingest asset."""
    load = read_range(warehouse.landing, contract, start, end, progress=log.info if log else None)
    # the suite reads contract columns only: leave the lineage out of the pandas copy
    rows = (
        load.loaded.select(contract.column_names)
        if load.loaded.height
        else pl.DataFrame(schema={name: pl.String for name in contract.column_names})
    )
    outcome = run_suite(
        contract.table_name,
        contract_suite(contract),
        {
            "rows": rows.to_pandas(),
            "files": file_frame(load).to_pandas(),
            "batch": batch_frame(load).to_pandas(),
        },
    )
    with warehouse.connect() as con:
        write_range(con, contract, load, start, end, run_id)
        record_outcome(
            con,
            outcome,
            asset_key=raw_asset_key(contract).to_user_string(),
            run_id=run_id,
            partition_start=start,
            partition_end=end,
        )
    return load, outcome


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
        load, outcome = ingest_table(contract, warehouse, start, end, run_id, context.log)
        yield dg.MaterializeResult(metadata=load_metadata(load, start, end))
        yield check_result(contract, outcome)

    return ingest


INGEST_ASSETS = [build_ingest_asset(contract) for contract in CONTRACTS]
