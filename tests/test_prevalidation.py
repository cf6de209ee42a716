"""A day validated ahead in a worker process must change nothing but time: every table's
recorded outcome is the one the step would have found itself, GX's results are stored under
the run, and any doubt (another batch, another day, a dead worker) falls back to the step."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines import dbt_handoff, prevalidation
from pipelines.ingest import ingest_table
from pipelines.loading import read_range
from pipelines.resources import Warehouse
from quality.runner import gx_project_dir
from sources.config import DATA_DIR_ENV, data_paths
from sources.registry import CONTRACTS
from sources.simulator import generate

FIRST, DAY = dt.date(2022, 6, 1), dt.date(2022, 6, 16)  # two weeks of history before the day
OUTCOMES_SQL = """
select asset_key, expectation, severity, success, observed from quality.check_results
where run_id = ? order by all
"""


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the days before ``DAY`` ingested and ``DAY`` landed."""
    root = tmp_path_factory.mktemp("prevalidation")
    paths = data_paths(root).ensure()
    generate(paths.landing, scale="demo", start=FIRST, end=DAY, progress=False)
    warehouse = Warehouse(data_dir=str(root))
    for contract in CONTRACTS:
        ingest_table(contract, warehouse, FIRST, DAY - dt.timedelta(days=1), "history")
    warehouse.release()
    return root


def _copy(history: Path, tmp_path: Path, name: str) -> Warehouse:
    root = tmp_path / name
    shutil.copytree(history, root)
    return Warehouse(data_dir=str(root))


def _ingest_day(warehouse: Warehouse, run_id: str) -> list[tuple]:
    for contract in CONTRACTS:
        ingest_table(contract, warehouse, DAY, DAY, run_id)
    warehouse.release()
    with duckdb.connect(str(warehouse.paths.build_db), read_only=True) as con:
        return con.execute(OUTCOMES_SQL, [run_id]).fetchall()


def _join_reapers(timeout: float = 60) -> None:
    """Wait for the threads that remove ended workers' folders."""
    for thread in threading.enumerate():
        if thread.name == "prevalidation-reaper":
            thread.join(timeout=timeout)


def _stop(worker: prevalidation.Prevalidation) -> None:
    prevalidation.finish()
    worker.process.wait(timeout=60)
    _join_reapers()


def test_outcomes_taken_from_the_worker_are_the_steps_own(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_step = _copy(history, tmp_path, "in_step")
    ahead = _copy(history, tmp_path, "ahead")
    usual = prevalidation.usual_volumes(ahead.paths.build_db, DAY)
    assert any(usual.values()), "the day must be judged against a usual volume"

    monkeypatch.setenv(DATA_DIR_ENV, str(in_step.paths.root))  # GX results kept, as in a run
    expected = _ingest_day(in_step, "run-1")
    monkeypatch.setenv(DATA_DIR_ENV, str(ahead.paths.root))
    worker = prevalidation.start(ahead.paths, DAY)
    try:
        found = _ingest_day(ahead, "run-1")
    finally:
        _stop(worker)

    assert sorted(worker.taken) == sorted(c.table_name for c in CONTRACTS)
    assert found == expected
    assert any(not row[3] for row in found), "some expectation should fail on demo defects"
    stored = gx_project_dir(ahead.paths.root) / "uncommitted" / "validations"
    for contract in CONTRACTS:
        assert (stored / contract.table_name / "rows" / "run-1").is_dir(), contract.table_name
    assert not worker.folder.exists()


def test_another_batch_day_or_landing_is_validated_in_the_step(
    history: Path, tmp_path: Path
) -> None:
    warehouse = _copy(history, tmp_path, "other")
    contract = next(c for c in CONTRACTS if c.table_name == "complaints_tickets")
    load = read_range(warehouse.paths.landing, contract, DAY, DAY)
    usual = prevalidation.usual_volumes(warehouse.paths.build_db, DAY)[contract.table_name]
    worker = prevalidation.start(warehouse.paths, DAY)
    try:
        landing = warehouse.paths.landing
        taken = prevalidation.take(contract, load, usual, landing, DAY, "run-2")
        assert taken is not None and taken.outcomes
        doubled = {day: 2 * volume for day, volume in usual.items()}
        assert prevalidation.take(contract, load, doubled, landing, DAY, "run-2") is None
        fewer = dataclasses.replace(load, loaded=load.loaded.head(load.loaded.height - 1))
        assert prevalidation.take(contract, fewer, usual, landing, DAY, "run-2") is None
        other_day = DAY - dt.timedelta(days=1)
        assert prevalidation.take(contract, load, usual, landing, other_day, "run-2") is None
        assert prevalidation.take(contract, load, usual, tmp_path, DAY, "run-2") is None
    finally:
        _stop(worker)
    assert prevalidation.take(contract, load, usual, landing, DAY, "run-2") is None


def test_a_dead_worker_is_not_waited_for(history: Path, tmp_path: Path) -> None:
    warehouse = _copy(history, tmp_path, "dead")
    contract = CONTRACTS[-1]
    worker = prevalidation.start(warehouse.paths, DAY)
    worker.process.kill()
    worker.process.wait(timeout=60)
    (worker.folder / f"{contract.table_name}.json").unlink(missing_ok=True)
    load = read_range(warehouse.paths.landing, contract, DAY, DAY)
    try:
        assert prevalidation.take(contract, load, {}, warehouse.paths.landing, DAY, "r") is None
    finally:
        _stop(worker)


def test_a_hung_worker_is_waited_for_only_so_long(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = _copy(history, tmp_path, "hung")
    contract = CONTRACTS[0]
    load = read_range(warehouse.paths.landing, contract, DAY, DAY)
    folder = tmp_path / "hung-worker"
    folder.mkdir()
    hung = prevalidation.Prevalidation(
        DAY, warehouse.paths.landing, folder,
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                         stdin=subprocess.PIPE),
    )
    monkeypatch.setattr(prevalidation, "_ACTIVE", [hung])
    monkeypatch.setattr(prevalidation, "WAIT_LIMIT_SECONDS", 0.5)
    try:
        assert prevalidation.take(contract, load, {}, warehouse.paths.landing, DAY, "r") is None
        assert hung.process.poll() is None  # given up on, not waited out
    finally:
        hung.process.kill()
        hung.process.wait(timeout=60)


def test_a_daily_failing_before_its_ingest_still_ends_the_worker(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``daily`` starts the worker before anything else; a failure before the ingest runs
    (here the build itself) must still tell it to end, so its folder does not stay."""
    from pipelines import __main__ as cli
    from pipelines import build

    warehouse = _copy(history, tmp_path, "failing")

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the Dagster instance could not be prepared")

    monkeypatch.setattr(build, "run_build", fail)
    with pytest.raises(RuntimeError, match="could not be prepared"):
        cli.run_daily(warehouse.paths, DAY)
    assert prevalidation._ACTIVE == []
    # the warm dbt process started beside it is stopped too, and its folder removed
    assert dbt_handoff._WARM == {}
    assert list((warehouse.paths.warehouse / "dbt" / "runs").glob("warm*")) == []
    _join_reapers(timeout=120)
    folders = warehouse.paths.root / "quality" / "prevalidation"
    assert folders.is_dir() and list(folders.iterdir()) == []
