"""The period and town filters change the tiles to that month's and that town's values.

(The county and department filters are exercised on every page in test_cockpit_app.) The
expected values are read from the snapshot's ``indicators.values`` with the same nearest-
slice rule the tiles follow (``expected_metrics``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cockpit.scaffold import KEY_COUNTY, KEY_PERIOD, KEY_TOWN
from cockpit.widgets import widget_key
from tests.test_cockpit_app import (
    CITY,
    _run_app,
    _snapshot,
    expected_metrics,
    first_county,
    shown_metrics,
)


def test_period_and_town_filters_show_their_values(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _snapshot(published_data_dir) as con:
        months = [row[0] for row in con.execute(
            "select distinct period_start from indicators.values where period_grain = 'month' "
            "and period_start <= (select max(data_as_of) from meta.build_info) order by 1 desc"
        ).fetchall()]
        county = first_county(published_data_dir)
        town = con.execute(
            "select min(geo_code) from indicators.values where geo_level = 'town' and "
            "geo_code in (select geo_code from marts.dim_geography where parent_code = ?)",
            [county],
        ).fetchone()[0]
    assert len(months) >= 2 and town
    earlier = months[1]

    at = _run_app(published_data_dir, monkeypatch)
    latest = shown_metrics(at)
    at.selectbox(key=widget_key(KEY_PERIOD, "zh")).set_value(earlier).run()
    assert not at.exception, at.exception
    city = [("city", CITY)]
    shown = shown_metrics(at)
    assert shown == expected_metrics(published_data_dir, "overview", city, period=earlier)
    assert shown != latest, "the period filter changed no number"

    at.selectbox(key=widget_key(KEY_COUNTY, "zh")).set_value(county).run()
    at.selectbox(key=widget_key(KEY_TOWN, "zh")).set_value(town).run()
    assert not at.exception, at.exception
    chain = [("town", town), ("county", county), *city]
    in_town = shown_metrics(at)
    assert in_town == expected_metrics(published_data_dir, "overview", chain, period=earlier)
    county_chain = [("county", county), *city]
    assert in_town != expected_metrics(
        published_data_dir, "overview", county_chain, period=earlier
    ), "the town filter changed no number"
