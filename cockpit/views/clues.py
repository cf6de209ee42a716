"""Cockpit 9 · 线索中心 Clue centre: where clues come from, how they were assessed, how long
assessment takes and which clues still wait. Until the clue mart arrives, the sources of the
clues that became cases (from the case mart) are shown instead.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import register, t
from cockpit.names import label_column, labelled
from cockpit.queries import enforcement as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

SPEC = CockpitSpec(
    "clues",
    record_sets=(RecordSet("clues", q.CLUES, "received_date", "clues.records"),),
    queries=(
        q.CLUES_BY_SOURCE,
        q.CLUE_ASSESSMENTS,
        q.CLUES_MONTHLY,
        q.CLUES_WAITING,
    ),
)
TEXT = {
    "clues.by_source": ("本月线索来源与研判", "Clues this month by source"),
    "clues.monthly": ("近 24 个月线索（按来源）", "Clues by source, last 24 months"),
    "clues.assessment": ("本月线索研判结果", "Assessment outcomes this month"),
    "clues.waiting": ("尚未研判的线索", "Clues still waiting for assessment"),
    "clues.case_sources": (
        "近 24 个月立案案件的线索来源（线索中心数据接入前的替代视图）",
        "Sources of the clues that became cases, last 24 months (until the clue mart arrives)",
    ),
    "clues.records": ("线索", "Clues"),
    "clues.source": ("来源", "Source"),
    "clues.clues": ("线索数", "Clues"),
    "clues.assessed": ("已研判", "Assessed"),
    "clues.filed": ("已立案", "Filed"),
    "clues.mean_days": ("平均研判天数", "Mean days to assess"),
    "clues.outcome": ("研判结果", "Outcome"),
    "clues.series": ("数量", "Series"),
    "clues.cases": ("案件数", "Cases"),
}
register(TEXT)


def render() -> None:
    """Draw the clue-centre page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("clues.by_source", lang))
    if sections.ready(q.CLUES_BY_SOURCE, lang=lang):
        left, right = st.columns([3, 2])
        with left:
            _by_source(ctx)
        with right:
            _assessment(ctx)
        _monthly(ctx)
        codes = {
            "clue_source": "source",
            "department_code": "department",
            "county_code": "place",
            "town_code": "place",
        }
        frame = labelled(q.CLUES_WAITING.run(ctx.scope), codes, lang)
        sections.table(t("clues.waiting", lang), frame, "clues_waiting", lang)
    elif q.CASES_BY_SOURCE.available():
        _case_sources(ctx)


def _by_source(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.CLUES_BY_SOURCE.run(ctx.scope)
    source = t("clues.source", lang)
    shown = pd.DataFrame(
        {
            source: label_column(frame, "clue_source", "source", lang),
            t("clues.clues", lang): frame["clues"],
            t("clues.assessed", lang): frame["assessed"],
            t("clues.filed", lang): frame["filed"],
            t("clues.mean_days", lang): frame["mean_days"].round(1),
        }
    )
    series = t("clues.series", lang)
    long = shown.melt(source, shown.columns[1:4].tolist(), series)
    fig = charts.bar(long, source, "value", colour=series, grouped=True)
    sections.chart("", fig, shown, "clues_sources", lang)


def _assessment(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.CLUE_ASSESSMENTS.run(ctx.scope)
    labels = label_column(frame, "assessment", "assessment", lang)
    shown = pd.DataFrame({t("clues.outcome", lang): labels, t("clues.clues", lang): frame["clues"]})
    fig = charts.donut(labels.tolist(), frame["clues"].tolist())
    sections.chart(t("clues.assessment", lang), fig, shown, "clues_assessment", lang)


def _monthly(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.CLUES_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("clues.source", lang): label_column(frame, "clue_source", "source", lang),
            t("clues.clues", lang): frame["clues"],
        }
    )
    month, source, clues = shown.columns
    fig = charts.line(shown, month, clues, colour=source, area=True)
    sections.chart(t("clues.monthly", lang), fig, shown, "clues_monthly", lang)


def _case_sources(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.CASES_BY_SOURCE.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("clues.source", lang): label_column(frame, "clue_source", "source", lang),
            t("clues.cases", lang): frame["cases"],
        }
    )
    month, source, cases = shown.columns
    fig = charts.bar(shown, month, cases, colour=source)
    sections.chart(t("clues.case_sources", lang), fig, shown, "clues_case_sources", lang)
