"""A tile's trend and comparisons, read from only the months a tile draws, still match the
snapshot's values: the sparkline's last 24 months, last month's value and last year's."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cockpit import data
from cockpit.queries import add_months
from cockpit.tiles import TREND_MONTHS, Slice, build_tiles, page_categories

_HISTORY_SQL = """
select period_start, value from indicators."values"
where category_code = $code and period_grain = 'month' and geo_level = 'city'
  and department_code = 'ALL' and period_start <= $period
order by period_start
"""


def test_tiles_draw_the_last_months_of_each_category(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    categories = page_categories(data.load_catalog(), "overview", True)
    period = data.load_periods()[0]
    tiles = build_tiles(categories, Slice(period, (("city", data.CITY_CODE),)), "zh")
    assert len(tiles) == len(categories) > 0
    snapshot = published_data_dir / "warehouse" / "cockpit.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        long_histories = 0
        for tile in tiles:
            code = str(tile.category["category_code"])
            rows = con.execute(_HISTORY_SQL, {"code": code, "period": period}).fetchall()
            by_month = dict(rows)
            shown = rows[-TREND_MONTHS:]
            assert list(tile.history.periods) == [month for month, _ in shown], code
            assert list(tile.history.values) == [value for _, value in shown], code
            assert tile.previous_value == by_month.get(add_months(period, -1)), code
            assert tile.prior_year_value == by_month.get(add_months(period, -12)), code
            long_histories += len(rows) > TREND_MONTHS
    assert long_histories > 0, "no category has more history than a tile draws"
