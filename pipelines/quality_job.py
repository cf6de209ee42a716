"""Freshness checks per source system, and the scheduled data-quality job.

One freshness check per system hangs on each of the system's ingest assets (``raw/<table>``):
it reads the ingest file log, judges every table with ``pipelines.freshness`` (the same rules
the data-operations cockpit applies) and records the outcome in ``quality.check_results``
as suite ``freshness.<system>``. Severity is WARN: a late source must not stop the others
from being published.

The checks run after every ingest run and, with the warehouse suite, in the ``data_quality``
job, which only runs checks and is scheduled each morning in the city's time zone, after the
02:00 ingest and the publish that follows it. A system that stops sending makes its own
ingest fail, which skips its check in that run; the morning job still judges it.

No ``from __future__ import annotations`` here: Dagster reads the context's type hint.
"""

import datetime as dt
import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from pipelines.checks import warehouse_suite_check
from pipelines.freshness import (
    LATEST_DAYS_SQL,
    TableFreshness,
    assess,
    deliveries_from_rows,
    reference_day,
)
from pipelines.ingest import raw_asset_key
from pipelines.partitions import CITY_TIMEZONE
from pipelines.resources import Warehouse, table_exists
from quality.runner import ExpectationOutcome, SuiteOutcome, record_outcome
from quality.suites import ExpectationSpec
from sources.registry import CONTRACTS

CHECK_NAME = "freshness"
EXPECTATION = "ExpectLatestDeliveryWithinLag"
SYSTEMS: tuple[str, ...] = tuple(sorted({contract.system for contract in CONTRACTS}))


def read_freshness(con: duckdb.DuckDBPyConnection) -> tuple[list[TableFreshness], dt.date | None]:
    """Every table's freshness and the reference day, from the build database's file log."""
    exists = table_exists(con, "meta", "ingest_files")
    rows = con.execute(LATEST_DAYS_SQL).fetchall() if exists else []
    deliveries = deliveries_from_rows(rows)
    reference = reference_day(deliveries)
    return assess(deliveries, reference), reference


def observed(table: TableFreshness, reference: dt.date | None) -> dict[str, object]:
    """What the check saw for one table, for the check metadata and the results history."""
    return {
        "table": table.table,
        "measure": table.policy.measure,
        "last_day": table.last_day.isoformat() if table.last_day else None,
        "reference_day": reference.isoformat() if reference else None,
        "lag_days": table.lag_days,
        "state": table.state,
        "late_after_days": table.policy.late_after_days,
        "stalled_after_days": table.policy.stalled_after_days,
    }


def table_outcome(system: str, table: TableFreshness, reference: dt.date | None) -> SuiteOutcome:
    """One table's verdict as a one-expectation suite outcome, for ``record_outcome``."""
    spec = ExpectationSpec(EXPECTATION, {"table": table.table}, severity="warn", target="files")
    seen = json.dumps(observed(table, reference), ensure_ascii=False)
    return SuiteOutcome(f"freshness.{system}", [ExpectationOutcome(spec, table.state == "green",
                                                                   seen)])


def history_key(table: str) -> str:
    """The check's key, not the asset's, names the rows in ``quality.check_results``: publish
    looks at each asset key's latest results for blocking failures, and a later (passing,
    warn-only) freshness row must not hide a failed contract suite of the same asset."""
    return dg.AssetCheckKey(dg.AssetKey(["raw", table]), CHECK_NAME).to_user_string()


def check_system(warehouse: Warehouse, system: str, run_id: str) -> list[dg.AssetCheckResult]:
    """Judge one system's tables, record each verdict and return them as check results.
    Uses the run's shared connection: in a daily ingest these checks run between the
    ingest steps, and a connection of their own closed and reopened the steps' one each
    time (~0.05 s a system at full scale, one checkpoint and two opens)."""
    with warehouse.connect(keep=True) as con:
        tables, reference = read_freshness(con)
        mine = [table for table in tables if table.system == system]
        for table in mine:
            record_outcome(con, table_outcome(system, table, reference),
                           asset_key=history_key(table.table), run_id=run_id,
                           partition_start=None, partition_end=None)
    return [
        dg.AssetCheckResult(
            asset_key=dg.AssetKey(["raw", table.table]),
            check_name=CHECK_NAME,
            passed=table.state == "green",
            severity=dg.AssetCheckSeverity.WARN,
            metadata={**observed(table, reference), "system": system},
        )
        for table in mine
    ]


def build_freshness_check(system: str) -> dg.AssetChecksDefinition:
    contracts = [contract for contract in CONTRACTS if contract.system == system]

    @dg.multi_asset_check(
        name=f"freshness_{system}",
        specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=raw_asset_key(contract),
                description=f"The {system} system still sends {contract.entity}: days behind "
                "the newest day any system delivered (WARN; see pipelines.freshness).",
            )
            for contract in contracts
        ],
        description=f"Freshness of every table of the {system} system.",
        pool="build_database",
    )
    def freshness(
        context: dg.AssetCheckExecutionContext, warehouse: Warehouse
    ) -> Iterator[dg.AssetCheckResult]:
        yield from check_system(warehouse, system, context.run.run_id)

    return freshness


FRESHNESS_CHECKS = [build_freshness_check(system) for system in SYSTEMS]

data_quality_job = dg.define_asset_job(
    "data_quality",
    selection=dg.AssetSelection.checks(*FRESHNESS_CHECKS, warehouse_suite_check),
    description="Checks only, no materialisation: freshness per source system and the "
    "warehouse suite on the built indicators.",
)


@dg.schedule(
    job=data_quality_job,
    cron_schedule="30 7 * * *",
    execution_timezone=CITY_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    name="data_quality_schedule",
    description="07:30 city time: after the 02:00 ingest and the publish it triggers.",
)
def data_quality_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """One run per city day, keyed by that day so a daemon restart never doubles it."""
    return dg.RunRequest(run_key=f"data-quality-{city_day(context)}",
                         tags={"cockpit/city_day": city_day(context)})


def city_day(context: dg.ScheduleEvaluationContext) -> str:
    """The tick's calendar day in the city (the scheduled time arrives in any zone)."""
    tick = context.scheduled_execution_time
    if tick is None:  # a manual evaluation outside the daemon
        tick = dt.datetime.now(dt.UTC)
    return tick.astimezone(ZoneInfo(CITY_TIMEZONE)).date().isoformat()
