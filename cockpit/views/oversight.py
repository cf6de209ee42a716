"""Cockpit 14 · 监督闭环 Oversight loop: cases past the 90-day limit, reconsideration and
litigation outcomes, case-file audit results and oversight flags with their rectification.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import register, t
from cockpit.names import label_column, labelled
from cockpit.queries import enforcement as eq
from cockpit.queries import oversight as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

DECISION_LIMIT_DAYS = 90

SPEC = CockpitSpec(
    "oversight",
    record_sets=(
        RecordSet("flags", "fct_oversight_flags", "raised_date", "oversight.records_flags"),
        RecordSet("reviews", "fct_oversight_reviews", "filed_date", "oversight.records_reviews"),
    ),
    queries=(
        eq.CASES_OPEN,
        q.REVIEWS_BY_OUTCOME,
        q.AUDIT_SCORES,
        q.AUDITS_BY_DEPARTMENT,
        q.FLAGS_BY_TYPE,
        q.FLAGS_OPEN,
    ),
)
TEXT = {
    "oversight.overdue": ("超过 90 天仍未作出决定的案件", "Cases undecided after 90 days"),
    "oversight.overdue_by_department": ("超期未决案件（按部门）", "Overdue cases by department"),
    "oversight.reviews": (
        "近 12 个月行政复议与诉讼结果",
        "Reconsideration and litigation, 12 months",
    ),
    "oversight.audits": ("近 12 个月案卷评查", "Case-file audits, last 12 months"),
    "oversight.audit_scores": ("评查得分分布", "Audit scores"),
    "oversight.audit_departments": ("各部门评查合格率", "Audit pass rate by department"),
    "oversight.flags": ("近 12 个月监督预警与整改", "Oversight flags and rectification, 12 months"),
    "oversight.flags_open": ("逾期未整改的监督预警", "Flags past their rectification deadline"),
    "oversight.records_flags": ("监督预警", "Oversight flags"),
    "oversight.records_reviews": ("复议与诉讼", "Reviews and litigation"),
    "oversight.cases": ("案件数", "Cases"),
    "oversight.type": ("类型", "Type"),
    "oversight.outcome": ("结果", "Outcome"),
    "oversight.reviews_count": ("件数", "Reviews"),
    "oversight.score": ("得分", "Score"),
    "oversight.grade": ("等级", "Grade"),
    "oversight.pass_rate": ("合格率", "Pass rate"),
    "oversight.audits_count": ("评查数", "Audits"),
    "oversight.series": ("数量", "Series"),
    "oversight.raised": ("预警数", "Raised"),
    "oversight.rectified": ("已整改", "Rectified"),
    "oversight.on_time": ("按期整改", "On time"),
    "oversight.verified": ("已核验", "Verified"),
}
register(TEXT)


def render() -> None:
    """Draw the oversight page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("oversight.overdue", lang))
    if sections.ready(eq.CASES_OPEN, lang=lang):
        _overdue(ctx)
    sections.heading(t("oversight.reviews", lang))
    if sections.ready(q.REVIEWS_BY_OUTCOME, lang=lang):
        _reviews(ctx)
    sections.heading(t("oversight.audits", lang))
    if sections.ready(q.AUDITS_BY_DEPARTMENT, lang=lang):
        _audits(ctx)
    sections.heading(t("oversight.flags", lang))
    if sections.ready(q.FLAGS_BY_TYPE, lang=lang):
        _flags(ctx)


def _overdue(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = eq.CASES_OPEN.run(ctx.scope)
    overdue = frame[frame["age_days"] > DECISION_LIMIT_DAYS]
    left, right = st.columns([2, 3])
    with left:
        counts = overdue.groupby("department_code", as_index=False).size()
        counts = labelled(counts, {"department_code": "department"}, lang)
        shown = pd.DataFrame(
            {
                t("col.department", lang): counts["department_code"],
                t("oversight.cases", lang): counts["size"],
            }
        )
        dept, cases = shown.columns
        fig = charts.bar(shown, dept, cases, horizontal=True, height=300)
        sections.chart(
            t("oversight.overdue_by_department", lang),
            fig,
            shown,
            "oversight_overdue_departments",
            lang,
        )
    with right:
        codes = {
            "department_code": "department",
            "county_code": "place",
            "town_code": "place",
            "clue_source": "source",
        }
        sections.table("", labelled(overdue, codes, lang), "oversight_overdue", lang)


def _reviews(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.REVIEWS_BY_OUTCOME.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("oversight.type", lang): label_column(frame, "review_type", "review_type", lang),
            t("oversight.outcome", lang): label_column(frame, "outcome", "outcome", lang),
            t("oversight.reviews_count", lang): frame["reviews"],
        }
    )
    kind, outcome, count = shown.columns
    sections.chart(
        "", charts.bar(shown, kind, count, colour=outcome), shown, "oversight_reviews", lang
    )


def _audits(ctx: PageContext) -> None:
    lang = ctx.lang
    left, right = st.columns(2)
    with left:
        scores = q.AUDIT_SCORES.run(ctx.scope)
        shown = pd.DataFrame(
            {
                t("oversight.score", lang): scores["score"],
                t("oversight.grade", lang): label_column(scores, "grade", "grade", lang),
            }
        )
        score, grade = shown.columns
        fig = charts.histogram(shown, score)
        sections.chart(t("oversight.audit_scores", lang), fig, shown, "oversight_scores", lang)
    with right:
        frame = labelled(
            q.AUDITS_BY_DEPARTMENT.run(ctx.scope), {"department_code": "department"}, lang
        )
        shown = pd.DataFrame(
            {
                t("col.department", lang): frame["department_code"],
                t("oversight.pass_rate", lang): frame["pass_rate"].round(4),
                t("oversight.audits_count", lang): frame["audits"],
            }
        )
        dept, rate = shown.columns[:2]
        fig = charts.bar(shown, dept, rate, horizontal=True, percent=True)
        sections.chart(t("oversight.audit_departments", lang), fig, shown, "oversight_audits", lang)


def _flags(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.FLAGS_BY_TYPE.run(ctx.scope)
    kind = t("oversight.type", lang)
    shown = pd.DataFrame(
        {
            kind: label_column(frame, "flag_type", "flag_type", lang),
            t("oversight.raised", lang): frame["raised"],
            t("oversight.rectified", lang): frame["rectified"],
            t("oversight.on_time", lang): frame["on_time"],
            t("oversight.verified", lang): frame["verified"],
        }
    )
    series = t("oversight.series", lang)
    long = shown.melt(kind, shown.columns[1:].tolist(), series)
    left, right = st.columns(2)
    with left:
        fig = charts.bar(long, kind, "value", colour=series, grouped=True)
        sections.chart("", fig, shown, "oversight_flags", lang)
    with right:
        codes = {"flag_type": "flag_type", "department_code": "department", "county_code": "place"}
        frame = labelled(q.FLAGS_OPEN.run(ctx.scope), codes, lang)
        sections.table(t("oversight.flags_open", lang), frame, "oversight_flags_open", lang)
