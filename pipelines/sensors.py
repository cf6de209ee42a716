"""Landing-zone sensor: new day folders from any system trigger that day's ingest.

The cursor remembers, per system, the newest day folder already requested, so a restart
of the daemon neither misses a day nor requests one twice (run keys are the day).
"""

import datetime as dt
import json
from pathlib import Path

import dagster as dg

from pipelines.loading import landed_days
from pipelines.resources import Warehouse
from pipelines.schedules import daily_ingest_job
from sources.registry import CONTRACTS


def new_landed_days(landing: Path, cursor: str | None) -> tuple[list[dt.date], str]:
    """Days landed since the cursor, by any system, and the cursor to store next."""
    seen: dict[str, str] = json.loads(cursor) if cursor else {}
    new_days: set[dt.date] = set()
    for system in sorted({contract.system for contract in CONTRACTS}):
        last = dt.date.fromisoformat(seen[system]) if system in seen else None
        days = sorted(
            {day for c in CONTRACTS if c.system == system for day in landed_days(landing, c)}
        )
        fresh = [day for day in days if last is None or day > last]
        new_days.update(fresh)
        if days:
            seen[system] = max(days).isoformat()
    return sorted(new_days), json.dumps(seen, sort_keys=True)


@dg.sensor(
    job=daily_ingest_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Request the ingest of each day folder that lands in the landing zone.",
)
def landing_zone_sensor(
    context: dg.SensorEvaluationContext, warehouse: Warehouse
) -> dg.SensorResult:
    days, cursor = new_landed_days(warehouse.landing, context.cursor)
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(run_key=f"landed-{day.isoformat()}", partition_key=day.isoformat())
            for day in days
        ],
        cursor=cursor,
    )
