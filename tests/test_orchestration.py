"""Orchestration: the code location loads, the schedule picks the right day, publish is gated."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from pipelines.publish import PublishBlocked, publish_snapshot
from pipelines.schedules import daily_ingest_schedule, publish_request_for
from sources.config import REPO_ROOT
from tests.tiny_build import build_database


def test_workspace_loads_without_errors(tmp_path: Path) -> None:
    """What `dagster dev -w workspace.yaml` loads: validated by Dagster's own CLI."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "COCKPIT_DATA_DIR": str(tmp_path / "data"),
    }
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dagster"),
            "definitions",
            "validate",
            "-w",
            "workspace.yaml",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_asset_graph_runs_from_landing_to_snapshot() -> None:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    upstream: set[dg.AssetKey] = set()
    frontier = [dg.AssetKey(["published", "cockpit_snapshot"])]
    while frontier:
        parents = graph.get(frontier.pop()).parent_keys
        frontier.extend(parents - upstream)
        upstream |= parents
    assert {
        dg.AssetKey(["raw", "inspection_tasks"]),
        dg.AssetKey(["raw", "enforcement_cases"]),
        dg.AssetKey(["staging", "stg_enforcement__cases"]),
        dg.AssetKey(["marts", "fct_cases"]),
        dg.AssetKey(["indicators", "values"]),
    } <= upstream


def test_every_dbt_node_and_quality_suite_is_in_the_asset_graph() -> None:
    """The lineage holds every model and seed of the dbt manifest as an asset, every dbt test
    attached to one as an asset check, each ingested table's suite as a blocking check on its
    raw asset, and the warehouse suite on the indicator values."""
    import json

    from pipelines.checks import VALUES_KEY
    from pipelines.dbt_project import ensure_manifest
    from pipelines.definitions import defs
    from pipelines.ingest import SUITE_CHECK, raw_asset_key
    from sources.registry import CONTRACTS

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))
    graph = defs.resolve_asset_graph()
    assets = set(graph.get_all_asset_keys())
    checks = set(graph.asset_check_keys)
    nodes = manifest["nodes"].values()
    built = {n["unique_id"]: dg.AssetKey([n["schema"], n["name"]]) for n in nodes
             if n["resource_type"] in ("model", "seed")}
    assert len(built) > 100 and set(built.values()) <= assets
    tests = [n for n in nodes if n["resource_type"] == "test"]
    attached = [n for n in tests if n.get("attached_node") in built]
    assert len(attached) > 200  # one not-null and one foreign-key test per model, at most
    missing = [n["name"] for n in attached
               if not any(c.asset_key == built[n["attached_node"]] and c.name == n["name"]
                          for c in checks)]
    assert missing == []
    for contract in CONTRACTS:
        key = dg.AssetCheckKey(raw_asset_key(contract), SUITE_CHECK)
        assert key in checks and graph.get_check_spec(key).blocking, key
    warehouse_suite = dg.AssetCheckKey(VALUES_KEY, "warehouse_suite")
    assert warehouse_suite in checks and graph.get_check_spec(warehouse_suite).blocking


def test_every_cockpit_is_an_asset_downstream_of_the_snapshot() -> None:
    """The lineage ends at the sixteen pages the app serves, each fed by the snapshot."""
    from cockpit.views import PAGES
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    cockpits = {key for key in graph.get_all_asset_keys() if key.path[0] == "cockpits"}
    assert {key.path[1] for key in cockpits} == {page.url_path for page in PAGES if page.is_cockpit}
    assert len(cockpits) == 16
    for key in cockpits:
        assert graph.get(key).parent_keys == {dg.AssetKey(["published", "cockpit_snapshot"])}
        assert not graph.get(key).is_materializable


def test_daily_schedule_ingests_the_day_that_ended_in_city_time() -> None:
    from pipelines.definitions import defs

    # 01:30 on 2022-06-21 in UTC is 09:30 in Shanghai: the last complete city day is 06-20.
    tick = dt.datetime(2022, 6, 21, 1, 30, tzinfo=ZoneInfo("UTC"))
    context = dg.build_schedule_context(scheduled_execution_time=tick, repository_def=None)
    requests = list(daily_ingest_schedule.evaluate_tick(context).run_requests or [])
    assert [request.partition_key for request in requests] == ["2022-06-20"]
    assert daily_ingest_schedule.execution_timezone == "Asia/Shanghai"
    assert defs.get_schedule_def("daily_ingest_schedule") is daily_ingest_schedule


def test_publish_after_ingest_requests_one_run_per_ingest_run() -> None:
    run = dg.DagsterRun(job_name="daily_ingest", run_id="abc")
    request = publish_request_for(run)
    assert request.run_key == "after-abc" and request.tags["triggered_by_run"] == "abc"


def test_blocked_publish_keeps_the_served_snapshot(tmp_path: Path) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    build_database(build, failed_blocking=False)
    publish_snapshot(build, served)
    first = served.stat().st_ino
    build.unlink()
    build_database(build, failed_blocking=True)
    with pytest.raises(PublishBlocked, match="ExpectTableRowCountToBeBetween"):
        publish_snapshot(build, served)
    assert served.stat().st_ino == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "cockpit.duckdb"]
    with duckdb.connect(str(served), read_only=True) as con:
        assert con.execute("select data_as_of from meta.build_info").fetchone() == (
            dt.date(2022, 6, 30),
        )


def test_publish_replaces_the_snapshot_atomically(tmp_path: Path) -> None:
    build, served = tmp_path / "build.duckdb", tmp_path / "cockpit.duckdb"
    build_database(build, failed_blocking=False)
    publish_snapshot(build, served)
    reader = duckdb.connect(str(served), read_only=True)  # a cockpit holding the old file
    try:
        old_inode = served.stat().st_ino
        summary = publish_snapshot(build, served)
        assert served.stat().st_ino != old_inode
        assert reader.execute("select count(*) from marts.dim_geography").fetchone() == (1,)
        assert summary.tables["marts.dim_geography"] == 1
    finally:
        reader.close()


def test_landing_sensor_requests_each_new_day_once(tmp_path: Path) -> None:
    from pipelines.resources import Warehouse
    from pipelines.sensors import landing_zone_sensor

    landing = tmp_path / "landing"
    for day in ("2022-06-19", "2022-06-20"):
        (landing / "inspection" / day).mkdir(parents=True)
    (landing / "enforcement" / "2022-06-20").mkdir(parents=True)
    warehouse = Warehouse(data_dir=str(tmp_path))

    def tick(cursor: str | None) -> dg.SensorResult:
        # the warehouse tears down a kept connection: its context must be entered
        with dg.build_sensor_context(cursor=cursor, resources={"warehouse": warehouse}) as context:
            return landing_zone_sensor(context)

    first = tick(None)
    assert [r.partition_key for r in first.run_requests] == ["2022-06-19", "2022-06-20"]
    assert tick(first.cursor).run_requests == []
    (landing / "enforcement" / "2022-06-21").mkdir()
    third = tick(first.cursor)
    assert [r.partition_key for r in third.run_requests] == ["2022-06-21"]
