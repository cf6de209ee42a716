"""The suite of one ingested batch: the frames Great Expectations validates, and its run.

Free of Dagster, so that the pre-validation worker (``pipelines.prevalidation``), which runs
the same suites on the same batches in a second process, starts in a fraction of the time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import polars as pl

from pipelines.ingest_volume import day_volume_frame
from pipelines.loading import TableLoad
from quality.runner import SuiteOutcome, run_suite
from quality.suites import MIN_ROWS_FOR_SHARE, contract_suite
from sources.contracts import TableContract


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


def batch_rows(contract: TableContract, load: TableLoad) -> pl.DataFrame:
    """The loaded rows the suite reads: contract columns only, without the lineage."""
    if load.loaded.height:
        return load.loaded.select(contract.column_names)
    return pl.DataFrame(schema={name: pl.String for name in contract.column_names})


def suite_frames(
    contract: TableContract, load: TableLoad, usual: dict[dt.date, float]
) -> dict[str, pd.DataFrame]:
    """What the table's suite validates: its rows, per-file accounting, totals and each
    day's volume against its usual one."""
    return {
        "rows": batch_rows(contract, load).to_pandas(),
        "files": file_frame(load).to_pandas(),
        "batch": batch_frame(load).to_pandas(),
        "days": day_volume_frame(load, usual).to_pandas(),
    }


def validate_batch(
    contract: TableContract,
    load: TableLoad,
    run_id: str,
    usual: dict[dt.date, float],
    collected: list[Any] | None = None,
) -> SuiteOutcome:
    """The table's suite on one batch; GX's results are stored under ``run_id``, or handed
    to ``collected`` to be stored later (``quality.runner.run_suite``)."""
    return run_suite(
        contract.table_name,
        contract_suite(contract),
        suite_frames(contract, load, usual),
        run_name=run_id,
        collected=collected,
    )
