"""Cockpit 3 · 主体与预警 Market entities & early warnings: warnings raised by type and
severity, the raised → dispatched → handled → closed loop, open warnings with their SLA age,
and how many enterprises were inspected each month.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import code_label, register, t
from cockpit.names import label_column, labelled
from cockpit.queries import operations as q
from cockpit.queries import supervision as sq
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

FUNNEL = ("raised", "dispatched", "handled", "closed")

SPEC = CockpitSpec(
    "entities_warnings",
    record_sets=(RecordSet("warnings", q.WARNINGS, "raised_date", "entities_warnings.records"),),
    queries=(
        q.WARNINGS_BY_TYPE,
        q.WARNINGS_FUNNEL,
        q.WARNINGS_MONTHLY,
        q.WARNINGS_OPEN,
        sq.BURDEN_MONTHLY,
    ),
)
TEXT = {
    "entities_warnings.warnings": ("运行预警", "Early warnings"),
    "entities_warnings.by_type": ("本月预警（按类型）", "Warnings this month, by type"),
    "entities_warnings.funnel": ("本月预警处置闭环", "This month's warnings: disposal"),
    "entities_warnings.monthly": (
        "近 24 个月预警（按等级）",
        "Warnings by severity, last 24 months",
    ),
    "entities_warnings.open": ("尚未处置的预警（按已等待时长）", "Open warnings, oldest first"),
    "entities_warnings.entities": ("市场主体受检情况", "Market entities inspected"),
    "entities_warnings.inspected": ("每月受检企业数", "Enterprises inspected per month"),
    "entities_warnings.records": ("运行预警", "Early warnings"),
    "entities_warnings.type": ("预警类型", "Type"),
    "entities_warnings.raised": ("预警数", "Raised"),
    "entities_warnings.handled": ("已处置", "Handled"),
    "entities_warnings.false_alarms": ("误报", "False alarms"),
    "entities_warnings.dispatch": ("平均派单分钟", "Mean minutes to dispatch"),
    "entities_warnings.severity": ("等级", "Severity"),
    "entities_warnings.stage": ("环节", "Stage"),
    "entities_warnings.series": ("数量", "Series"),
    "entities_warnings.count": ("企业数", "Enterprises"),
}
register(TEXT)


def render() -> None:
    """Draw the entities-and-warnings page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("entities_warnings.warnings", lang))
    if sections.ready(q.WARNINGS_BY_TYPE, lang=lang):
        left, right = st.columns([3, 2])
        with left:
            _by_type(ctx)
        with right:
            _funnel(ctx)
        left, right = st.columns(2)
        with left:
            _monthly(ctx)
        with right:
            codes = {
                "warning_type": "warning_type",
                "severity": "severity",
                "department_code": "department",
                "county_code": "place",
                "town_code": "place",
            }
            frame = labelled(q.WARNINGS_OPEN.run(ctx.scope), codes, lang)
            sections.table(t("entities_warnings.open", lang), frame, "warnings_open", lang)
    sections.heading(t("entities_warnings.entities", lang))
    if sections.ready(sq.BURDEN_MONTHLY, lang=lang):
        _inspected(ctx)


def _by_type(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.WARNINGS_BY_TYPE.run(ctx.scope)
    kind = t("entities_warnings.type", lang)
    shown = pd.DataFrame(
        {
            kind: label_column(frame, "warning_type", "warning_type", lang),
            t("entities_warnings.raised", lang): frame["raised"],
            t("entities_warnings.handled", lang): frame["handled"],
            t("entities_warnings.false_alarms", lang): frame["false_alarms"],
            t("entities_warnings.dispatch", lang): frame["mean_dispatch_minutes"].round(1),
        }
    )
    series = t("entities_warnings.series", lang)
    long = shown.melt(kind, shown.columns[1:4].tolist(), series)
    fig = charts.bar(long, kind, "value", colour=series, horizontal=True, grouped=True, height=380)
    sections.chart(t("entities_warnings.by_type", lang), fig, shown, "warnings_types", lang)


def _funnel(ctx: PageContext) -> None:
    lang = ctx.lang
    row = q.WARNINGS_FUNNEL.run(ctx.scope).iloc[0]
    labels = [code_label("funnel", stage.upper(), lang) for stage in FUNNEL]
    values = [int(row[stage]) for stage in FUNNEL]
    shown = pd.DataFrame({t("entities_warnings.stage", lang): labels, t("col.count", lang): values})
    title = t("entities_warnings.funnel", lang)
    sections.chart(title, charts.funnel(labels, values), shown, "warnings_funnel", lang)


def _monthly(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.WARNINGS_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("entities_warnings.severity", lang): label_column(
                frame, "severity", "severity", lang
            ),
            t("entities_warnings.raised", lang): frame["raised"],
        }
    )
    month, severity, raised = shown.columns
    fig = charts.bar(shown, month, raised, colour=severity)
    sections.chart(t("entities_warnings.monthly", lang), fig, shown, "warnings_monthly", lang)


def _inspected(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = sq.BURDEN_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month_start"]),
            t("entities_warnings.count", lang): frame["entities"],
        }
    )
    month, count = shown.columns
    fig = charts.bar(shown, month, count, height=260)
    sections.chart(t("entities_warnings.inspected", lang), fig, shown, "entities_inspected", lang)
