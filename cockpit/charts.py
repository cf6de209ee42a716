"""Plotly figures in the cockpit's one look: same fonts, palette, margins and hover style.

Pages pass tidy frames (one row per bar or point, labels already translated) so a figure
never needs to know the language or the mart it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from cockpit import theme

DEFAULT_HEIGHT = 320


def styled(fig: go.Figure, height: int = DEFAULT_HEIGHT, legend: bool = True) -> go.Figure:
    """Apply the shared layout: transparent background, CJK-capable font, compact margins."""
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 16, "b": 8},
        font={"family": theme.FONT_STACK.replace('"', ""), "size": 12},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=legend,
        legend={"orientation": "h", "y": -0.18, "x": 0, "title": None},
        colorway=list(theme.PALETTE),
    )
    fig.update_xaxes(showgrid=False, title=None)
    fig.update_yaxes(gridcolor="#EEF1F4", zeroline=False, title=None)
    return fig


def bar(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    colour: str | None = None,
    horizontal: bool = False,
    percent: bool = False,
    height: int = DEFAULT_HEIGHT,
    grouped: bool = False,
) -> go.Figure:
    """Bars (stacked when coloured), horizontal for long category names (then no taller than
    the bars need, so three bars do not fill a screen)."""
    fig = px.bar(
        frame,
        x=y if horizontal else x,
        y=x if horizontal else y,
        color=colour,
        orientation="h" if horizontal else "v",
        barmode="group" if grouped else "relative",
        color_discrete_sequence=list(theme.PALETTE),
    )
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        height = min(height, max(200, 30 * frame[x].nunique() + 90))
    if percent:
        (fig.update_xaxes if horizontal else fig.update_yaxes)(tickformat=".0%")
    return styled(fig, height, legend=colour is not None)


def line(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    colour: str | None = None,
    target: float | None = None,
    target_label: str = "",
    percent: bool = False,
    height: int = DEFAULT_HEIGHT,
    area: bool = False,
) -> go.Figure:
    """Monthly lines (or stacked areas), with the target as a dashed reference."""
    maker = px.area if area else px.line
    fig = maker(frame, x=x, y=y, color=colour, color_discrete_sequence=list(theme.PALETTE))
    if not area:
        fig.update_traces(mode="lines+markers", marker={"size": 4})
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": theme.TARGET_LINE, "dash": "dash", "width": 1.5},
            annotation_text=target_label,
            annotation_position="top left",
        )
    if percent:
        fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(tickformat="%Y-%m")
    return styled(fig, height, legend=colour is not None)


def funnel(labels: Sequence[str], values: Sequence[float], height: int = 300) -> go.Figure:
    """Stages of a closed loop, each bar showing its share of the first stage."""
    fig = go.Figure(
        go.Funnel(
            y=list(labels),
            x=list(values),
            textinfo="value+percent initial",
            marker={"color": theme.PRIMARY},
            connector={"line": {"color": "#C9D3DD"}},
        )
    )
    return styled(fig, height, legend=False)


def gauge(value: float | None, target: float | None, height: int = 260) -> go.Figure:
    """A 0–100% gauge with the target as a threshold mark (value stored as a fraction)."""
    shown = None if value is None else value * 100
    fig = go.Figure(
        go.Indicator(
            mode="gauge+number",
            value=shown,
            number={"suffix": "%", "valueformat": ".1f"},
            gauge={
                "axis": {"range": [0, 100], "ticksuffix": "%"},
                "bar": {"color": theme.PRIMARY},
                "threshold": {
                    "line": {"color": theme.STATUS_COLOURS["red"], "width": 3},
                    "value": None if target is None else target * 100,
                },
                "steps": [{"range": [0, 100], "color": "#EEF1F4"}],
            },
        )
    )
    return styled(fig, height, legend=False)


def donut(labels: Sequence[str], values: Sequence[float], height: int = 300) -> go.Figure:
    """Shares of a whole (channels, outcomes)."""
    fig = go.Figure(
        go.Pie(
            labels=list(labels),
            values=list(values),
            hole=0.55,
            marker={"colors": list(theme.PALETTE)},
            sort=False,
        )
    )
    return styled(fig, height)


def histogram(frame: pd.DataFrame, x: str, colour: str | None = None) -> go.Figure:
    """Distribution of a per-record number (days, scores), overlaid when coloured."""
    fig = px.histogram(
        frame,
        x=x,
        color=colour,
        barmode="overlay",
        histnorm="percent" if colour else None,
        color_discrete_sequence=list(theme.PALETTE),
    )
    return styled(fig, legend=colour is not None)
