"""A tile's monthly trend, drawn as inline SVG with the target dashed.

A page shows up to a few dozen tiles. As Plotly figures their sparklines were a quarter of a
page's render time (each figure validated and serialised, then drawn by plotly.js in the
browser: profiled with py-spy on the overview). A sparkline needs none of Plotly's
interaction: a polyline, a dashed target and one hover band per month whose ``<title>`` is the
browser's own tooltip ("2022-05: 93.2% · 目标 95.0%") cost microseconds and draw at once.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import date

from cockpit import theme
from cockpit.formatting import format_value
from cockpit.i18n import Lang, t

WIDTH = 240.0  # viewBox units; the SVG is stretched to the tile's width
HEIGHT = 48.0
PAD = 5.0  # keeps the line's extremes and the last-value dot inside the box


@dataclass(frozen=True)
class Trend:
    """One slice's monthly history, oldest first; NaN or None where a month has no value."""

    periods: tuple[date, ...] = ()
    values: tuple[float | None, ...] = ()
    targets: tuple[float | None, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.periods

    def tail(self, months: int) -> Trend:
        """The last ``months`` months."""
        return Trend(self.periods[-months:], self.values[-months:], self.targets[-months:])

    def value_at(self, period: date) -> float | None:
        """The value of one month (the last row of that month), None when there is none."""
        for when, value in zip(reversed(self.periods), reversed(self.values), strict=True):
            if when == period:
                return value
        return None


def _present(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _scale(trend: Trend) -> tuple[float, float]:
    """The y range: every value and target, widened when they are all equal."""
    seen = [v for v in (*trend.values, *trend.targets) if _present(v)]
    if not seen:
        return 0.0, 1.0
    low, high = min(seen), max(seen)  # type: ignore[type-var]
    if high == low:
        margin = abs(high) * 0.1 or 1.0
        return low - margin, high + margin
    return float(low), float(high)  # type: ignore[arg-type]


def _points(trend: Trend, series: tuple[float | None, ...]) -> list[tuple[float, float] | None]:
    """SVG coordinates of a series, None where it has no value."""
    low, high = _scale(trend)
    count = len(trend.periods)
    step = WIDTH / (count - 1) if count > 1 else 0.0
    inner = HEIGHT - 2 * PAD
    found: list[tuple[float, float] | None] = []
    for index, value in enumerate(series):
        if not _present(value):
            found.append(None)
            continue
        x = index * step if count > 1 else WIDTH / 2
        y = PAD + inner * (1 - (float(value) - low) / (high - low))  # type: ignore[arg-type]
        found.append((round(x, 1), round(y, 1)))
    return found


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches: a month without a value breaks the line instead of bridging it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _path(run: list[tuple[float, float]], attributes: str) -> str:
    if len(run) == 1:  # a lone month: a dot (a zero-length round-capped line)
        (x, y), = run
        return (f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y}" {attributes} '
                'stroke-linecap="round" stroke-width="4"/>')
    coordinates = " ".join(f"{x},{y}" for x, y in run)
    return f'<polyline points="{coordinates}" fill="none" {attributes}/>'


def _hover_bands(trend: Trend, measure: str, unit: str, lang: Lang) -> list[str]:
    """One transparent band per month; its title is the tooltip."""
    count = len(trend.periods)
    step = WIDTH / (count - 1) if count > 1 else WIDTH
    target_word = t("chart.target", lang)
    bands = []
    for index, (period, value, target) in enumerate(
        zip(trend.periods, trend.values, trend.targets, strict=True)
    ):
        text = f"{period:%Y-%m}: {format_value(value, measure, unit)}"
        if _present(target):
            text += f" · {target_word} {format_value(target, measure, unit)}"
        left = max(0.0, (index - 0.5) * step) if count > 1 else 0.0
        right = min(WIDTH, (index + 0.5) * step) if count > 1 else WIDTH
        bands.append(
            f'<rect x="{left:.1f}" y="0" width="{right - left:.1f}" height="{HEIGHT}" '
            f'fill="transparent"><title>{html.escape(text)}</title></rect>'
        )
    return bands


def sparkline_html(trend: Trend, measure: str, unit: str, lang: Lang) -> str:
    """The trend as one line of HTML (Markdown keeps a one-line HTML block as it is)."""
    if trend.empty:
        return ""
    stroke = 'vector-effect="non-scaling-stroke"'
    parts = [
        _path(run, f'stroke="{theme.TARGET_LINE}" stroke-width="1.5" stroke-dasharray="4 3" '
              f'{stroke}')
        for run in _runs(_points(trend, trend.targets))
    ]
    actual = _points(trend, trend.values)
    parts += [_path(run, f'stroke="{theme.PRIMARY}" stroke-width="2" {stroke}')
              for run in _runs(actual)]
    last = next((point for point in reversed(actual) if point is not None), None)
    if last is not None:
        x, y = last
        parts.append(f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y}" stroke="{theme.PRIMARY}" '
                     f'stroke-width="6" stroke-linecap="round" {stroke}/>')
    parts += _hover_bands(trend, measure, unit, lang)
    label = html.escape(t("chart.actual", lang))
    svg = (
        f'<svg class="ck-spark-svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" '
        f'preserveAspectRatio="none" role="img" aria-label="{label}">{"".join(parts)}</svg>'
    )
    axis = (f'<div class="ck-spark-axis"><span>{trend.periods[0]:%Y-%m}</span>'
            f'<span>{trend.periods[-1]:%Y-%m}</span></div>')
    return f'<div class="ck-spark">{svg}{axis}</div>'
