"""Expectation suites derived from the source contracts.

Each ingested table gets one suite. The expectations are declared here as plain data
(``ExpectationSpec``) so they can be listed, documented and tested without importing Great
Expectations, which is slow to import; ``quality.runner`` turns them into GX expectations.

Severity decides what a failure does: ``error`` blocks publishing, ``warn`` is recorded and
shown on the data-operations cockpit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sources.contracts import TableContract

Severity = Literal["error", "warn"]

# A batch whose quarantined share exceeds this is a broken feed, not a few bad rows: block it.
MAX_BATCH_QUARANTINE_SHARE = 0.05
# ... judged against at least this many rows, so a tiny batch (a holiday, one re-run day)
# may carry a few chance defects: 3 bad rows of 3 blocks nothing, 4 of 40 does.
MIN_ROWS_FOR_SHARE = 60
# One file mostly quarantined is a broken export worth a warning even when the batch is fine.
MAX_FILE_QUARANTINE_SHARE = 0.5
# A day's loaded rows against the same weekday's usual volume (pipelines/ingest_volume.py):
# outside this band the feed half-stopped or doubled.
DAY_VOLUME_BAND = (0.2, 5.0)


@dataclass(frozen=True)
class ExpectationSpec:
    """One expectation: its GX class name, its arguments and what a failure means."""

    expectation: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"
    # what is validated: the loaded rows, the per-file accounting, or the batch's totals
    target: Literal["rows", "files", "batch", "days"] = "rows"

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column")

    @property
    def label(self) -> str:
        about = self.kwargs.get("column") or ",".join(self.kwargs.get("column_list", []))
        return f"{self.expectation}({about})" if about else self.expectation


def contract_suite(contract: TableContract) -> list[ExpectationSpec]:
    """The suite of one ingested table: the contract re-checked on what was loaded, plus
    batch-level expectations the row checks cannot see (volume, quarantine share, uniqueness
    across the files of a batch)."""
    specs: list[ExpectationSpec] = [
        # A system that sent no file for the days ingested has stopped sending. Warn, not
        # block: blocking would fail the whole daily ingest run and hold back every other
        # system's day too; the per-system freshness check (pipelines/quality_job.py) flags
        # the stopped one on the data-operations cockpit.
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {"column": "files", "min_value": 1},
            severity="warn",
            target="batch",
        ),
    ]
    if contract.rows_every_day:
        specs.append(ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": 1}))
    for column in contract.columns:
        if column.required:
            specs.append(ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": column.name}))
        if column.codes is not None:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeInSet",
                    {"column": column.name, "value_set": sorted(column.codes)},
                )
            )
        if column.minimum is not None or column.maximum is not None:
            specs.append(
                ExpectationSpec(
                    "ExpectColumnValuesToBeBetween",
                    {
                        "column": column.name,
                        "min_value": column.minimum,
                        "max_value": column.maximum,
                    },
                )
            )
    # The same record version sent on two days is legal (staging keeps one) but worth a look.
    specs.append(
        ExpectationSpec(
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(contract.duplicate_key)},
            severity="warn",
        )
    )
    # landed = loaded + quarantined for every file. A quoted field spanning lines makes
    # physical lines outnumber records, so a mismatch warns rather than blocks.
    specs.append(
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {"column": "unaccounted", "min_value": 0, "max_value": 0},
            severity="warn",
            target="files",
        )
    )
    specs.append(
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "quarantine_share",
                "min_value": 0.0,
                "max_value": MAX_FILE_QUARANTINE_SHARE,
            },
            severity="warn",
            target="files",
        )
    )
    specs.append(
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "quarantine_share_judged",
                "min_value": 0.0,
                "max_value": MAX_BATCH_QUARANTINE_SHARE,
            },
            target="batch",
        )
    )
    # each day's volume against the same weekday of the weeks before (days with history)
    specs.append(
        ExpectationSpec(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "ratio_to_usual",
                "min_value": DAY_VOLUME_BAND[0],
                "max_value": DAY_VOLUME_BAND[1],
            },
            severity="warn",
            target="days",
        )
    )
    return specs
