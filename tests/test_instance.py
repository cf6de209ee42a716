"""The Dagster instance file: SQLite unless DAGSTER_PG_URL asks for PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from pipelines.instance import PG_URL_ENV, instance_yaml, write_instance_config


def test_default_instance_is_sqlite_with_telemetry_off(tmp_path: Path) -> None:
    path = write_instance_config(tmp_path / "home", pg_url="")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "storage" not in config  # Dagster's default: SQLite files under DAGSTER_HOME
    assert config["telemetry"] == {"enabled": False}
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1


def test_one_variable_switches_to_postgres(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(PG_URL_ENV, "postgresql://dagster:s3cr3t-xyz@db:5432/dagster")
    config = yaml.safe_load(write_instance_config(tmp_path / "home").read_text("utf-8"))
    assert config["storage"] == {"postgres": {"postgres_url": {"env": PG_URL_ENV}}}
    assert config["telemetry"] == {"enabled": False}
    # the URL itself (with its password) is read from the environment, never written down
    assert "s3cr3t-xyz" not in instance_yaml("postgresql://dagster:s3cr3t-xyz@db:5432/dagster")


def test_switching_back_rewrites_the_file(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv(PG_URL_ENV, "postgresql://x@y/z")
    write_instance_config(home)
    monkeypatch.delenv(PG_URL_ENV)
    config = yaml.safe_load(write_instance_config(home).read_text("utf-8"))
    assert "storage" not in config


def test_sqlite_instance_batches_a_backfills_materialisations(tmp_path: Path, monkeypatch) -> None:
    """A ranged run over 60 daily partitions on the configured SQLite instance: every
    partition is recorded as materialised, through the batching storage, and the run plans
    one event per asset rather than one per partition."""

    from pipelines import DAGSTER_EVENT_SETTINGS, event_storage
    from pipelines.event_storage import BatchingSqliteEventLogStorage

    batched: list[int] = []  # sizes of the batches that took the one-transaction path

    def spy(events) -> bool:  # noqa: ANN001
        fast = batchable(events)
        if fast:
            batched.append(len(events))
        return fast

    batchable = event_storage.batchable
    monkeypatch.setattr(event_storage, "batchable", spy)

    for name, value in DAGSTER_EVENT_SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(PG_URL_ENV, raising=False)
    home = tmp_path / "home"
    write_instance_config(home)
    days = dg.DailyPartitionsDefinition(start_date="2022-01-01", end_date="2022-03-02")

    @dg.asset(partitions_def=days, backfill_policy=dg.BackfillPolicy.single_run())
    def landed(context) -> dg.MaterializeResult:  # noqa: ANN001 (Dagster reads the hint)
        return dg.MaterializeResult(metadata={"days": len(context.partition_keys)})

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        assert isinstance(instance.event_log_storage, BatchingSqliteEventLogStorage)
        result = dg.materialize(
            [landed],
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": "2022-01-01",
                "dagster/asset_partition_range_end": "2022-03-01",
            },
        )
        assert result.success
        keys = days.get_partition_keys()
        assert len(keys) == 60
        assert instance.get_materialized_partitions(landed.key) == set(keys)
        planned = instance.get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
        assert len(planned) == 1
        stored = instance.get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
        assert len(stored) == 60
        assert sum(batched) == 60
    finally:
        instance.dispose()


def test_a_new_runs_planned_events_are_stored_in_one_batch(tmp_path: Path, monkeypatch) -> None:
    """Creating a run stores one planned event per asset and per check; they take the
    one-transaction path and read back exactly as Dagster's own path stores them."""

    from pipelines import DAGSTER_EVENT_SETTINGS, event_storage

    batches: list[int] = []

    def spy(events) -> bool:  # noqa: ANN001
        taken = planned(events)
        if taken:
            batches.append(len(events))
        return taken

    planned = event_storage.planned
    monkeypatch.setattr(event_storage, "planned", spy)
    for name, value in DAGSTER_EVENT_SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(PG_URL_ENV, raising=False)
    home = tmp_path / "home"
    write_instance_config(home)

    def make_asset(name: str) -> dg.AssetsDefinition:
        @dg.asset(name=name, check_specs=[dg.AssetCheckSpec("positive", asset=name)])
        def built() -> dg.MaterializeResult:
            return dg.MaterializeResult(
                check_results=[dg.AssetCheckResult(check_name="positive", passed=True)]
            )

        return built

    assets = [make_asset(f"table_{n}") for n in range(3)]
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        result = dg.materialize(assets, instance=instance)
        assert result.success
        assert batches == [6]  # three assets and three checks, in one batch
        planned_assets = instance.get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
        assert sorted(r.asset_key.path[0] for r in planned_assets) == [
            "table_0", "table_1", "table_2"
        ]
        for n in range(3):
            check = dg.AssetCheckKey(dg.AssetKey(f"table_{n}"), "positive")
            executions = instance.event_log_storage.get_asset_check_execution_history(
                check, limit=5
            )
            assert [e.status.value for e in executions] == ["SUCCEEDED"]
            assert instance.get_latest_materialization_event(check.asset_key) is not None
    finally:
        instance.dispose()


def test_event_files_stay_open_for_the_process_and_read_back_elsewhere(
    tmp_path: Path, monkeypatch
) -> None:
    """Each shard file keeps one open engine (the newest ``KEPT_SHARDS``), committing
    without an fsync per event; another instance (another process: the webserver) reads
    every run's events back, and wiping closes the files before deleting them."""
    from pipelines.event_storage import KEPT_SHARDS, BatchingSqliteEventLogStorage

    monkeypatch.delenv(PG_URL_ENV, raising=False)
    home = tmp_path / "home"
    write_instance_config(home)

    @dg.asset
    def table() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"rows": 1})

    instance = dg.DagsterInstance.from_config(str(home))
    try:
        storage = instance.event_log_storage
        assert isinstance(storage, BatchingSqliteEventLogStorage)
        runs = KEPT_SHARDS + 2
        run_ids = [dg.materialize([table], instance=instance).run_id for _ in range(runs)]
        assert len(storage._engines) == KEPT_SHARDS
        assert "index" in storage._engines  # the index file is written with every run
        with storage.run_connection(run_ids[-1]) as conn:
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL
        reader = dg.DagsterInstance.from_config(str(home))
        try:
            for run_id in run_ids:
                assert reader.get_run_by_id(run_id).is_success
                assert reader.get_records_for_run(
                    run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
                ).records
            history = reader.fetch_materializations(dg.AssetKey("table"), limit=100).records
            assert len(history) == len(run_ids)
        finally:
            reader.dispose()
        storage.wipe()
        assert set(storage._engines) == {"index"}  # reopened to wipe it; run files closed
        assert instance.fetch_materializations(dg.AssetKey("table"), limit=100).records == []
    finally:
        instance.dispose()
