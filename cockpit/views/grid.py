"""Cockpit 15 · 基层网格 Grid governance: where residents' matters concentrate, town by town
and grid by grid, and (once the grid-event mart arrives) how many are settled in the grid.
Today the 12345 tickets, which carry their grid, stand in for grid events.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, geo, sections
from cockpit.i18n import register, t
from cockpit.names import place_names
from cockpit.queries import operations as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

TOP_GRIDS = 20

SPEC = CockpitSpec(
    "grid",
    record_sets=(RecordSet("grid_events", "fct_grid_events", "reported_date", "grid.records"),),
    queries=(
        q.GRID_EVENTS,
        q.TICKETS_BY_PLACE,
        q.GRID_MAP,
    ),
)
TEXT = {
    "grid.events": ("本月网格事件（按类型）", "Grid events this month, by type"),
    "grid.towns": ("本月 12345 工单最多的乡镇街道", "Towns with the most 12345 tickets this month"),
    "grid.grids": ("本月 12345 工单最多的网格", "Grids with the most 12345 tickets this month"),
    "grid.records": ("网格事件", "Grid events"),
    "grid.map": ("本月各网格 12345 工单分布", "12345 tickets this month, by grid"),
    "grid.type": ("事件类型", "Event type"),
    "grid.events_count": ("事件数", "Events"),
    "grid.in_grid": ("网格内解决", "Settled in the grid"),
    "grid.tickets": ("工单数", "Tickets"),
    "grid.closed": ("按期办结率", "Closed on time"),
    "grid.series": ("数量", "Series"),
}
register(TEXT)


def render() -> None:
    """Draw the grid-governance page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("grid.events", lang))
    if sections.ready(q.GRID_EVENTS, lang=lang):
        _events(ctx)
    if not q.TICKETS_BY_PLACE.available():
        sections.unavailable(f"marts.{q.TICKETS}", lang)
        return
    places = q.TICKETS_BY_PLACE.run(ctx.scope)
    left, right = st.columns(2)
    with left:
        _towns(ctx, places)
    with right:
        _grids(ctx, places)
    sections.heading(t("grid.map", lang))
    if sections.ready(q.GRID_MAP, lang=lang):
        points = q.GRID_MAP.run(ctx.scope)
        fig = geo.weighted_points(points, "tickets", "grid_code", place_names(lang))
        sections.chart("", fig, points, "grid_map", lang)


def _events(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.GRID_EVENTS.run(ctx.scope)
    kind = t("grid.type", lang)
    shown = pd.DataFrame(
        {
            kind: frame["event_type"],
            t("grid.events_count", lang): frame["events"],
            t("grid.in_grid", lang): frame["handled_in_grid"],
        }
    )
    series = t("grid.series", lang)
    long = shown.melt(kind, shown.columns[1:].tolist(), series)
    fig = charts.bar(long, kind, "value", colour=series, grouped=True)
    sections.chart("", fig, shown, "grid_events", lang)


def _towns(ctx: PageContext, places: pd.DataFrame) -> None:
    lang = ctx.lang
    names = place_names(lang)
    towns = places.groupby("town_code", as_index=False)["tickets"].sum()
    towns = towns.sort_values("tickets", ascending=False).head(TOP_GRIDS)
    shown = pd.DataFrame(
        {
            t("col.area", lang): towns["town_code"].map(lambda c: names.get(c, c)),
            t("grid.tickets", lang): towns["tickets"],
        }
    )
    area, tickets = shown.columns
    fig = charts.bar(shown, area, tickets, horizontal=True, height=520)
    sections.chart(t("grid.towns", lang), fig, shown, "grid_towns", lang)


def _grids(ctx: PageContext, places: pd.DataFrame) -> None:
    lang = ctx.lang
    names = place_names(lang)
    grids = places[places["grid_code"] != ""].head(TOP_GRIDS)
    shown = pd.DataFrame(
        {
            t("field.grid_code", lang): grids["grid_code"],
            t("field.town_code", lang): grids["town_code"].map(lambda c: names.get(c, c)),
            t("grid.tickets", lang): grids["tickets"],
            t("grid.closed", lang): grids["closed_on_time"].round(3),
        }
    )
    sections.table(t("grid.grids", lang), shown, "grid_grids", lang, height=520)
