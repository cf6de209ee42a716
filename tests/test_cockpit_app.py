"""Cockpit script tests with Streamlit's AppTest, against a snapshot the pipeline published.

Expected numbers are always read from the snapshot's own ``indicators.values`` in the test,
never typed in, so the tests hold for any scenario the fixture is built from. A tile is read
at the nearest slice its category is computed at (town → county → city; a department → all
departments when the category is not kept per department); ``expected_metrics`` applies that
rule with its own SQL.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit.formatting import MISSING, format_value  # noqa: E402
from cockpit.i18n import STRINGS  # noqa: E402
from cockpit.scaffold import KEY_COUNTY, KEY_DEPARTMENT  # noqa: E402
from cockpit.views import PAGES, render_page_alone  # noqa: E402
from cockpit.widgets import widget_key  # noqa: E402
from tests.apptest_text import all_text  # noqa: E402

APP = REPO_ROOT / "cockpit" / "app.py"
TIMEOUT_SECONDS = 120
SNAPSHOT = Path("warehouse") / "cockpit.duckdb"
CITY = "330800"
Chain = list[tuple[str, str]]


@contextmanager
def _snapshot(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(data_dir / SNAPSHOT), read_only=True)
    try:
        yield con
    finally:
        con.close()


def page_categories(data_dir: Path, page: str) -> pd.DataFrame:
    """The categories whose ``cockpits`` cell names the page, in display order (the overview
    shows the whole catalogue while nothing is tagged for it)."""
    with _snapshot(data_dir) as con:
        catalog = con.execute(
            "select * from indicators.catalog order by display_order nulls last, category_code"
        ).df()
    tagged = (
        catalog["cockpits"]
        .fillna("")
        .map(lambda cell: page in {part.strip() for part in str(cell).split(";")})
    )
    if not tagged.any():
        return catalog if page == "overview" else catalog.head(0)
    return catalog[tagged].reset_index(drop=True)


def expected_metrics(
    data_dir: Path, page: str, chain: Chain, department: str = "ALL", lang: str = "zh",
    period: object = None,
) -> list[tuple[str, str]]:
    """(label, formatted value) per tile for one slice, from the snapshot.

    The default month is the latest one starting on or before ``meta.build_info.data_as_of``;
    ``period`` (a month's first day) picks another.
    """
    with _snapshot(data_dir) as con:
        values = con.execute(
            """
            select category_code, geo_code, department_code, value from indicators.values
            where period_grain = 'month'
              and period_start = coalesce(?::date, (
                  select max(period_start) from indicators.values
                  where period_grain = 'month'
                    and period_start <= (select max(data_as_of) from meta.build_info)))
            """,
            [period],
        ).df()
        levels = con.execute(
            "select distinct category_code, geo_level from indicators.values "
            "where period_grain = 'month'"
        ).df()
    by_key = {
        (row.category_code, row.geo_code, row.department_code): row.value
        for row in values.itertuples()
    }
    expected = []
    for _, tile in page_categories(data_dir, page).iterrows():
        code = tile["category_code"]
        computed = set(levels.loc[levels["category_code"] == code, "geo_level"])
        geo = next((g for level, g in chain if level in computed), chain[0][1])
        dept = department if bool(tile["slice_by_department"]) else "ALL"
        unit = "%" if tile["measure"] == "ratio" else (tile[f"unit_{lang}"] or tile["unit_zh"])
        value = by_key.get((code, geo, dept))
        expected.append((tile[f"name_{lang}"], format_value(value, tile["measure"], unit)))
    return expected


def shown_metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(metric.label, metric.value) for metric in at.metric]


def _run_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_SECONDS)
    return at.run()




def run_page(data_dir: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(data_dir))
    at = AppTest.from_function(
        render_page_alone, args=(code, str(REPO_ROOT)), default_timeout=TIMEOUT_SECONDS
    )
    return at.run()


def first_county(data_dir: Path) -> str:
    with _snapshot(data_dir) as con:
        row = con.execute(
            "select min(geo_code) from marts.dim_geography where geo_level = 'county'"
        ).fetchone()
    assert row and row[0], "no county in marts.dim_geography"
    return str(row[0])


def busiest_department(data_dir: Path, categories: pd.DataFrame) -> str:
    """A department with values for the page's per-department categories (code order)."""
    codes = categories.loc[categories["slice_by_department"].astype(bool), "category_code"]
    with _snapshot(data_dir) as con:
        row = con.execute(
            """select department_code from indicators.values
               where list_contains(?, category_code) and department_code <> 'ALL'
               group by 1 order by count(*) desc, 1 limit 1""",
            [codes.tolist()],
        ).fetchone()
    assert row, "no per-department values"
    return str(row[0])


# --- the app shell (app.py) ---------------------------------------------------------------


def test_overview_renders_without_exception(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    assert not at.exception
    tiles = page_categories(published_data_dir, "overview")
    assert len(at.metric) == len(tiles)
    text = all_text(at)
    for code in tiles["category_code"]:
        assert code in text, f"tile label for {code} missing"
    sparklines = [m.value for m in at.markdown if "ck-spark-svg" in m.value]
    assert len(sparklines) == len(tiles), "a tile's trend sparkline is missing"


def test_city_metrics_match_snapshot(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    expected = expected_metrics(published_data_dir, "overview", [("city", CITY)])
    assert shown_metrics(at) == expected


def test_english_toggle_changes_labels(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    zh_title = STRINGS["overview.title"]["zh"]
    assert zh_title in all_text(at)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    text = all_text(at)
    assert STRINGS["overview.title"]["en"] in text and zh_title not in text
    expected = expected_metrics(published_data_dir, "overview", [("city", CITY)], lang="en")
    assert shown_metrics(at) == expected
    assert at.selectbox(key=widget_key(KEY_COUNTY, "en")).label == STRINGS["filter.county"]["en"]


def test_county_filter_shows_county_values(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    city = shown_metrics(at)
    code = first_county(published_data_dir)
    chain = [("county", code), ("city", CITY)]
    at.selectbox(key=widget_key(KEY_COUNTY, "zh")).set_value(code).run()
    assert not at.exception
    shown = shown_metrics(at)
    assert shown == expected_metrics(published_data_dir, "overview", chain)
    assert shown != city
    at.radio(key="lang").set_value("en").run()  # the choice survives a language switch
    assert at.selectbox(key=widget_key(KEY_COUNTY, "en")).value == code
    assert shown_metrics(at) == expected_metrics(published_data_dir, "overview", chain, lang="en")


def test_navigation_registers_sixteen_cockpits() -> None:
    """Sixteen cockpits, overview first; pages beside them (the entity profile) are in the
    navigation too but are not counted, and never use a ``page.`` key (which would make the
    pipeline list them as a cockpit)."""
    codes = [spec.url_path for spec in PAGES if spec.is_cockpit]
    assert len(codes) == len(set(codes)) == 16
    assert codes[0] == PAGES[0].url_path == "overview"
    assert len({spec.url_path for spec in PAGES}) == len(PAGES)
    for spec in PAGES:
        for key in (spec.title_key, f"{spec.url_path}.title", f"{spec.url_path}.subtitle"):
            assert key in STRINGS and all(STRINGS[key].values()), key
        assert spec.title_key.startswith("page.") == spec.is_cockpit, spec.url_path


def test_missing_snapshot_shows_friendly_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(tmp_path, monkeypatch)
    assert not at.exception
    assert not at.metric
    assert any(STRINGS["error.no_snapshot.title"]["zh"] in box.value for box in at.info)


def test_swapped_snapshot_is_reread(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pipeline publishes with os.replace; the next rerun must show the new file's data."""
    live = tmp_path / SNAPSHOT
    live.parent.mkdir(parents=True)
    shutil.copy(published_data_dir / SNAPSHOT, live)
    at = _run_app(tmp_path, monkeypatch)
    before = shown_metrics(at)
    # Change a tile that shows a number, so the change is visible whatever the scenario.
    shown = next(i for i, (_, value) in enumerate(before) if value != MISSING)
    category = page_categories(tmp_path, "overview").iloc[shown]
    staged = live.with_suffix(".next")
    shutil.copy(live, staged)
    con = duckdb.connect(str(staged))
    try:
        con.execute(
            """update indicators.values set value = coalesce(value, 0) * 2 + 7
               where category_code = ? and geo_code = '330800' and department_code = 'ALL'""",
            [category["category_code"]],
        )
    finally:
        con.close()
    os.replace(staged, live)
    at.run()
    assert not at.exception
    after = shown_metrics(at)
    assert after == expected_metrics(tmp_path, "overview", [("city", CITY)])
    assert after[shown] != before[shown]
    assert after[:shown] + after[shown + 1 :] == before[:shown] + before[shown + 1 :]


@pytest.mark.parametrize(
    ("value", "measure", "unit", "shown"),
    [
        (0.9321, "ratio", "%", "93.2%"),
        (1328.0, "count", "件", "1,328 件"),
        (21.0, "distinct_count", "个", "21 个"),
        (4.9612, "mean", "天", "4.96 天"),
        (347.04, "sum", "万元", "347.0 万元"),
        (float("nan"), "ratio", "%", MISSING),
        (None, "count", "件", MISSING),
    ],
)
def test_format_value(value: float | None, measure: str, unit: str, shown: str) -> None:
    assert format_value(value, measure, unit) == shown


# --- every cockpit page ---------------------------------------------------------------------


def _title_html(code: str, lang: str) -> str:
    return f'<div class="ck-title">{STRINGS[f"{code}.title"][lang]}</div>'


def _filter_to_change(data_dir: Path, code: str, categories: pd.DataFrame) -> tuple[str, str]:
    """The filter whose change must move the numbers: the county where some category is
    computed per county, else the department where some category is kept per department."""
    filters = next(s for s in PAGES if s.url_path == code).filters
    with _snapshot(data_dir) as con:
        county_level = con.execute(
            "select list(distinct category_code) from indicators.values where geo_level = 'county'"
        ).fetchone()[0]
    if "county" in filters and categories["category_code"].isin(county_level).any():
        return KEY_COUNTY, first_county(data_dir)
    assert "department" in filters, f"{code}: no filter can change its tiles"
    return KEY_DEPARTMENT, busiest_department(data_dir, categories)


@pytest.mark.parametrize("code", [spec.url_path for spec in PAGES if spec.is_cockpit])
def test_page_renders_and_matches_indicator_values(
    code: str, published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each cockpit renders in Chinese, shows exactly its catalogue tiles with the values of
    ``indicators.values``, follows a filter change, and switches to English."""
    at = run_page(published_data_dir, code, monkeypatch)
    assert not at.exception, at.exception
    assert _title_html(code, "zh") in all_text(at)
    city = [("city", CITY)]
    expected = expected_metrics(published_data_dir, code, city)
    assert shown_metrics(at) == expected
    chain, department = city, "ALL"
    categories = page_categories(published_data_dir, code)
    # the data-operations page offers no filter: it shows the platform as it stands now
    filtered = bool(next(s for s in PAGES if s.url_path == code).filters)
    if filtered and expected and any(value != MISSING for _, value in expected):
        key, choice = _filter_to_change(published_data_dir, code, categories)
        at.selectbox(key=widget_key(key, "zh")).set_value(choice).run()
        assert not at.exception, at.exception
        if key == KEY_COUNTY:
            chain = [("county", choice), *city]
        else:
            department = choice
        changed = expected_metrics(published_data_dir, code, chain, department)
        assert shown_metrics(at) == changed
        assert changed != expected, f"{code}: the filter changed no number"
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert _title_html(code, "en") in text and _title_html(code, "zh") not in text
    assert shown_metrics(at) == expected_metrics(published_data_dir, code, chain, department, "en")


def test_force_gauge_shows_the_front_line_value(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_page(published_data_dir, "force", monkeypatch)
    gauges = [
        json.loads(chart.proto.spec)["data"][0]
        for chart in at.get("plotly_chart")
        if chart.proto.id.endswith("chart_force_gauge")
    ]
    if "FORCE_FRONTLINE_RATIO" not in set(
        page_categories(published_data_dir, "force")["category_code"]
    ):
        assert not gauges
        return
    with _snapshot(published_data_dir) as con:
        value = con.execute(
            """select value from indicators.values
               where category_code = 'FORCE_FRONTLINE_RATIO' and period_grain = 'month'
                 and geo_code = '330800' and department_code = 'ALL'
                 and period_start <= (select max(data_as_of) from meta.build_info)
               order by period_start desc limit 1"""
        ).fetchone()[0]
    assert len(gauges) == 1
    assert gauges[0]["value"] == pytest.approx(value * 100)


def test_drone_day_shows_the_day_grain_value(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The drone page opens on the month's worst waterlogging day and shows the day-grain
    value of the waterlogging category for it, as ``indicators.values`` holds it."""
    categories = page_categories(published_data_dir, "drones")
    if "DRONE_WATERLOGGING_POINTS" not in set(categories["category_code"]):
        pytest.skip("the catalogue does not tag the waterlogging category for the drone page")
    with _snapshot(published_data_dir) as con:
        day, value = con.execute(
            """with month as (
                   select max(period_start) as start from indicators.values
                   where period_grain = 'month'
                     and period_start <= (select max(data_as_of) from meta.build_info)),
               busiest as (
                   select detected_date as day from marts.fct_drone_findings, month
                   where finding_class = 'WATERLOGGING' and is_confirmed
                     and detected_date >= month.start
                     and detected_date < month.start + interval 1 month
                   group by 1 order by count(*) desc, 1 limit 1)
               select busiest.day, v.value from busiest join indicators.values v
                 on v.period_start = busiest.day
               where v.category_code = 'DRONE_WATERLOGGING_POINTS' and v.period_grain = 'day'
                 and v.geo_code = '330800' and v.department_code = 'ALL'"""
        ).fetchone()
    tile = categories[categories["category_code"] == "DRONE_WATERLOGGING_POINTS"].iloc[0]
    shown = format_value(value, tile["measure"], tile["unit_zh"])
    at = run_page(published_data_dir, "drones", monkeypatch)
    assert not at.exception
    assert f"{tile['name_zh']} · {day.isoformat()} <b>{shown}</b>" in all_text(at)


# --- maps: county outlines from geotool-cn ---------------------------------------------------


def _coordinates(encoded: object) -> list[float | None]:
    """A trace's coordinates from the chart's JSON: a plain list, or a typed array (what
    Plotly writes for numpy arrays: dtype and base64 bytes), NaN read as a break (None)."""
    if isinstance(encoded, dict):
        values = np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"])
        return [None if np.isnan(v) else float(v) for v in values]
    return list(encoded)  # type: ignore[call-overload]


def _inside(x: float, y: float, xs: list[float | None], ys: list[float | None]) -> bool:
    """Even-odd ray casting over the rings of one trace (rings separated by None)."""
    inside, ring = False, []
    for px, py in [*zip(xs, ys, strict=True), (None, None)]:
        if px is None or py is None:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
            ring = []
        else:
            ring.append((px, py))
    return inside


@pytest.mark.parametrize(("page", "chart"), [("drones", "drones_points"), ("grid", "grid_map")])
def test_maps_draw_one_geotool_outline_per_county(
    page: str, chart: str, published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every county of the snapshot is outlined once, under the points, and the position the
    map marks it at lies inside its own outline."""
    from cockpit.geo import OUTLINE_META

    with _snapshot(published_data_dir) as con:
        counties = dict(
            (code, (lon, lat))
            for code, lon, lat in con.execute(
                "select geo_code, lon, lat from marts.dim_geography where geo_level = 'county'"
            ).fetchall()
        )
    at = run_page(published_data_dir, page, monkeypatch)
    assert not at.exception, at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(chart)]
    assert len(specs) == 1, f"{chart} not drawn"
    traces = specs[0]["data"]
    outlines = [t for t in traces if OUTLINE_META in (t.get("meta") or {})]
    assert sorted(t["meta"][OUTLINE_META] for t in outlines) == sorted(counties)
    assert traces[: len(outlines)] == outlines, "outlines must be drawn under the points"
    for trace in outlines:
        lon, lat = counties[trace["meta"][OUTLINE_META]]
        xs, ys = _coordinates(trace["x"]), _coordinates(trace["y"])
        assert trace["mode"] == "lines" and len(xs) > 50
        assert _inside(lon, lat, xs, ys), trace["meta"]


def test_geotool_ships_outlines_and_centroids_for_the_six_counties() -> None:
    from cockpit import geo

    for code in geo.COUNTY_SEATS:
        rings = geo.county_outline(code)
        assert rings and all(len(lons) == len(lats) > 50 for lons, lats in rings), code
        seat_lon, seat_lat = geo.COUNTY_SEATS[code]
        lons = [x for lons, _ in rings for x in lons]
        lats = [y for _, lats in rings for y in lats]
        assert min(lons) < seat_lon < max(lons) and min(lats) < seat_lat < max(lats), code
    assert set(geo._geotool_positions(list(geo.COUNTY_SEATS))) == set(geo.COUNTY_SEATS)
