"""The dbt tests that prove code are left out of a run only while the code is unchanged.

Key uniqueness on a ``latest_state`` staging model holds by construction; a daily run over
unchanged code skips re-proving it over the whole history (``pipelines.code_tests``). These
tests pin which tests that is, that a build records the code they passed on, that any
change to the project's files (or a full refresh) brings them back, and that a run without
them still runs every other test and publishes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import code_tests
from pipelines.build import run_transform
from pipelines.dbt_project import ensure_manifest
from pipelines.transform import warehouse_models
from sources.config import data_paths


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(ensure_manifest().read_text())


def test_construction_tests_are_key_uniqueness_on_latest_state_models(manifest: dict) -> None:
    chosen = code_tests.construction_tests(manifest)
    nodes = manifest["nodes"]
    assert "unique_combination_stg_drones__track_points_flight_id__seq" in {
        nodes[test]["name"] for test in chosen
    }
    for test in chosen:
        model = nodes[nodes[test]["attached_node"]]
        assert code_tests.LATEST_STATE_MACRO in model["depends_on"]["macros"]
        assert nodes[test]["test_metadata"]["name"] in {"unique", "unique_combination"}
    # a staging model without latest_state (a seed's view) keeps its key tests in every run
    seed_views = [
        test
        for test, node in nodes.items()
        if node["resource_type"] == "test"
        and node.get("attached_node") == "model.enforcement_cockpit.stg_reference__departments"
    ]
    assert seed_views and not set(seed_views) & set(chosen)


def test_fingerprint_follows_every_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [tmp_path / "models" / "a.sql", tmp_path / "macros" / "b.sql"]
    for path in files:
        path.parent.mkdir(parents=True)
        path.write_text("select 1")
    monkeypatch.setattr(code_tests, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(code_tests, "dbt_source_files", lambda: files)
    before = code_tests.code_fingerprint()
    assert code_tests.code_fingerprint() == before
    files[1].write_text("select 2")
    assert code_tests.code_fingerprint() != before


def test_recorded_fingerprint_decides_what_a_run_skips(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    assert code_tests.recorded_fingerprint(build_db) is None  # no database yet
    duckdb.connect(str(build_db)).close()
    code = code_tests.code_fingerprint()
    assert code_tests.tests_to_skip(build_db, False, code) == []  # never recorded
    with duckdb.connect(str(build_db)) as con:
        code_tests.record_fingerprint(con, "older code")
    assert code_tests.tests_to_skip(build_db, False, code) == []  # code changed since
    with duckdb.connect(str(build_db)) as con:
        code_tests.record_fingerprint(con, code)
    skipped = code_tests.tests_to_skip(build_db, False, code)
    assert "unique_stg_enforcement__cases_case_no" in skipped
    assert code_tests.tests_to_skip(build_db, True, code) == []  # a full refresh runs them


def test_a_run_on_unchanged_code_skips_only_those_and_publishes(
    published_data_dir: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(published_data_dir / "warehouse", data_dir / "warehouse")
    paths = data_paths(data_dir)
    skipped = set(code_tests.tests_to_skip(paths.build_db, False, code_tests.code_fingerprint()))
    assert skipped, "the build did not record the code its construction tests passed on"
    published_at = paths.cockpit_db.stat().st_mtime_ns

    instance = dg.DagsterInstance.ephemeral()
    assert run_transform(paths, instance=instance)

    [run] = instance.get_runs()
    [target] = [path for path in (paths.warehouse / "dbt" / "runs").iterdir()
                if path.name.startswith(run.run_id[:8])]
    executed = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert not [r for r in executed if r["unique_id"].startswith("unit_test.")]  # code only
    assert not [r for r in executed if r["unique_id"].startswith("seed.")]  # loaded already
    records = instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=5000
    ).records
    evaluated = {r.event_log_entry.dagster_event.event_specific_data.check_name for r in records}
    dbt_checks = {key.name for key in warehouse_models.check_keys}
    assert skipped <= dbt_checks and not evaluated & skipped
    assert dbt_checks - skipped <= evaluated  # every other dbt test ran as its asset check
    assert paths.cockpit_db.stat().st_mtime_ns != published_at
