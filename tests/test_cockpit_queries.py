"""The cockpit's queries: user text is bound, never spliced; drill-downs never show personal
data; and every page degrades to a short note, not an exception, when marts, catalogue rows
or indicator values are missing from the snapshot.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit import data  # noqa: E402
from cockpit.i18n import STRINGS  # noqa: E402
from cockpit.queries import REGISTRY, Scope  # noqa: E402
from cockpit.queries.records import (  # noqa: E402
    RecordSet,
    Term,
    is_personal,
    load_records,
    parse_filter,
    usable,
)
from cockpit.views import PAGES, render_page_alone  # noqa: E402

SNAPSHOT = Path("warehouse") / "cockpit.duckdb"
HOSTILE = "330800' or 1=1 --"
UNKNOWN = "000000"
TIMEOUT_SECONDS = 120


def _as_of(data_dir: Path) -> date:
    con = duckdb.connect(str(data_dir / SNAPSHOT), read_only=True)
    try:
        return con.execute("select max(data_as_of) from meta.build_info").fetchone()[0]
    finally:
        con.close()


def _scope(data_dir: Path, place: str | None = None) -> Scope:
    as_of = _as_of(data_dir)
    return Scope(as_of.replace(day=1), place, place, place, as_of)


def test_latest_values_bind_user_text(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile filter value is a parameter: it matches nothing and runs nothing."""
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    assert data.load_latest_values(geo_code=HOSTILE).empty
    assert not data.load_latest_values().empty


def test_every_page_query_binds_user_text(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed text in any filter behaves exactly like an unknown code, for every page query."""
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    ran = 0
    for query in REGISTRY:
        assert HOSTILE not in query.sql
        if not query.available():
            continue
        hostile = query.run(_scope(published_data_dir, HOSTILE))
        unknown = query.run(_scope(published_data_dir, UNKNOWN))
        pd.testing.assert_frame_equal(hostile, unknown, check_dtype=False)
        ran += 1
    assert ran >= 20, "too few page queries ran against the snapshot"


def test_drilldown_binds_user_text(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    record_set = RecordSet("cases", "fct_cases", "filed_date", "cases")
    assert usable(record_set)
    assert load_records(record_set, _scope(published_data_dir, HOSTILE), False).empty
    assert not load_records(record_set, _scope(published_data_dir), False).empty


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("is_joint", (Term("is_joint", "true"),)),
        ("not is_open", (Term("is_open", "false"),)),
        ("decided_date is not null", (Term("decided_date", "not_null"),)),
        (
            "asset_kind = 'DRONE' and is_in_service",
            (Term("asset_kind", "eq", "DRONE"), Term("is_in_service", "true")),
        ),
        ("true", None),
        ("", None),
        (None, None),
        ("first_inspected_date <= due_date", None),
        ("x = 'a'; drop table t", None),
        ("is_joint or 1=1", None),
    ],
)
def test_numerator_filters_parse_only_plain_shapes(
    text: str | None, terms: tuple[Term, ...] | None
) -> None:
    assert parse_filter(text) == terms


def test_unknown_identifiers_offer_no_drilldown(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    assert not usable(RecordSet("x", "fct_cases", "no_such_column", "x"))
    assert not usable(RecordSet("x", "no_such_mart", "filed_date", "x"))
    assert not usable(RecordSet("x", 'fct_cases" --', "filed_date", "x"))
    assert not usable(RecordSet("x", "fct_cases", "filed_date", "x", (Term("nope", "true"),)))


@pytest.mark.parametrize(
    ("column", "personal"),
    [
        ("party_name", True),
        ("inspector_name", True),
        ("id_no", True),
        ("reporter_phone", True),
        ("staff_id", True),
        ("team_name", False),
        ("item_name", False),
        ("handler_post", False),
        ("entity_uscc", False),
        ("department_code", False),
    ],
)
def test_personal_columns(column: str, personal: bool) -> None:
    assert is_personal(column) is personal


def test_scope_windows() -> None:
    scope = Scope(date(2022, 6, 1), as_of=date(2022, 6, 15))
    assert scope.end == date(2022, 7, 1)
    assert scope.year_start == date(2021, 7, 1)
    assert scope.history_start == date(2020, 7, 1)
    assert scope.reference_day == date(2022, 6, 15)
    assert Scope(date(2022, 5, 1), as_of=date(2022, 6, 15)).reference_day == date(2022, 5, 31)


# --- degradation ----------------------------------------------------------------------------




def _render_all(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, AppTest]:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(data_dir))
    runs = {}
    for spec in PAGES:
        at = AppTest.from_function(
            render_page_alone, args=(spec.url_path, str(REPO_ROOT)), default_timeout=TIMEOUT_SECONDS
        ).run()
        assert not at.exception, f"{spec.url_path}: {at.exception}"
        runs[spec.url_path] = at
    return runs


def _copy_snapshot(source: Path, target: Path, statements: list[str]) -> Path:
    live = target / SNAPSHOT
    live.parent.mkdir(parents=True)
    shutil.copy(source / SNAPSHOT, live)
    con = duckdb.connect(str(live))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return target


def test_pages_degrade_when_marts_and_categories_are_missing(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Missing marts give a 'not yet available' note; personal columns that slip into a mart
    are still never shown."""
    degraded = _copy_snapshot(
        published_data_dir,
        tmp_path,
        [
            "drop table marts.fct_drone_findings",
            "drop table marts.fct_force_team_months",
            "drop table quality.check_results",
            "delete from indicators.catalog where cockpits like '%drones%'",
            "alter table marts.fct_cases add column party_name varchar default 'Zhang San'",
            "alter table marts.fct_cases add column phone varchar default '13800000000'",
        ],
    )
    runs = _render_all(degraded, monkeypatch)
    note = STRINGS["unavailable"]["zh"].split("：")[0]
    drones = runs["drones"]
    assert not drones.metric
    assert any(note in box.value and "fct_drone_findings" in box.value for box in drones.info)
    assert any("fct_force_team_months" in box.value for box in runs["force"].info)
    assert any("quality.check_results" in box.value for box in runs["data_ops"].info)
    frames = [table.value for table in runs["cases"].dataframe]
    case_header = STRINGS["field.case_no"]["zh"]
    assert any(case_header in map(str, frame.columns) for frame in frames), "no case records"
    for frame in frames:
        assert not {"party_name", "phone"} & set(map(str, frame.columns))
        assert "Zhang San" not in frame.astype(str).to_numpy()


def test_pages_render_without_any_indicator_values(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = _copy_snapshot(published_data_dir, tmp_path, ["delete from indicators.values"])
    runs = _render_all(empty, monkeypatch)
    assert all(not at.exception for at in runs.values())


# --- the marts and categories other work is adding ------------------------------------------

MARTS_DIR = REPO_ROOT / "dbt_project" / "models" / "marts"
CATALOG_SEEDS = REPO_ROOT / "dbt_project" / "seeds" / "catalog" / "catalog_*.csv"
SYNTHETIC_ROWS = 4


def _documented_marts() -> dict[str, list[tuple[str, str]]]:
    """Every mart the dbt project documents with typed columns: {name: [(column, type)]}."""
    import yaml

    marts: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(MARTS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            columns = [(c["name"], c.get("data_type", "varchar")) for c in model["columns"]]
            if columns:
                marts[model["name"]] = columns
    return marts


def _synthetic(column: str, kind: str, i: int, real: dict[str, list[str]], as_of: date) -> object:
    """A plausible value: real codes where joins need them, the as-of day for dates."""
    if column in real and real[column]:
        return real[column][i % len(real[column])]
    if column in ("latitude", "lat"):
        return 28.9 + 0.05 * i
    if column in ("longitude", "lon"):
        return 118.6 + 0.1 * i
    kind = kind.lower()
    if kind == "boolean":
        return i % 2 == 0
    if kind in ("date", "timestamp"):
        return as_of
    if kind in ("double", "bigint", "integer"):
        return i + 1
    return f"{column.upper()}_{i % 2}"


def _add_future_marts(path: Path, as_of: date) -> list[str]:
    """Create, in a snapshot copy, each documented mart it lacks (with a few synthetic rows)
    and the catalogue rows the seed has but the snapshot does not; returns the marts added."""
    con = duckdb.connect(str(path))
    try:
        present = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}  # fmt: skip
        real = {
            "county_code": [r[0] for r in con.execute(
                "select geo_code from marts.dim_geography where geo_level = 'county'"
            ).fetchall()],
            "town_code": [r[0] for r in con.execute(
                "select geo_code from marts.dim_geography where geo_level = 'town'"
            ).fetchall()],
            "department_code": ["ZHZF", "SCJG"],
            "grid_code": [r[0] for r in con.execute(
                "select distinct grid_code from marts.fct_complaint_tickets "
                "where grid_code is not null order by 1 limit 8"
            ).fetchall()],
        }  # fmt: skip
        added = []
        for name, columns in _documented_marts().items():
            if name in present:
                continue
            ddl = ", ".join(f'"{c}" {kind}' for c, kind in columns)
            con.execute(f"create table marts.{name} ({ddl})")
            for i in range(SYNTHETIC_ROWS):
                row = [_synthetic(c, kind, i, real, as_of) for c, kind in columns]
                con.execute(f"insert into marts.{name} values ({', '.join('?' * len(row))})", row)
            added.append(name)
        con.execute(
            f"""insert into indicators.catalog by name
                select * from read_csv('{CATALOG_SEEDS}', header = true, union_by_name = true)
                where category_code not in (select category_code from indicators.catalog)"""
        )
    finally:
        con.close()
    return added


def test_pages_use_the_documented_marts_when_they_arrive(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built from the dbt contracts, every mart that is not published yet gets a few rows:
    each page query must bind to its documented columns and every page must render them,
    with no 'not yet available' note left for any of them."""
    future = _copy_snapshot(published_data_dir, tmp_path, [])
    added = _add_future_marts(future / SNAPSHOT, _as_of(published_data_dir))
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(future))
    for query in REGISTRY:
        if query.table in added:
            assert query.available(), f"{query.name}: columns differ from the dbt contract"
            query.run(_scope(future))
    runs = _render_all(future, monkeypatch)
    for code, at in runs.items():
        notes = "\n".join(box.value for box in at.info)
        for mart in added:
            assert f"marts.{mart}" not in notes, f"{code} still says {mart} is unavailable"


def test_case_stage_funnel_counts_each_case_once_per_stage(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cases page counts flagged first events; that equals a distinct count of cases per
    stage over the same window, for cases whose first arrival at the stage lies in it."""
    from cockpit.queries.enforcement import CASE_STAGES

    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    scope = _scope(published_data_dir)
    shown = CASE_STAGES.run(scope).set_index("stage")["cases"].sort_index()
    params = scope.params()
    con = duckdb.connect(str(published_data_dir / SNAPSHOT), read_only=True)
    try:
        expected = con.execute(
            """
            with first_arrivals as (
                select case_no, stage, min(event_date) as first_date
                from marts.fct_case_events group by all
            )
            select stage, count(distinct case_no) as cases from first_arrivals
            where first_date >= ? and first_date < ? group by 1 order by 1
            """,
            [params["year_start"], params["end"]],
        ).df().set_index("stage")["cases"]
    finally:
        con.close()
    assert len(expected) >= 5, "too few stages reached in the window to compare"
    pd.testing.assert_series_equal(shown, expected, check_dtype=False, check_names=False)
