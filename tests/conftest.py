"""Shared fixtures: one demo scenario, generated and built once per test session.

The build is a real, in-process materialisation of every Dagster asset against a temporary
data directory; ``./data`` is never touched. Environment variables the build sets are
restored afterwards, so tests that need them set their own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from sources.config import DataPaths, data_paths
from sources.simulator import generate

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


@dataclass(frozen=True)
class BuiltScenario:
    paths: DataPaths
    ingest_success: bool
    transform_success: bool
    instance: dg.DagsterInstance | None  # where the build's runs are recorded


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltScenario]:
    """The default scenario at demo scale, generated, built and published once."""
    from pipelines.build import run_build

    reuse = os.environ.get("COCKPIT_TEST_REUSE_DIR")  # developers: keep one build across runs
    if reuse and (Path(reuse) / "warehouse" / "cockpit.duckdb").exists():
        yield BuiltScenario(data_paths(reuse), True, True, None)
        return
    paths = data_paths(reuse or tmp_path_factory.mktemp("demo_data")).ensure()
    generate(paths.landing, scale="demo", progress=False)
    saved = dict(os.environ)
    instance = dg.DagsterInstance.ephemeral()
    try:
        result = run_build(paths, raise_on_error=False, instance=instance)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield BuiltScenario(paths, result.ingest_success, result.transform_success, instance)


@pytest.fixture(scope="session")
def published_data_dir(built_demo: BuiltScenario) -> Path:
    """A data directory whose cockpit.duckdb was published by the real pipeline."""
    assert built_demo.ingest_success and built_demo.transform_success, "demo build failed"
    return built_demo.paths.root


@pytest.fixture
def demo_build_copy(published_data_dir: Path, tmp_path: Path) -> Path:
    """A copy of the built demo's build database in the test's directory, to change freely
    (dbt runs, planted rows) without touching the session's build."""
    copy = tmp_path / "build.duckdb"
    shutil.copy2(published_data_dir / "warehouse" / "build.duckdb", copy)
    return copy
