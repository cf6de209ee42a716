"""The tile sparkline (``cockpit.sparkline``): what a leader reads off it must be true.

The line breaks where a month has no value instead of inventing one, the dashed target follows
the catalogue target, each month's tooltip says the month, the value as the tile formats it
and the target, and text from the data cannot break out of the SVG.
"""

from __future__ import annotations

import math
import re
from datetime import date

from cockpit.sparkline import HEIGHT, PAD, WIDTH, Trend, sparkline_html

MONTHS = tuple(date(2022, month, 1) for month in range(1, 7))


def _polylines(markup: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, pair.split(","))) for pair in points.split()]
        for points in re.findall(r'<polyline points="([^"]+)"', markup)
    ]


def test_a_month_without_a_value_breaks_the_line() -> None:
    trend = Trend(MONTHS, (0.5, 0.6, math.nan, 0.7, None, 0.8), (None,) * 6)
    markup = sparkline_html(trend, "ratio", "%", "en")
    runs = _polylines(markup)
    assert [len(run) for run in runs] == [2]  # Jan–Feb; Apr and Jun stand alone as dots
    assert markup.count('stroke-linecap="round" stroke-width="4"') == 2
    assert "stroke-dasharray" not in markup  # no target, no dashed line


def test_higher_values_are_drawn_higher_within_the_box() -> None:
    trend = Trend(MONTHS, (1.0, 2.0, 3.0, 4.0, 5.0, 6.0), (4.0,) * 6)
    markup = sparkline_html(trend, "count", "件", "zh")
    target, actual = _polylines(markup)
    ys = [y for _, y in actual]
    assert ys == sorted(ys, reverse=True)  # SVG y grows downwards
    assert min(ys) == PAD and max(ys) == HEIGHT - PAD
    assert [x for x, _ in actual] == [0.0, 48.0, 96.0, 144.0, 192.0, WIDTH]
    assert len({y for _, y in target}) == 1 and ys[-1] < target[0][1] < ys[0]


def test_each_month_has_a_tooltip_with_value_and_target() -> None:
    trend = Trend(MONTHS[:2], (0.932, 0.95), (0.95, 0.95))
    titles = re.findall(r"<title>([^<]+)</title>", sparkline_html(trend, "ratio", "%", "zh"))
    assert titles == ["2022-01: 93.2% · 目标 95.0%", "2022-02: 95.0% · 目标 95.0%"]
    assert 'aria-label="Actual"' in sparkline_html(trend, "ratio", "%", "en")


def test_a_flat_series_and_a_single_month_stay_inside_the_box() -> None:
    flat = sparkline_html(Trend(MONTHS, (3.0,) * 6, (3.0,) * 6), "count", "", "en")
    for run in _polylines(flat):
        assert all(PAD <= y <= HEIGHT - PAD for _, y in run)
    single = sparkline_html(Trend(MONTHS[:1], (3.0,), (None,)), "count", "", "en")
    assert f'x1="{WIDTH / 2}"' in single and "2022-01" in single


def test_no_history_draws_nothing_and_text_is_escaped() -> None:
    assert sparkline_html(Trend(), "count", "", "en") == ""
    markup = sparkline_html(Trend(MONTHS[:1], (1.0,), (None,)), "count", "<b>件</b>", "en")
    assert "<b>" not in markup and "&lt;b&gt;" in markup


def test_trend_reads_a_month_and_keeps_the_last_months() -> None:
    trend = Trend(MONTHS, (1.0, 2.0, 3.0, 4.0, 5.0, 6.0), (None,) * 6)
    assert trend.value_at(date(2022, 3, 1)) == 3.0
    assert trend.value_at(date(2021, 3, 1)) is None
    assert trend.tail(2) == Trend(MONTHS[4:], (5.0, 6.0), (None, None))
    assert not trend.empty and Trend().empty
