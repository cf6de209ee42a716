"""A daily ingest run's steps share one build-database connection, closed with the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.resources import Warehouse


def _run(data_dir: Path, fail_second: bool = False) -> tuple[list[int], bool]:
    """Two steps writing through the kept connection; the ids of the connections they got."""
    seen: list[int] = []

    @dg.asset
    def first(warehouse: Warehouse) -> None:
        with warehouse.connect(keep=True) as con:
            seen.append(id(con))
            con.execute("create table if not exists t (step varchar)")
            con.execute("insert into t values ('first')")

    @dg.asset(deps=[first])
    def second(warehouse: Warehouse) -> None:
        with warehouse.connect(keep=True) as con:
            seen.append(id(con))
            con.execute("begin transaction")
            con.execute("insert into t values ('second')")
            if fail_second:
                raise RuntimeError("the step fails midway")
            con.execute("commit")

    result = dg.materialize(
        [first, second],
        resources={"warehouse": Warehouse(data_dir=str(data_dir))},
        raise_on_error=False,
    )
    return seen, result.success


def _rows(build_db: Path) -> list[str]:
    # a read-only connection in this process fails while a writing one is still open
    with duckdb.connect(str(build_db), read_only=True) as con:
        return [row[0] for row in con.execute("select step from t order by step").fetchall()]


def test_the_steps_share_one_connection_closed_with_the_run(tmp_path: Path) -> None:
    seen, ok = _run(tmp_path)
    assert ok and len(seen) == 2 and seen[0] == seen[1]
    assert _rows(tmp_path / "warehouse" / "build.duckdb") == ["first", "second"]


def test_a_failing_step_rolls_back_and_closes_the_kept_connection(tmp_path: Path) -> None:
    _, ok = _run(tmp_path, fail_second=True)
    assert not ok
    assert _rows(tmp_path / "warehouse" / "build.duckdb") == ["first"]


def test_a_short_lived_connection_closes_the_kept_one_first(tmp_path: Path) -> None:
    """Outside a run's teardown (e.g. a later step of another kind), opening an ordinary
    connection ends the kept one, so nothing keeps the file once a step is done with it."""
    warehouse = Warehouse(data_dir=str(tmp_path))
    with warehouse.connect(keep=True) as kept:
        kept.execute("create table t (step varchar)")
    with warehouse.connect() as con:
        con.execute("insert into t values ('short')")
    with pytest.raises(duckdb.ConnectionException):
        kept.execute("select 1")  # closed
    assert _rows(tmp_path / "warehouse" / "build.duckdb") == ["short"]


def test_a_one_day_ingest_opens_the_build_database_once(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily ingest run's steps and the freshness checks between them all use the
    run's one connection: each open and close of the build database cost a checkpoint and
    ~0.1 s at full scale."""
    from pipelines import build, resources
    from pipelines.loading import landed_range
    from sources.config import data_paths

    root = tmp_path / "data"
    shutil.copytree(published_data_dir, root, ignore=shutil.ignore_patterns("dagster_home"))
    paths = data_paths(root).ensure()
    day = landed_range(paths)[1]
    opened: list[str] = []
    real_connect = duckdb.connect

    def counting_connect(database: str = ":memory:", *args: object, **kwargs: object) -> object:
        if Path(str(database)) == paths.build_db and not kwargs.get("read_only"):
            opened.append(str(database))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(resources.duckdb, "connect", counting_connect)
    assert build.run_ingest(paths, day, day, raise_on_error=True)
    assert len(opened) == 1
