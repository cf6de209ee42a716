"""Cockpit script tests with Streamlit's AppTest, against a snapshot the pipeline published.

Expected numbers are always read from the snapshot's own ``indicators.values`` in the test,
never typed in, so the tests hold for any scenario the fixture is built from.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit.formatting import MISSING, format_value  # noqa: E402
from cockpit.i18n import STRINGS  # noqa: E402
from cockpit.views.overview import KEY_COUNTY, overview_categories  # noqa: E402
from cockpit.widgets import widget_key  # noqa: E402

APP = REPO_ROOT / "cockpit" / "app.py"
TIMEOUT_SECONDS = 60
SNAPSHOT = Path("warehouse") / "cockpit.duckdb"


@contextmanager
def _snapshot(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(data_dir / SNAPSHOT), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _tiles(data_dir: Path) -> pd.DataFrame:
    """The overview's categories in display order, as the app chooses them."""
    with _snapshot(data_dir) as con:
        catalog = con.execute(
            "select * from indicators.catalog order by display_order nulls last, category_code"
        ).df()
    return overview_categories(catalog)


def _expected_metrics(
    data_dir: Path, geo_code: str, lang: str = "zh", department: str = "ALL"
) -> list[tuple[str, str]]:
    """(label, formatted value) per tile for one slice, from the snapshot.

    The default month is the latest one starting on or before ``meta.build_info.data_as_of``
    (later months hold only forward-dated events such as next month's deadlines).
    """
    with _snapshot(data_dir) as con:
        values = con.execute(
            """
            select category_code, value from indicators.values
            where period_grain = 'month' and geo_code = ? and department_code = ?
              and period_start = (select max(period_start) from indicators.values
                                  where period_grain = 'month'
                                    and period_start <= (select max(data_as_of)
                                                         from meta.build_info))
            """,
            [geo_code, department],
        ).df()
    by_code = dict(zip(values["category_code"], values["value"], strict=True))
    expected = []
    for _, tile in _tiles(data_dir).iterrows():
        unit = "%" if tile["measure"] == "ratio" else (tile[f"unit_{lang}"] or tile["unit_zh"])
        value = by_code.get(tile["category_code"])
        expected.append((tile[f"name_{lang}"], format_value(value, tile["measure"], unit)))
    return expected


def _shown_metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(metric.label, metric.value) for metric in at.metric]


def _run_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_SECONDS)
    return at.run()


def _all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [m.value for m in at.info] + [m.value for m in at.warning]
    return "\n".join(str(part) for part in parts)


def test_overview_renders_without_exception(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    assert not at.exception
    tiles = _tiles(published_data_dir)
    assert len(at.metric) == len(tiles)
    text = _all_text(at)
    for code in tiles["category_code"]:
        assert code in text, f"tile label for {code} missing"
    assert at.get("plotly_chart"), "trend charts missing"


def test_city_metrics_match_snapshot(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    assert _shown_metrics(at) == _expected_metrics(published_data_dir, "330800")


def test_english_toggle_changes_labels(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    zh_title = STRINGS["overview.title"]["zh"]
    assert zh_title in _all_text(at)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    text = _all_text(at)
    assert STRINGS["overview.title"]["en"] in text and zh_title not in text
    assert _shown_metrics(at) == _expected_metrics(published_data_dir, "330800", lang="en")
    assert at.selectbox(key=widget_key(KEY_COUNTY, "en")).label == STRINGS["filter.county"]["en"]


def test_county_filter_shows_county_values(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run_app(published_data_dir, monkeypatch)
    city = _shown_metrics(at)
    code = _first_county(published_data_dir)
    at.selectbox(key=widget_key(KEY_COUNTY, "zh")).set_value(code).run()
    assert not at.exception
    shown = _shown_metrics(at)
    assert shown == _expected_metrics(published_data_dir, code)
    assert shown != city
    at.radio(key="lang").set_value("en").run()  # the choice survives a language switch
    assert at.selectbox(key=widget_key(KEY_COUNTY, "en")).value == code
    assert _shown_metrics(at) == _expected_metrics(published_data_dir, code, lang="en")


def _first_county(data_dir: Path) -> str:
    with _snapshot(data_dir) as con:
        row = con.execute(
            "select min(geo_code) from marts.dim_geography where geo_level = 'county'"
        ).fetchone()
    assert row and row[0], "no county in marts.dim_geography"
    return str(row[0])


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
    before = _shown_metrics(at)
    # Change a tile that shows a number, so the change is visible whatever the scenario.
    shown = next(i for i, (_, value) in enumerate(before) if value != MISSING)
    category = _tiles(tmp_path).iloc[shown]
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
    after = _shown_metrics(at)
    assert after == _expected_metrics(tmp_path, "330800")
    assert after[shown] != before[shown]
    assert after[:shown] + after[shown + 1 :] == before[:shown] + before[shown + 1 :]


@pytest.mark.parametrize(
    ("value", "measure", "unit", "shown"),
    [
        (0.9321, "ratio", "%", "93.2%"),
        (1328.0, "count", "件", "1,328 件"),
        (4.9612, "mean", "天", "4.96 天"),
        (347.04, "sum", "万元", "347.0 万元"),
        (float("nan"), "ratio", "%", MISSING),
        (None, "count", "件", MISSING),
    ],
)
def test_format_value(value: float | None, measure: str, unit: str, shown: str) -> None:
    assert format_value(value, measure, unit) == shown


def test_user_text_is_bound_not_spliced(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hostile filter value is a parameter: it matches nothing and runs nothing."""
    from cockpit import data

    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    hostile = "330800' or 1=1 --"
    assert data.load_latest_values(geo_code=hostile).empty
    assert not data.load_latest_values().empty
