"""dbt assets: staging views, marts and the indicator layer, built with ``dbt build``.

All dbt → Dagster naming lives in ``WarehouseTranslator``: a model's asset key is its schema
and name (``marts/fct_cases``), so the asset graph reads like the warehouse.
"""

import os
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines import dbt_handoff
from pipelines.cockpits import SNAPSHOT_KEY
from pipelines.code_tests import (
    code_fingerprint,
    record_fingerprint,
    tests_to_skip,
    unchanged_code_exclusions,
)
from pipelines.dbt_cli import WarehouseDbtCli
from pipelines.dbt_project import dbt_executable, dbt_project, ensure_manifest, load_manifest
from pipelines.dbt_runs import keep_partial_parse, prune_runs, run_target
from pipelines.resources import Warehouse
from pipelines.snapshot_base import discard_prepared, prepare_in_background
from pipelines.stale_tables import drop_stale_tables
from pipelines.tested_rows import record_tested_rows
from pipelines.transform_config import WarehouseRunConfig, dbt_build_args
from quality.runner import preload_in_background


class WarehouseTranslator(DagsterDbtTranslator):
    """Asset keys as ``<schema>/<name>``; groups by layer; sources keep their meta keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        return f"warehouse_{dbt_resource_props['schema']}"


def run_publishes(selection: AbstractSet[dg.AssetKey] | None) -> bool:
    """Whether a run with this asset selection (None: its whole job) publishes the snapshot.
    Only then is the snapshot's base copied while dbt runs: a run of some models from the UI
    would otherwise leave a 1.5 GB copy behind that no publish takes."""
    return selection is None or SNAPSHOT_KEY in selection


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCli(
        project_dir=dbt_project,
        profiles_dir=str(dbt_project.profiles_dir),
        dbt_executable=dbt_executable(),
    )


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
    pool="build_database",
)
def warehouse_models(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: Warehouse,
    config: WarehouseRunConfig,
) -> Iterator[Any]:
    """Run ``dbt build`` (models, seeds and tests) against the build database; the large
    facts only take the days landed since the last run unless a full refresh is asked for,
    and the tests proving unchanged code are left out (``pipelines.code_tests``). Those
    checks then show as not executed in the run; nothing downstream waits on them. dbt
    writes into this data directory's dbt folder and reuses its last parse
    (``pipelines.dbt_cli``)."""
    build_db = warehouse.paths.build_db
    os.environ["COCKPIT_BUILD_DB"] = str(build_db)
    # the code this run builds with: what the construction tests prove if they run
    fingerprint = code_fingerprint()
    skip = tests_to_skip(build_db, config.full_refresh, fingerprint)
    if skip:
        context.log.info(
            f"{len(skip)} key-uniqueness tests that hold by construction, and the unit tests, "
            "already passed on this dbt code, and the seeds it loaded: left out of this run "
            "(pipelines/code_tests.py)"
        )
    if not config.full_refresh:
        with warehouse.connect() as con:
            dropped = drop_stale_tables(con, load_manifest())
        if dropped:
            context.log.info(
                "incremental marts whose columns changed with the code, rebuilt whole in this "
                f"run (pipelines/stale_tables.py): {', '.join(t.describe() for t in dropped)}"
            )
    target = run_target(warehouse.paths.warehouse, context.run_id)
    preload_in_background()  # the warehouse suite's library, while dbt works
    if run_publishes(context.run.asset_selection):
        prepare_in_background(warehouse.paths.cockpit_db)  # the next snapshot's base, likewise
    exclude = unchanged_code_exclusions(skip)
    # a daily run's dbt, started beside its ingest, takes the build if it is waiting
    warm = dbt_handoff.take(build_db)
    if warm is not None:
        context.log.info(f"dbt build handed to the warm dbt process (pid {warm.process.pid}, "
                         f"pipelines/dbt_handoff.py): {warm.folder}")
        dbt = dbt.model_copy(update={"dbt_executable": str(warm.launcher)})
    invocation = dbt.cli(dbt_build_args(config, exclude), context=context, target_path=target)
    try:
        yield from invocation.stream()
    except BaseException:
        discard_prepared(warehouse.paths.cockpit_db)  # no publish follows a failed dbt step
        raise
    keep_partial_parse(warehouse.paths.warehouse, *dbt_handoff.parse_folders(warm, target))
    prune_runs(warehouse.paths.warehouse)
    # reached only when dbt succeeded (a failing test raises at the end of the stream); a
    # run of some models only (a subset) has not run all the tests
    if not context.is_subset:
        with warehouse.connect() as con:
            record_tested_rows(con)
            if not skip:
                record_fingerprint(con, fingerprint)
