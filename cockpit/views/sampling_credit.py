"""Cockpit 5 · 双随机与信用 Random sampling & credit: the share of inspections drawn at random,
how often random checks find problems compared with triggered ones, and (once the credit mart
arrives) the A–D mix that should steer how often an entity is sampled.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import register, t
from cockpit.names import label_column
from cockpit.queries import supervision as q
from cockpit.queries.records import RecordSet, Term
from cockpit.scaffold import CockpitSpec, PageContext, run_page

RANDOM = "RANDOM"

SPEC = CockpitSpec(
    "sampling_credit",
    record_sets=(
        RecordSet(
            "random_tasks",
            q.TASKS,
            "inspected_date",
            "sampling_credit.records",
            terms=(Term("task_source", "eq", RANDOM),),
        ),
    ),
    queries=(
        q.TASKS_MONTHLY,
        q.RESULTS_BY_SOURCE,
        q.CREDIT_MIX,
    ),
)
TEXT = {
    "sampling_credit.share": ("近 24 个月双随机抽查占比", "Share of inspections drawn at random"),
    "sampling_credit.hit": ("近 12 个月各来源问题发现率", "Hit rate by source, last 12 months"),
    "sampling_credit.mode": ("近 12 个月双随机检查方式与结果", "Random checks: mode and result"),
    "sampling_credit.credit": ("信用分级分布", "Credit class mix"),
    "sampling_credit.records": (
        "检查任务（勾选仅看双随机）",
        "Inspection tasks (toggle: random only)",
    ),
    "sampling_credit.random_share": ("双随机占比", "Random share"),
    "sampling_credit.hit_rate": ("问题发现率", "Hit rate"),
    "sampling_credit.source": ("来源", "Source"),
    "sampling_credit.tasks": ("任务数", "Tasks"),
    "sampling_credit.mode_result": ("方式 · 结果", "Mode · result"),
    "sampling_credit.class": ("信用等级", "Credit class"),
    "sampling_credit.entities": ("主体数", "Entities"),
}
register(TEXT)


def render() -> None:
    """Draw the random-sampling and credit page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    if sections.ready(q.TASKS_MONTHLY, lang=lang):
        left, right = st.columns(2)
        with left:
            _share(ctx)
        with right:
            _hit_rate(ctx)
        _mode(ctx)
    sections.heading(t("sampling_credit.credit", lang))
    if sections.ready(q.CREDIT_MIX, lang=lang):
        frame = q.CREDIT_MIX.run(ctx.scope)
        shown = pd.DataFrame(
            {
                t("sampling_credit.class", lang): frame["credit_class"],
                t("sampling_credit.entities", lang): frame["entities"],
            }
        )
        cls, entities = shown.columns
        sections.chart("", charts.bar(shown, cls, entities), shown, "credit_mix", lang)


def random_share(monthly: pd.DataFrame) -> pd.DataFrame:
    """Per month: tasks, random tasks and their share."""
    monthly = monthly.assign(random=(monthly["task_source"] == RANDOM) * monthly["tasks"])
    totals = monthly.groupby("month", as_index=False)[["tasks", "random"]].sum()
    return totals.assign(share=totals["random"] / totals["tasks"])


def _share(ctx: PageContext) -> None:
    lang = ctx.lang
    totals = random_share(q.TASKS_MONTHLY.run(ctx.scope))
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(totals["month"]),
            t("sampling_credit.random_share", lang): totals["share"].round(4),
            t("sampling_credit.tasks", lang): totals["tasks"],
        }
    )
    month, share = shown.columns[:2]
    fig = charts.line(shown, month, share, percent=True)
    sections.chart(t("sampling_credit.share", lang), fig, shown, "sampling_share", lang)


def _hit_rate(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.RESULTS_BY_SOURCE.run(ctx.scope)
    frame = frame.assign(hit=(frame["result_code"] != "COMPLIANT") * frame["tasks"])
    rates = frame.groupby("task_source", as_index=False)[["tasks", "hit"]].sum()
    rates = rates.assign(rate=rates["hit"] / rates["tasks"]).sort_values("rate", ascending=False)
    shown = pd.DataFrame(
        {
            t("sampling_credit.source", lang): label_column(rates, "task_source", "source", lang),
            t("sampling_credit.hit_rate", lang): rates["rate"].round(4),
            t("sampling_credit.tasks", lang): rates["tasks"],
        }
    )
    source, rate = shown.columns[:2]
    fig = charts.bar(shown, source, rate, horizontal=True, percent=True)
    sections.chart(t("sampling_credit.hit", lang), fig, shown, "sampling_hit", lang)


def _mode(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.RESULTS_BY_SOURCE.run(ctx.scope)
    frame = frame[frame["task_source"] == RANDOM]
    mode = label_column(frame, "inspect_mode", "mode", lang)
    result = label_column(frame, "result_code", "result", lang)
    shown = pd.DataFrame(
        {
            t("sampling_credit.mode_result", lang): mode + " · " + result,
            t("sampling_credit.tasks", lang): frame["tasks"],
        }
    )
    fig = charts.donut(shown.iloc[:, 0].tolist(), shown.iloc[:, 1].tolist())
    sections.chart(t("sampling_credit.mode", lang), fig, shown, "sampling_mode", lang)
