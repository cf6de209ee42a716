"""The demo scenario through the real pipeline: Dagster → DuckDB → dbt → checks → publish."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.ingest import INGEST_ASSETS
from pipelines.resources import Warehouse
from sources.registry import CONTRACTS
from tests.conftest import BuiltScenario


def build_con(built: BuiltScenario) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(built.paths.build_db), read_only=True)


def test_whole_asset_graph_materialised(built_demo: BuiltScenario) -> None:
    from pipelines.definitions import defs

    assert built_demo.ingest_success and built_demo.transform_success
    instance = built_demo.instance
    if instance is None:
        pytest.skip("reused build: its runs were recorded by an earlier session")
    # external assets (the ingest bookkeeping dbt reads, meta.ingest_files) are written as a
    # side effect of ingest, not materialised themselves
    asset_keys = defs.resolve_asset_graph().materializable_asset_keys
    missing = [
        key.to_user_string()
        for key in asset_keys
        if instance.get_latest_materialization_event(key) is None
    ]
    assert not missing, f"never materialised: {missing}"


def test_every_landed_row_is_loaded_or_quarantined(built_demo: BuiltScenario) -> None:
    with build_con(built_demo) as con:
        files = con.sql(
            "select table_name, source_file, landed, loaded, quarantined from meta.ingest_files"
        ).pl()
        landed_files = {
            path.relative_to(built_demo.paths.landing).as_posix()
            for path in built_demo.paths.landing.rglob("*")
            if path.is_file()
        }
        assert set(files["source_file"]) == landed_files
        assert (files["landed"] == files["loaded"] + files["quarantined"]).all()
        for contract in CONTRACTS:
            table = contract.table_name
            raw_rows, quarantined_rows = con.execute(
                f"select (select count(*) from raw.{table}), "
                f"(select count(*) from quarantine.{table})"
            ).fetchone()
            totals = (
                files.filter(pl.col("table_name") == table)
                .select(pl.col("loaded").sum(), pl.col("quarantined").sum())
                .row(0)
            )
            assert (raw_rows, quarantined_rows) == totals


def test_quarantine_is_exactly_the_injected_defects(built_demo: BuiltScenario) -> None:
    """Zero unexplained rows: every quarantined row is a defect the simulator injected, for
    the reason it injected, and every injected defect was caught."""
    ledger = pl.read_csv(
        built_demo.paths.root / "simulator" / "defects.csv", schema_overrides={"line": pl.Int64}
    )
    with build_con(built_demo) as con:
        quarantined = pl.concat(
            con.sql(
                f"select _source_file as file, _source_line as line, reason_code as reason "
                f"from quarantine.{contract.table_name}"
            ).pl()
            for contract in CONTRACTS
        )
    expected = ledger.select("file", "line", "reason").sort("file", "line")
    assert quarantined.sort("file", "line").rows() == expected.rows()
    assert expected.height > 0


def test_publish_leaves_personal_data_and_raw_text_behind(published_data_dir) -> None:  # noqa: ANN001
    snapshot = published_data_dir / "warehouse" / "cockpit.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        schemas = {
            row[0]
            for row in con.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        }
        columns = {
            row[0]
            for row in con.execute(
                "select distinct column_name from information_schema.columns"
            ).fetchall()
        }
        as_of = con.execute("select data_as_of from meta.build_info").fetchone()
        values = con.execute('select count(*) from indicators."values"').fetchone()
    assert schemas == {"marts", "indicators", "quality", "meta"}
    assert not columns & {"party_name", "party_id_no", "party_phone", "inspector_name"}
    assert as_of == (dt.date(2022, 6, 30),)
    assert values and values[0] > 1000


def test_rerunning_a_partition_replaces_it(built_demo: BuiltScenario) -> None:
    day = "2021-05-05"
    query = (
        "select count(*), count(distinct _run_id), sum(hash(task_id)) "
        "from raw.inspection_tasks where _partition_date = ?"
    )
    with build_con(built_demo) as con:
        before = con.execute(query, [day]).fetchone()
    result = dg.materialize(
        INGEST_ASSETS,
        partition_key=day,
        resources={"warehouse": Warehouse(data_dir=str(built_demo.paths.root))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    with build_con(built_demo) as con:
        after = con.execute(query, [day]).fetchone()
        run_ids = con.execute(
            "select distinct _run_id from raw.inspection_tasks where _partition_date = ?", [day]
        ).fetchall()
    assert before is not None and after is not None and before[0] > 0
    assert (after[0], after[2]) == (before[0], before[2])  # same rows, not doubled
    assert run_ids == [(result.run_id,)]


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.table_name)
def test_quality_history_records_every_suite(built_demo: BuiltScenario, contract) -> None:  # noqa: ANN001
    with build_con(built_demo) as con:
        rows = con.execute(
            "select count(*), count(*) filter (where severity = 'error' and not success) "
            "from quality.check_results where asset_key = ?",
            [f"raw/{contract.table_name}"],
        ).fetchone()
    assert rows is not None and rows[0] > 0 and rows[1] == 0
