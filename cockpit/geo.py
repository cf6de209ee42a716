"""A map without tiles: places drawn on longitude/latitude axes with plain Plotly scatter.

The servers have no network, so no basemap. Points are placed on a plain lon/lat plane with
the counties marked. Where a county sits comes, in order of preference, from
``marts.dim_geography`` if it gains ``lon``/``lat`` columns, from the mean position of its grids
in ``marts.dim_grid``, or from the public seat coordinates of the six counties below
(positions to draw at, never a figure shown as a number).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from cockpit import charts, data, theme

# (lon, lat) of the county seats (WGS-84), from public gazetteers.
COUNTY_SEATS: dict[str, tuple[float, float]] = {
    "330802": (118.80, 28.99),  # 柯城区
    "330803": (119.00, 28.98),  # 衢江区
    "330822": (118.51, 28.90),  # 常山县
    "330824": (118.41, 29.14),  # 开化县
    "330825": (119.17, 29.03),  # 龙游县
    "330881": (118.63, 28.74),  # 江山市
}


_GEOGRAPHY_POSITIONS_SQL = """
select geo_code, lon, lat from marts.dim_geography
where geo_level = 'county' and lon is not null and lat is not null
"""
_GRID_POSITIONS_SQL = """
select county_code as geo_code, avg(longitude) as lon, avg(latitude) as lat
from marts.dim_grid where longitude is not null and latitude is not null group by 1
"""


def county_positions() -> dict[str, tuple[float, float]]:
    """Where to draw each county (see the module docstring for the order of sources)."""
    frame = pd.DataFrame()
    if data.has_columns("marts", "dim_geography", ("lon", "lat")):
        frame = data.query(_GEOGRAPHY_POSITIONS_SQL)
    elif data.has_columns("marts", "dim_grid", ("county_code", "longitude", "latitude")):
        frame = data.query(_GRID_POSITIONS_SQL)
    found = {
        str(row["geo_code"]): (float(row["lon"]), float(row["lat"])) for _, row in frame.iterrows()
    }
    return found or dict(COUNTY_SEATS)


def bubble_map(counts: pd.DataFrame, names: dict[str, str], height: int = 420) -> go.Figure:
    """One bubble per county (``geo_code``, ``count``), area proportional to the count."""
    positions = county_positions()
    rows = counts[counts["geo_code"].isin(positions)]
    biggest = max(float(rows["count"].max()), 1.0) if not rows.empty else 1.0
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[positions[code][0] for code in rows["geo_code"]],
            y=[positions[code][1] for code in rows["geo_code"]],
            mode="markers+text",
            marker={
                "size": [8 + 52 * math.sqrt(float(c) / biggest) for c in rows["count"]],
                "color": theme.PRIMARY,
                "opacity": 0.55,
                "line": {"color": "#FFFFFF", "width": 1},
            },
            text=[
                f"{names.get(code, code)} {int(c):,}"
                for code, c in zip(rows["geo_code"], rows["count"], strict=True)
            ],
            textposition="top center",
            hoverinfo="text",
        )
    )
    _seats(fig, positions, names, with_labels=False)
    return _plane(fig, height).update_layout(showlegend=False)


def point_map(
    points: pd.DataFrame, colour: str, names: dict[str, str], height: int = 420
) -> go.Figure:
    """Individual points (``lon``, ``lat``) coloured by a label column, over county seats."""
    fig = go.Figure()
    for index, (label, group) in enumerate(points.groupby(colour, sort=True)):
        fig.add_trace(
            go.Scattergl(
                x=group["lon"],
                y=group["lat"],
                mode="markers",
                name=str(label),
                marker={"size": 5, "opacity": 0.7, "color": theme.PALETTE[index % 12]},
            )
        )
    _seats(fig, county_positions(), names, with_labels=True)
    return _plane(fig, height)


def weighted_points(
    points: pd.DataFrame, value: str, label: str, names: dict[str, str], height: int = 420
) -> go.Figure:
    """Points (``lon``, ``lat``) sized and coloured by ``value``, hover text from ``label``."""
    biggest = max(float(points[value].max()), 1.0) if not points.empty else 1.0
    fig = go.Figure(
        go.Scattergl(
            x=points["lon"],
            y=points["lat"],
            mode="markers",
            marker={
                "size": [4 + 16 * math.sqrt(float(v) / biggest) for v in points[value]],
                "color": points[value],
                "colorscale": "Blues",
                "showscale": True,
                "opacity": 0.8,
            },
            text=[f"{a} · {int(b):,}" for a, b in zip(points[label], points[value], strict=True)],
            hoverinfo="text",
            showlegend=False,
        )
    )
    _seats(fig, county_positions(), names, with_labels=True)
    return _plane(fig, height)


def _seats(
    fig: go.Figure,
    positions: dict[str, tuple[float, float]],
    names: dict[str, str],
    *,
    with_labels: bool,
) -> None:
    """County seats as small dark squares (labelled when the points carry no text)."""
    codes = list(positions)
    fig.add_trace(
        go.Scatter(
            x=[positions[c][0] for c in codes],
            y=[positions[c][1] for c in codes],
            mode="markers+text" if with_labels else "markers",
            marker={"symbol": "square", "size": 7, "color": "#27323D"},
            text=[names.get(c, c) for c in codes],
            textposition="bottom center",
            hoverinfo="text",
            showlegend=False,
        )
    )


def _plane(fig: go.Figure, height: int) -> go.Figure:
    """Lon/lat axes at equal scale (one degree of latitude ≈ one of longitude here)."""
    fig.update_xaxes(showgrid=True, gridcolor="#EEF1F4", ticksuffix="°E", zeroline=False)
    fig.update_yaxes(
        showgrid=True,
        gridcolor="#EEF1F4",
        ticksuffix="°N",
        zeroline=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(29)),
    )
    return charts.styled(fig, height)
