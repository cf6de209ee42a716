"""The code location: assembles the assets, checks, resources, jobs and schedules. No logic."""

from __future__ import annotations

import dagster as dg

from pipelines.checks import warehouse_suite_check
from pipelines.cockpits import COCKPIT_ASSETS
from pipelines.ingest import INGEST_ASSETS
from pipelines.ingest_definitions import ingest_resources
from pipelines.publish import cockpit_snapshot
from pipelines.quality_job import FRESHNESS_CHECKS, data_quality_job, data_quality_schedule
from pipelines.schedules import (
    daily_ingest_job,
    daily_ingest_schedule,
    publish_after_ingest,
    transform_and_publish_job,
)
from pipelines.sensors import landing_zone_sensor
from pipelines.transform import dbt_resource, warehouse_models

defs = dg.Definitions(
    assets=[*INGEST_ASSETS, warehouse_models, cockpit_snapshot, *COCKPIT_ASSETS],
    asset_checks=[warehouse_suite_check, *FRESHNESS_CHECKS],
    resources={**ingest_resources(), "dbt": dbt_resource()},
    jobs=[daily_ingest_job, transform_and_publish_job, data_quality_job],
    schedules=[daily_ingest_schedule, data_quality_schedule],
    sensors=[publish_after_ingest, landing_zone_sensor],
    # DuckDB admits one writer: steps of a run execute one after another in one process.
    executor=dg.in_process_executor,
)
