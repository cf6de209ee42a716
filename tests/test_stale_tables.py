"""A code change to an incremental mart's columns rebuilds that mart instead of failing the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.build import run_transform
from pipelines.dbt_project import load_manifest
from pipelines.stale_tables import StaleTable, contracted_incrementals, drop_stale_tables
from sources.config import data_paths


def _node(name: str, materialized: str, enforced: bool, columns: list[str]) -> dict:
    return {
        "resource_type": "model", "schema": "marts", "name": name, "alias": name,
        "config": {"materialized": materialized, "contract": {"enforced": enforced}},
        "columns": {column: {"name": column} for column in columns},
    }


def test_only_contracted_incrementals_with_other_columns_are_dropped(tmp_path: Path) -> None:
    manifest = {"nodes": {
        "model.p.fct_new_column": _node("fct_new_column", "incremental", True, ["id", "landed"]),
        "model.p.fct_same": _node("fct_same", "incremental", True, ["id", "landed"]),
        "model.p.fct_loose": _node("fct_loose", "incremental", False, ["id", "landed"]),
        "model.p.fct_whole": _node("fct_whole", "table", True, ["id", "landed"]),
        "model.p.fct_unbuilt": _node("fct_unbuilt", "incremental", True, ["id"]),
    }}
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        con.execute("create schema marts")
        for table in ("fct_new_column", "fct_loose", "fct_whole"):
            con.execute(f"create table marts.{table} (id int, dropped_later int)")
        con.execute("create table marts.fct_same (id int, landed date)")
        dropped = drop_stale_tables(con, manifest)
        left = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}
    assert dropped == [StaleTable("marts", "fct_new_column", ("landed",), ("dropped_later",))]
    assert dropped[0].describe() == "marts.fct_new_column (+landed, -dropped_later)"
    assert left == {"fct_same", "fct_loose", "fct_whole"}


def test_the_project_has_contracted_incremental_marts() -> None:
    marts = contracted_incrementals(load_manifest())
    assert "_written_at" in marts[("marts", "fct_grid_events")]


def test_a_transform_rebuilds_a_mart_built_by_older_code(
    published_data_dir: Path, tmp_path: Path
) -> None:
    """As if the warehouse was built before `fct_grid_events` had `landed_date` and
    `_written_at`: the next ordinary transform rebuilds it whole and publishes."""
    data_dir = tmp_path / "data"
    shutil.copytree(published_data_dir / "warehouse", data_dir / "warehouse")
    paths = data_paths(data_dir)
    with duckdb.connect(str(paths.build_db)) as con:
        expected = con.execute("select count(*) from marts.fct_grid_events").fetchall()
        con.execute("alter table marts.fct_grid_events drop column _written_at")
        con.execute("alter table marts.fct_grid_events drop column landed_date")

    assert run_transform(paths, instance=dg.DagsterInstance.ephemeral())
    with duckdb.connect(str(paths.cockpit_db), read_only=True) as con:
        columns = [row[0] for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'fct_grid_events'"
        ).fetchall()]
        assert "_written_at" in columns and "landed_date" in columns
        assert con.execute("select count(*) from marts.fct_grid_events").fetchall() == expected
