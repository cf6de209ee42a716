"""Cockpit 7 · 综合飞一次 Drones: the fleet and its coverage, findings by class and place,
the disposal loop from AI detection to closure, and one chosen day in detail (by default the
month's worst waterlogging day, which for June 2022 is the flood of 20 June).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from cockpit import charts, data, geo, sections
from cockpit.formatting import format_value
from cockpit.i18n import code_label, pick, register, t
from cockpit.names import label_column, place_names
from cockpit.queries import platform as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page
from cockpit.widgets import coded_selectbox

FLOOD_CLASS = "WATERLOGGING"
FLOOD_CATEGORY = "DRONE_WATERLOGGING_POINTS"
KEY_DAY = "drones_day"
FUNNEL = ("detected", "reviewed", "pushed", "signed", "handled", "verified", "closed")

SPEC = CockpitSpec(
    "drones",
    record_sets=(RecordSet("findings", q.FINDINGS, "detected_date", "drones.records"),),
    queries=(
        q.FLEET_MONTHLY,
        q.FINDINGS_FUNNEL,
        q.FINDINGS_BY_CLASS,
        q.FINDINGS_POINTS,
        q.FINDINGS_DAILY,
    ),
)
TEXT = {
    "drones.fleet": ("机队与覆盖面积", "Fleet and area covered"),
    "drones.findings": ("本月确认发现（按类别）", "Confirmed findings this month, by class"),
    "drones.funnel": ("发现处置闭环", "From detection to closure"),
    "drones.map": ("本月确认发现分布（区县）", "Confirmed findings this month, by county"),
    "drones.map_points": ("本月确认发现点位", "Confirmed findings this month, located"),
    "drones.day": ("单日详情", "One day in detail"),
    "drones.day_pick": ("日期", "Day"),
    "drones.day_classes": ("当日确认发现（按类别）", "Confirmed findings that day, by class"),
    "drones.daily": ("本月每日确认发现", "Confirmed findings per day this month"),
    "drones.records": ("无人机发现", "Drone findings"),
    "drones.class": ("类别", "Class"),
    "drones.confirmed": ("确认发现", "Confirmed"),
    "drones.false_alarms": ("误报", "False alarms"),
    "drones.median_hours": ("闭环中位时长（小时）", "Median hours to close"),
    "drones.stage": ("环节", "Stage"),
    "drones.drones": ("在役无人机", "Drones in service"),
    "drones.docks": ("在役机巢", "Docks in service"),
    "drones.area": ("覆盖面积（km²）", "Area covered (km²)"),
    "drones.series": ("指标", "Series"),
}
register(TEXT)


def render() -> None:
    """Draw the drone page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    left, right = st.columns(2)
    with left:
        sections.heading(t("drones.fleet", lang))
        if sections.ready(q.FLEET_MONTHLY, lang=lang):
            _fleet(ctx)
    with right:
        sections.heading(t("drones.funnel", lang))
        if sections.ready(q.FINDINGS_FUNNEL, lang=lang):
            _funnel(ctx)
    if not sections.ready(q.FINDINGS_BY_CLASS, lang=lang):
        return
    left, right = st.columns(2)
    with left:
        _by_class(ctx)
    with right:
        _map(ctx)
    _day(ctx)


def _fleet(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.FLEET_MONTHLY.run(ctx.scope)
    month = t("col.month", lang)
    shown = pd.DataFrame(
        {
            month: pd.to_datetime(frame["month_start"]),
            t("drones.drones", lang): frame["drones"],
            t("drones.docks", lang): frame["docks"],
            t("drones.area", lang): frame["area_km2"].round(1),
        }
    )
    long = shown.melt(month, shown.columns[1:3].tolist(), t("drones.series", lang))
    fig = charts.line(long, month, "value", colour=t("drones.series", lang))
    fig.add_scatter(
        x=shown[month],
        y=shown[t("drones.area", lang)],
        name=t("drones.area", lang),
        yaxis="y2",
        line={"dash": "dot"},
    )
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False})
    sections.chart("", fig, shown, "drones_fleet", lang)


def _funnel(ctx: PageContext) -> None:
    lang = ctx.lang
    row = q.FINDINGS_FUNNEL.run(ctx.scope).iloc[0]
    labels = [code_label("funnel", stage.upper(), lang) for stage in FUNNEL]
    values = [int(row[stage]) for stage in FUNNEL]
    shown = pd.DataFrame({t("drones.stage", lang): labels, t("col.count", lang): values})
    sections.chart("", charts.funnel(labels, values), shown, "drones_funnel", lang)


def _by_class(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.FINDINGS_BY_CLASS.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("drones.class", lang): label_column(frame, "finding_class", "finding_class", lang),
            t("drones.confirmed", lang): frame["confirmed"],
            t("drones.false_alarms", lang): frame["false_alarms"],
            t("drones.median_hours", lang): frame["median_hours"].round(1),
        }
    )
    cls = shown.columns[0]
    long = shown.melt(cls, shown.columns[1:3].tolist(), t("drones.series", lang))
    fig = charts.bar(
        long, cls, "value", colour=t("drones.series", lang), horizontal=True, height=380
    )
    sections.chart(t("drones.findings", lang), fig, shown, "drones_classes", lang)


def _map(ctx: PageContext) -> None:
    lang = ctx.lang
    names = place_names(lang)
    if q.FINDINGS_POINTS.available():
        points = q.FINDINGS_POINTS.run(ctx.scope)
        points["label"] = label_column(points, "finding_class", "finding_class", lang)
        fig = geo.point_map(points, "label", names)
        sections.chart(t("drones.map_points", lang), fig, points, "drones_points", lang)
        return
    frame = q.FINDINGS_BY_COUNTY.run(ctx.scope)
    counts = frame.groupby("county_code", as_index=False)["confirmed"].sum()
    counts = counts.rename(columns={"county_code": "geo_code", "confirmed": "count"})
    shown = pd.DataFrame(
        {t("col.area", lang): counts["geo_code"].map(names), t("col.count", lang): counts["count"]}
    )
    sections.chart(t("drones.map", lang), geo.bubble_map(counts, names), shown, "drones_map", lang)


def busiest_day(daily: pd.DataFrame) -> date | None:
    """The day with the most confirmed waterlogging findings, else the most findings."""
    if daily.empty:
        return None
    flood = daily[daily["finding_class"] == FLOOD_CLASS]
    source = flood if not flood.empty else daily
    totals = source.groupby("detected_date")["confirmed"].sum()
    return pd.Timestamp(totals.idxmax()).date()


def _day(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("drones.day", lang))
    daily = q.FINDINGS_DAILY.run(ctx.scope)
    default = busiest_day(daily)
    if default is None:
        st.caption(t("no_records", lang))
        return
    days = sorted({pd.Timestamp(d).date() for d in daily["detected_date"]})
    days.remove(default)
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    day = coded_selectbox(left, t("drones.day_pick", lang), [default, *days], str, KEY_DAY, lang)
    indicator = day_indicator(ctx, day)
    if indicator is not None:
        with right:
            sections.stats([indicator])
    on_day = daily[pd.to_datetime(daily["detected_date"]).dt.date == day]
    left, right = st.columns(2)
    with left:
        shown = pd.DataFrame(
            {
                t("drones.class", lang): label_column(
                    on_day, "finding_class", "finding_class", lang
                ),
                t("drones.confirmed", lang): on_day["confirmed"],
            }
        )
        cls, confirmed = shown.columns
        fig = charts.bar(shown, cls, confirmed, horizontal=True)
        sections.chart(t("drones.day_classes", lang), fig, shown, "drones_day_classes", lang)
    with right:
        totals = daily.groupby("detected_date", as_index=False)["confirmed"].sum()
        shown = pd.DataFrame(
            {
                t("drones.day_pick", lang): pd.to_datetime(totals["detected_date"]),
                t("drones.confirmed", lang): totals["confirmed"],
            }
        )
        d, confirmed = shown.columns
        fig = charts.bar(shown, d, confirmed)
        fig.add_vline(x=pd.Timestamp(day).timestamp() * 1000, line={"dash": "dash"})
        sections.chart(t("drones.daily", lang), fig, shown, "drones_daily", lang)


def day_indicator(ctx: PageContext, day: date) -> tuple[str, str] | None:
    """(label, value) of the waterlogging category at day grain for the chosen place (or the
    nearest wider place it is published for); None when the page does not show it."""
    tile = ctx.tile(FLOOD_CATEGORY)
    if tile is None:
        return None
    geos = [code for _, code in ctx.slice.chain]
    values = data.load_slice_values(day, geos, [data.ALL_DEPARTMENTS], "day")
    values = values[values["category_code"] == FLOOD_CATEGORY]
    category = tile.category
    for geo_code in geos:
        hit = values[values["geo_code"] == geo_code]
        if not hit.empty:
            unit = pick(category, "unit", ctx.lang)
            shown = format_value(hit.iloc[0]["value"], str(category["measure"]), unit)
            return f"{pick(category, 'name', ctx.lang)} · {day.isoformat()}", shown
    return None
