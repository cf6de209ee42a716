"""A map without tiles: places drawn on longitude/latitude axes with plain Plotly scatter.

The servers have no network, so no basemap. Points are placed on a plain lon/lat plane over
the county outlines, with the county seats marked.

County outlines come from the ``geotool-cn`` package (import name ``GeoToolCN``, MIT code,
stdlib only), which ships district boundary polygons for all of China in its own binary file
(WGS-84, converted from DataV.GeoAtlas / Amap; the data's notice says "for learning and
exchange only", so the outlines are a backdrop for orientation, never an official boundary).
The package's public API only answers point → district; the polygons are read through its
reader (``GeoTool()._data.geometry``), which is why the version is pinned exactly in
``requirements.in``. Should that reader change or the package be missing, maps are drawn
without outlines rather than failing.

Where a county's marker sits comes, in order of preference, from ``marts.dim_geography``
``lon``/``lat`` (computed from the grids), from the mean position of its grids in
``marts.dim_grid``, from geotool-cn's representative point of the district, or from the public
seat coordinates of the six counties below (positions to draw at, never a figure shown as a
number).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cockpit import charts, data, theme

Ring = tuple[tuple[float, ...], tuple[float, ...]]  # (longitudes, latitudes) of a closed ring
OUTLINE_META = "county_outline"  # key in a trace's ``meta`` naming the county it outlines
OUTLINE_LINE = "#8A97A6"
OUTLINE_FILL = "rgba(31, 78, 121, 0.05)"

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
where geo_level = ? and lon is not null and lat is not null
"""
_GRID_POSITIONS_SQL = """
select county_code as geo_code, avg(longitude) as lon, avg(latitude) as lat
from marts.dim_grid where longitude is not null and latitude is not null group by 1
"""


@lru_cache(maxsize=1)
def _geotool() -> Any | None:
    """The package's lookup object (memory-maps its 6 MB file once per process), or None
    when the package is missing or its file unreadable: outlines are a backdrop, not data."""
    try:
        from GeoToolCN import GeoTool

        return GeoTool()
    except Exception:  # noqa: BLE001 - any failure only means "no outlines"
        return None


@lru_cache(maxsize=64)
def county_outline(code: str) -> tuple[Ring, ...]:
    """Outer rings of one county-level district's polygons from geotool-cn, in degrees;
    empty when the package, the reader or the code is unavailable."""
    tool = _geotool()
    if tool is None:
        return ()
    try:
        reader = tool._data  # the package's own .gtc reader; see the module docstring
        index = reader.index_of(code, "district")
        decoded = reader.geometry(index) if index is not None else None
        if decoded is None:
            return ()
        scale = float(reader.scale)
        return tuple(
            (tuple(x / scale for x in rings[0][0]), tuple(y / scale for y in rings[0][1]))
            for rings in decoded[1]
            if rings
        )
    except Exception:  # noqa: BLE001 - a changed private reader must not break a page
        return ()


def _geotool_positions(codes: list[str]) -> dict[str, tuple[float, float]]:
    """geotool-cn's representative point of each district, for the codes it knows."""
    tool = _geotool()
    found: dict[str, tuple[float, float]] = {}
    for code in codes if tool is not None else []:
        region = tool.get_region(code)
        if region is not None and region.longitude is not None and region.latitude is not None:
            found[code] = (float(region.longitude), float(region.latitude))
    return found


def county_positions() -> dict[str, tuple[float, float]]:
    """Where to draw each county (see the module docstring for the order of sources)."""
    frame = pd.DataFrame()
    if data.has_columns("marts", "dim_geography", ("lon", "lat")):
        frame = data.query(_GEOGRAPHY_POSITIONS_SQL, ("county",))
    elif data.has_columns("marts", "dim_grid", ("county_code", "longitude", "latitude")):
        frame = data.query(_GRID_POSITIONS_SQL)
    return _positions(frame) or _geotool_positions(_county_codes()) or dict(COUNTY_SEATS)


def _positions(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """``geo_code`` → (lon, lat) from a frame of those three columns."""
    return {
        str(row["geo_code"]): (float(row["lon"]), float(row["lat"])) for _, row in frame.iterrows()
    }


def place_positions(level: str) -> dict[str, tuple[float, float]]:
    """Where to draw the places of one level: counties as above, towns at their grids' mean
    position (``dim_geography``); none when the snapshot has no positions."""
    if level == "county":
        return county_positions()
    if not data.has_columns("marts", "dim_geography", ("lon", "lat")):
        return {}
    return _positions(data.query(_GEOGRAPHY_POSITIONS_SQL, (level,)))


def _county_codes() -> list[str]:
    """The snapshot's counties, or the default city's six when the dimension is absent."""
    if data.has_columns("marts", "dim_geography", ("geo_code", "geo_level")):
        codes = data.load_geographies("county")["geo_code"].astype(str).tolist()
        if codes:
            return codes
    return list(COUNTY_SEATS)


Trace = dict[str, Any]


def _outlines(codes: list[str], names: dict[str, str]) -> list[Trace]:
    """One closed line trace per county, to be drawn first so every point sits on top of it."""
    traces = []
    for code in codes:
        rings = county_outline(code)
        if not rings:
            continue
        xs: list[float] = []
        ys: list[float] = []
        for lons, lats in rings:
            xs += [*lons, math.nan]  # NaN breaks the line between rings, as None would
            ys += [*lats, math.nan]
        traces.append({
            "type": "scatter",
            # as arrays: Plotly checks a list's ~2,800 points one by one (17 → 4 ms a map)
            "x": np.array(xs),
            "y": np.array(ys),
            "mode": "lines",
            "line": {"color": OUTLINE_LINE, "width": 1},
            "fill": "toself",
            "fillcolor": OUTLINE_FILL,
            "name": names.get(code, code),
            "meta": {OUTLINE_META: code},
            "hoverinfo": "skip",
            "showlegend": False,
        })
    return traces


def bubble_map(counts: pd.DataFrame, names: dict[str, str], height: int = 420) -> go.Figure:
    """One bubble per county (``geo_code``, ``count``), area proportional to the count."""
    positions = county_positions()
    rows = counts[counts["geo_code"].isin(positions)]
    biggest = max(float(rows["count"].max()), 1.0) if not rows.empty else 1.0
    bubbles = {
        "type": "scatter",
        "x": [positions[code][0] for code in rows["geo_code"]],
        "y": [positions[code][1] for code in rows["geo_code"]],
        "mode": "markers+text",
        "marker": {
            "size": [8 + 52 * math.sqrt(float(c) / biggest) for c in rows["count"]],
            "color": theme.PRIMARY,
            "opacity": 0.55,
            "line": {"color": "#FFFFFF", "width": 1},
        },
        "text": [
            f"{names.get(code, code)} {int(c):,}"
            for code, c in zip(rows["geo_code"], rows["count"], strict=True)
        ],
        "textposition": "top center",
        "hoverinfo": "text",
    }
    traces = [*_outlines(list(positions), names), bubbles]
    return _plane([*traces, _seats(positions, names, with_labels=False)], height, legend=False)


SCORE_META = "scores"  # ``meta`` of the trace whose markers carry each place's score
AMBER_MEAN_SCORE = 0.8  # a mean score below target but above this is amber, not red


def score_colour(score: float) -> str:
    """Traffic-light colour of a mean score: red below 0.8, amber below 1, green at target."""
    if score >= 1:
        return theme.STATUS_COLOURS["green"]
    return theme.STATUS_COLOURS["amber" if score >= AMBER_MEAN_SCORE else "red"]


def score_map(
    scores: pd.DataFrame, positions: dict[str, tuple[float, float]], names: dict[str, str],
    height: int = 420,
) -> go.Figure:
    """Places (``geo_code``, ``score``, ``label``) at ``positions`` over the county outlines,
    each a marker in its score's colour with the score written beside it."""
    rows = scores[scores["geo_code"].isin(positions)]
    markers = {
        "type": "scatter",
        "x": [positions[code][0] for code in rows["geo_code"]],
        "y": [positions[code][1] for code in rows["geo_code"]],
        "mode": "markers+text",
        "marker": {
            "size": 18 if len(rows) <= 12 else 11,
            "color": [score_colour(float(s)) for s in rows["score"]],
            "line": {"color": "#FFFFFF", "width": 1},
        },
        "text": [f"{label} {float(s):.2f}" for label, s in zip(
            rows["label"], rows["score"], strict=True)],
        "customdata": list(rows["geo_code"]),
        "textposition": "top center",
        "hoverinfo": "text",
        "meta": {SCORE_META: True},
        "showlegend": False,
    }
    return _plane([*_outlines(list(county_positions()), names), markers], height, legend=False)


def point_map(
    points: pd.DataFrame, colour: str, names: dict[str, str], height: int = 420
) -> go.Figure:
    """Individual points (``lon``, ``lat``) coloured by a label column, over county outlines."""
    positions = county_positions()
    traces = _outlines(list(positions), names)
    for index, (label, group) in enumerate(points.groupby(colour, sort=True)):
        traces.append({
            "type": "scattergl",
            "x": group["lon"].to_numpy(),
            "y": group["lat"].to_numpy(),
            "mode": "markers",
            "name": str(label),
            "marker": {"size": 5, "opacity": 0.7, "color": theme.PALETTE[index % 12]},
        })
    return _plane([*traces, _seats(positions, names, with_labels=True)], height)


def weighted_points(
    points: pd.DataFrame, value: str, label: str, names: dict[str, str], height: int = 420
) -> go.Figure:
    """Points (``lon``, ``lat``) sized and coloured by ``value``, hover text from ``label``."""
    biggest = max(float(points[value].max()), 1.0) if not points.empty else 1.0
    positions = county_positions()
    weighted = {
        "type": "scattergl",
        "x": points["lon"].to_numpy(),
        "y": points["lat"].to_numpy(),
        "mode": "markers",
        "marker": {
            "size": [4 + 16 * math.sqrt(float(v) / biggest) for v in points[value]],
            "color": points[value].to_numpy(),
            "colorscale": "Blues",
            "showscale": True,
            "opacity": 0.8,
        },
        "text": [f"{a} · {int(b):,}" for a, b in zip(points[label], points[value], strict=True)],
        "hoverinfo": "text",
        "showlegend": False,
    }
    traces = [*_outlines(list(positions), names), weighted]
    return _plane([*traces, _seats(positions, names, with_labels=True)], height)


def _seats(
    positions: dict[str, tuple[float, float]], names: dict[str, str], *, with_labels: bool
) -> Trace:
    """County seats as small dark squares (labelled when the points carry no text)."""
    codes = list(positions)
    return {
        "type": "scatter",
        "x": [positions[c][0] for c in codes],
        "y": [positions[c][1] for c in codes],
        "mode": "markers+text" if with_labels else "markers",
        "marker": {"symbol": "square", "size": 7, "color": "#27323D"},
        "text": [names.get(c, c) for c in codes],
        "textposition": "bottom center",
        "hoverinfo": "text",
        "showlegend": False,
    }


def _plane(traces: list[Trace], height: int, legend: bool = True) -> go.Figure:
    """The traces on lon/lat axes at equal scale (one degree of latitude ≈ one of longitude
    here)."""
    return charts.figure(
        traces,
        height,
        legend,
        xaxis={"ticksuffix": "°E", "zeroline": False},  # no meridians, as the cockpit's charts
        yaxis={
            "showgrid": True,
            "gridcolor": "#EEF1F4",
            "ticksuffix": "°N",
            "zeroline": False,
            "scaleanchor": "x",
            "scaleratio": 1 / math.cos(math.radians(29)),
        },
    )
