"""Jobs, the daily schedule and the sensor that chains transform-and-publish after ingest.

The schedule runs in the city's time zone (the partitions carry Asia/Shanghai): at 02:00 it
ingests the day that just ended; when that run succeeds, the sensor asks for one
transform-and-publish run, so a failed ingest never publishes.
"""

import dagster as dg

from pipelines.partitions import daily_partitions

INGEST_GROUP = "ingest"

daily_ingest_job = dg.define_asset_job(
    "daily_ingest",
    selection=dg.AssetSelection.groups(INGEST_GROUP),
    partitions_def=daily_partitions,
    description="Load one day (or a backfilled range) of every upstream system's exports.",
)

transform_and_publish_job = dg.define_asset_job(
    "transform_and_publish",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(INGEST_GROUP),
    description="dbt build (staging, marts, indicators, tests), then publish the snapshot.",
)

daily_ingest_schedule = dg.build_schedule_from_partitioned_job(
    daily_ingest_job,
    hour_of_day=2,
    minute_of_hour=0,
    name="daily_ingest_schedule",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


def publish_request_for(run: dg.DagsterRun) -> dg.RunRequest:
    """One transform-and-publish run per successful ingest run, keyed so it is never doubled."""
    return dg.RunRequest(
        run_key=f"after-{run.run_id}",
        tags={"triggered_by_run": run.run_id},
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[daily_ingest_job],
    request_job=transform_and_publish_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    name="publish_after_ingest",
)
def publish_after_ingest(context: dg.RunStatusSensorContext) -> dg.RunRequest:
    return publish_request_for(context.dagster_run)
