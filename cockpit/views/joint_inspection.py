"""Cockpit 4 · 综合查一次 Joint inspections: how much inspection is joint, what launched it,
and whether the problems found were rectified on time.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import code_label, register, t
from cockpit.names import label_column, labelled
from cockpit.queries import supervision as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

SPEC = CockpitSpec(
    "joint_inspection",
    record_sets=(RecordSet("tasks", q.TASKS, "inspected_date", "joint_inspection.records_tasks"),),
    queries=(
        q.TASKS_BY_SOURCE,
        q.TASKS_BY_DEPARTMENT,
        q.TASKS_MONTHLY,
        q.RESULTS_BY_SOURCE,
        q.PLANS_MONTHLY,
        q.RECTIFICATIONS_OVERDUE,
    ),
)
TEXT = {
    "joint_inspection.by_source": ("任务来源与联合检查", "Tasks by source, joint or single"),
    "joint_inspection.by_department": ("各牵头部门联合检查率", "Joint rate by lead department"),
    "joint_inspection.monthly": ("近 24 个月各来源检查任务", "Tasks by source, last 24 months"),
    "joint_inspection.results": (
        "近 12 个月检查结果（按来源）",
        "Results by source, last 12 months",
    ),
    "joint_inspection.plans": ("已发起的检查计划（按类型）", "Inspection plans launched, by kind"),
    "joint_inspection.overdue": ("逾期未整改的检查任务", "Rectifications past their deadline"),
    "joint_inspection.records_tasks": ("检查任务", "Inspection tasks"),
    "joint_inspection.kind": ("类型", "Kind"),
    "joint_inspection.source": ("来源", "Source"),
    "joint_inspection.tasks": ("任务数", "Tasks"),
    "joint_inspection.joint_rate": ("联合检查率", "Joint rate"),
    "joint_inspection.result": ("结果", "Result"),
}
register(TEXT)


def render() -> None:
    """Draw the joint-inspection page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    sections.heading(t("joint_inspection.by_source", ctx.lang))
    if not sections.ready(q.TASKS_BY_SOURCE, lang=ctx.lang):
        return
    left, right = st.columns(2)
    with left:
        _by_source(ctx)
    with right:
        _by_department(ctx)
    left, right = st.columns(2)
    with left:
        _monthly(ctx)
    with right:
        _results(ctx)
    _plans(ctx)
    _overdue(ctx)


def _by_source(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.TASKS_BY_SOURCE.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("joint_inspection.source", lang): label_column(frame, "task_source", "source", lang),
            t("joint_inspection.kind", lang): frame["is_joint"].map(
                lambda joint: code_label("joint", str(bool(joint)).lower(), lang)
            ),
            t("joint_inspection.tasks", lang): frame["tasks"],
        }
    )
    src, kind, tasks = shown.columns
    sections.chart("", charts.bar(shown, src, tasks, colour=kind), shown, "ji_source", lang)


def _by_department(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = labelled(q.TASKS_BY_DEPARTMENT.run(ctx.scope), {"department_code": "department"}, lang)
    shown = pd.DataFrame(
        {
            t("col.department", lang): frame["department_code"],
            t("joint_inspection.joint_rate", lang): frame["joint_rate"],
            t("joint_inspection.tasks", lang): frame["tasks"],
        }
    ).sort_values(t("joint_inspection.joint_rate", lang), ascending=False)
    dept, rate, _ = shown.columns
    fig = charts.bar(shown, dept, rate, horizontal=True, percent=True, height=360)
    target = ctx.target("SUP_JOINT_RATE")
    if target is not None:
        fig.add_vline(x=target, line={"dash": "dash", "color": "#5F6B7A"})
    sections.chart(t("joint_inspection.by_department", lang), fig, shown, "ji_department", lang)


def _monthly(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.TASKS_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("joint_inspection.source", lang): label_column(frame, "task_source", "source", lang),
            t("joint_inspection.tasks", lang): frame["tasks"],
        }
    )
    month, src, tasks = shown.columns
    fig = charts.line(shown, month, tasks, colour=src, area=True)
    sections.chart(t("joint_inspection.monthly", lang), fig, shown, "ji_monthly", lang)


def _results(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.RESULTS_BY_SOURCE.run(ctx.scope)
    frame = frame.groupby(["task_source", "result_code"], as_index=False)["tasks"].sum()
    shown = pd.DataFrame(
        {
            t("joint_inspection.source", lang): label_column(frame, "task_source", "source", lang),
            t("joint_inspection.result", lang): label_column(frame, "result_code", "result", lang),
            t("joint_inspection.tasks", lang): frame["tasks"],
        }
    )
    src, result, tasks = shown.columns
    fig = charts.bar(shown, src, tasks, colour=result, horizontal=True)
    sections.chart(t("joint_inspection.results", lang), fig, shown, "ji_results", lang)


def _plans(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("joint_inspection.plans", lang))
    if not sections.ready(q.PLANS_MONTHLY, lang=lang):
        return
    frame = q.PLANS_MONTHLY.run(ctx.scope)
    frame = frame.groupby(["month_start", "plan_kind"], as_index=False)["launched"].sum()
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month_start"]),
            t("joint_inspection.kind", lang): label_column(frame, "plan_kind", "plan_kind", lang),
            t("col.count", lang): frame["launched"],
        }
    )
    month, kind, count = shown.columns
    fig = charts.line(shown, month, count, colour=kind)
    sections.chart("", fig, shown, "ji_plans", lang)


def _overdue(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("joint_inspection.overdue", lang))
    frame = q.RECTIFICATIONS_OVERDUE.run(ctx.scope)
    shown = labelled(
        frame,
        {"department_code": "department", "county_code": "place", "town_code": "place"},
        lang,
    )
    sections.table("", shown, "ji_overdue", lang)
