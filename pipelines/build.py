"""End-to-end build from the command line: ``python -m pipelines build``.

Runs the same Dagster assets the daemon runs, in-process against the instance in
``<data>/dagster_home`` (so the runs show in ``dagster dev``): first every landed day of every
system as one backfill run, then dbt and publish. Used by ``make build`` and the tests.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from pipelines import prevalidation
from pipelines.instance import write_instance_config
from pipelines.loading import landed_range
from pipelines.transform_config import WarehouseRunConfig
from sources.config import DataPaths

PROCESS_TAG = "cockpit/pid"  # which process runs a build's run, to recover it if killed
HOST_TAG = "cockpit/host"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class BuildResult:
    first_day: dt.date
    last_day: dt.date
    ingest_success: bool
    transform_success: bool

    @property
    def success(self) -> bool:
        return self.ingest_success and self.transform_success


def prepare_instance(paths: DataPaths) -> dg.DagsterInstance:
    """A persistent Dagster instance in the data directory, configured from the repo."""
    paths.ensure()
    write_instance_config(paths.dagster_home)
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return dg.DagsterInstance.get()


def process_tags() -> dict[str, str]:
    return {PROCESS_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_interrupted_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the runs of builds whose process died (killed, machine crashed) and free the
    build database's concurrency slot they held; otherwise the next run waits for that slot
    forever. Only runs started by a build on this host whose process is gone are touched."""
    recovered = []
    in_progress = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
            tags={HOST_TAG: socket.gethostname()},
        )
    )
    for run in in_progress:
        pid = run.tags.get(PROCESS_TAG, "")
        if not pid.isdigit() or _alive(int(pid)):
            continue
        instance.report_run_failed(
            run, f"the build process (pid {pid}) ended without finishing: killed or crashed"
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
    return recovered


def materialisable(defs: dg.Definitions) -> Sequence[dg.AssetsDefinition]:
    """The assets a run can materialise, with the asset checks on them: the cockpits are
    external (Streamlit serves them)."""
    assets = [asset for asset in defs.assets or [] if isinstance(asset, dg.AssetsDefinition)]
    return [*assets, *(defs.asset_checks or [])]


def run_build(
    paths: DataPaths,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
    prevalidate: bool = False,
) -> BuildResult:
    """Ingest the landed range (or the days given), then transform and publish.

    Runs are recorded in the data directory's Dagster instance unless another is given
    (tests pass an in-memory one). ``prevalidate``: see ``run_ingest``.
    """
    instance = instance or prepare_instance(paths)
    landed_first, landed_last = landed_range(paths)
    first_day, last_day = first_day or landed_first, last_day or landed_last
    ingested = run_ingest(paths, first_day, last_day, raise_on_error, instance, prevalidate)
    transform = run_transform(paths, raise_on_error=raise_on_error, instance=instance)
    return BuildResult(first_day, last_day, ingested, transform)


def run_ingest(
    paths: DataPaths,
    first_day: dt.date,
    last_day: dt.date,
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
    prevalidate: bool = False,
) -> bool:
    """Materialise the ingest assets (and their checks) for ``first_day``..``last_day`` as
    one run, nothing downstream: the daily ingest job's work, or a backfill's.

    With ``prevalidate`` (the CLI's one-day runs), a one-day run's batches are validated
    in a worker process ahead of the steps (``pipelines.prevalidation``); a worker costs a
    process start and Great Expectations' import, which only a day at scale repays."""
    os.environ["COCKPIT_DATA_DIR"] = str(paths.root)
    if prevalidate and first_day == last_day:
        prevalidation.start(paths, first_day)
    try:
        instance = instance or prepare_instance(paths)
        recover_interrupted_runs(instance)
        return _materialise_ingest(paths, first_day, last_day, raise_on_error, instance)
    finally:
        prevalidation.finish()


def _materialise_ingest(
    paths: DataPaths,
    first_day: dt.date,
    last_day: dt.date,
    raise_on_error: bool,
    instance: dg.DagsterInstance,
) -> bool:
    # the ingest half alone: the whole code location would import dbt for nothing
    from pipelines.ingest_definitions import (
        INGEST_GROUP,
        ingest_assets_and_checks,
        ingest_resources,
    )

    one_day = first_day == last_day
    ingest = dg.materialize(
        ingest_assets_and_checks(),
        selection=dg.AssetSelection.groups(INGEST_GROUP),
        resources=ingest_resources(),
        instance=instance,
        partition_key=first_day.isoformat() if one_day else None,
        tags={
            **({} if one_day else {RANGE_START_TAG: first_day.isoformat(),
                                  RANGE_END_TAG: last_day.isoformat()}),
            **process_tags(),
        },
        raise_on_error=raise_on_error,
    )
    return ingest.success


def run_transform(
    paths: DataPaths,
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
    full_refresh: bool = False,
) -> bool:
    """dbt over what is already ingested, then publish: the step to rerun after a model
    change or an interrupted build (``python -m pipelines transform [--full-refresh]``)."""
    from pipelines.definitions import defs

    os.environ["COCKPIT_DATA_DIR"] = str(paths.root)
    instance = instance or prepare_instance(paths)
    recover_interrupted_runs(instance)
    transform = dg.materialize(
        materialisable(defs),
        selection=dg.AssetSelection.all() - dg.AssetSelection.groups("ingest"),
        resources=defs.resources or {},
        instance=instance,
        tags=process_tags(),
        run_config=dg.RunConfig(
            ops={"warehouse_models": WarehouseRunConfig(full_refresh=full_refresh)}
        ),
        raise_on_error=raise_on_error,
    )
    return transform.success
