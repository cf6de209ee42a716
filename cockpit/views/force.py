"""Cockpit 11 · 执法力量 Enforcement force: teams merged over time (72 → 43 in Quzhou), the
front-line share of staff against its target, who the staff are and where they sit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.formatting import is_missing
from cockpit.i18n import pick, register, t
from cockpit.names import label_column, place_names
from cockpit.queries import platform as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

TEAMS_CATEGORY = "FORCE_TEAMS"
FRONTLINE_CATEGORY = "FORCE_FRONTLINE_RATIO"

SPEC = CockpitSpec(
    "force",
    record_sets=(RecordSet("teams", "fct_force_team_months", "month_start", "force.records"),),
    queries=(
        q.TEAMS_MONTHLY,
        q.STAFF_BY_POST,
        q.STAFF_BY_COUNTY,
        q.SQUADS_MONTHLY,
    ),
)
TEXT = {
    "force.teams": ("执法队伍数变化（按层级）", "Enforcement teams over time, by level"),
    "force.gauge": ("执法力量下沉比例", "Front-line share of enforcement staff"),
    "force.gauge_none": (
        "目录中暂无下沉比例指标（FORCE_FRONTLINE_RATIO）。",
        "The catalogue has no front-line category (FORCE_FRONTLINE_RATIO) yet.",
    ),
    "force.staff": ("执法人员构成（按层级与岗位）", "Staff by level and post"),
    "force.counties": ("各区县执法人员与一线人员", "Staff and front-line staff by county"),
    "force.squads": ("已整合中队与乡镇执法单元", "Squads and town units integrated"),
    "force.records": ("执法队伍", "Enforcement teams"),
    "force.level": ("层级", "Level"),
    "force.post": ("岗位", "Post"),
    "force.count": ("队伍数", "Teams"),
    "force.staff_count": ("在编人数", "Staff"),
    "force.frontline": ("一线人员", "Front line"),
    "force.certified": ("持证人员", "Certified"),
    "force.series": ("类别", "Series"),
    "force.kind": ("类型", "Kind"),
    "force.city_level": ("市级（不分区县）", "City level (no county)"),
}
register(TEXT)


def render() -> None:
    """Draw the enforcement-force page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    left, right = st.columns([3, 2])
    with left:
        sections.heading(t("force.teams", lang))
        if sections.ready(q.TEAMS_MONTHLY, lang=lang):
            _teams(ctx)
    with right:
        sections.heading(t("force.gauge", lang))
        _gauge(ctx)
    sections.heading(t("force.staff", lang))
    if sections.ready(q.STAFF_BY_POST, lang=lang):
        left, right = st.columns(2)
        with left:
            _staff(ctx)
        with right:
            _counties(ctx)
    sections.heading(t("force.squads", lang))
    if sections.ready(q.SQUADS_MONTHLY, lang=lang):
        _squads(ctx)


def _teams(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.TEAMS_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month_start"]),
            t("force.level", lang): label_column(frame, "team_level", "level", lang),
            t("force.count", lang): frame["teams"],
        }
    )
    month, level, count = shown.columns
    target = ctx.target(TEAMS_CATEGORY) if ctx.scope.county is None else None
    label = f"{t('chart.target', lang)} {target:,.0f}" if target is not None else ""
    fig = charts.line(
        shown, month, count, colour=level, area=True, target=target, target_label=label
    )
    sections.chart("", fig, shown, "force_teams", lang)


def _gauge(ctx: PageContext) -> None:
    """The front-line tile's own value and target, drawn as a gauge."""
    lang = ctx.lang
    tile = ctx.tile(FRONTLINE_CATEGORY)
    if tile is None:
        st.caption(t("force.gauge_none", lang))
        return
    value = (
        None
        if tile.current is None or is_missing(tile.current["value"])
        else float(tile.current["value"])
    )
    target = ctx.target(FRONTLINE_CATEGORY)
    shown = pd.DataFrame(
        {
            t("col.category", lang): [pick(tile.category, "name", lang)],
            t("col.value", lang): [value],
            t("col.target", lang): [target],
            t("col.scope", lang): [tile.scope_note or ""],
        }
    )
    sections.chart("", charts.gauge(value, target), shown, "force_gauge", lang)


def _staff(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.STAFF_BY_POST.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("force.level", lang): label_column(frame, "staff_level", "level", lang),
            t("force.post", lang): label_column(frame, "post", "post", lang),
            t("force.staff_count", lang): frame["staff"],
            t("force.frontline", lang): frame["frontline"],
            t("force.certified", lang): frame["certified"],
        }
    )
    level, post, staff = shown.columns[:3]
    sections.chart("", charts.bar(shown, level, staff, colour=post), shown, "force_staff", lang)


def _counties(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.STAFF_BY_COUNTY.run(ctx.scope)
    names = place_names(lang)
    area = t("col.area", lang)
    shown = pd.DataFrame(
        {
            area: frame["county_code"].map(lambda c: names.get(c, t("force.city_level", lang))),
            t("force.staff_count", lang): frame["staff"],
            t("force.frontline", lang): frame["frontline"],
        }
    )
    long = shown.melt(area, shown.columns[1:].tolist(), t("force.series", lang))
    fig = charts.bar(long, area, "value", colour=t("force.series", lang), grouped=True)
    sections.chart("", fig, shown, "force_counties", lang)


def _squads(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.SQUADS_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month_start"]),
            t("force.kind", lang): label_column(frame, "squad_kind", "squad_kind", lang),
            t("col.count", lang): frame["integrated"],
        }
    )
    month, kind, count = shown.columns
    sections.chart("", charts.line(shown, month, count, colour=kind), shown, "force_squads", lang)
