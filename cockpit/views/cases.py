"""Cockpit 8 · 统一处罚办案 Unified case handling: where cases stand, which pass the 90-day
decision limit undecided, and what penalties were imposed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from cockpit import charts, sections, theme
from cockpit.i18n import code_label, register, t
from cockpit.names import label_column, labelled
from cockpit.queries import enforcement as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

DECISION_LIMIT_DAYS = 90
AGE_BUCKETS = (30, 60, 80, DECISION_LIMIT_DAYS)  # upper bounds; beyond the last is overdue
STAGE_ORDER = (
    "FILED", "INVESTIGATED", "EXTENDED", "LEGAL_REVIEW", "NOTICE", "HEARING", "DECIDED",
    "SERVED", "EXECUTED", "CLOSED",
)  # fmt: skip

SPEC = CockpitSpec(
    "cases",
    record_sets=(RecordSet("cases", q.CASES, "filed_date", "cases.records"),),
    queries=(
        q.CASE_STAGES,
        q.CASES_OPEN,
        q.DECISIONS_MONTHLY,
        q.FINES_BY_DEPARTMENT,
        q.CASES_BY_SOURCE,
    ),
)
TEXT = {
    "cases.funnel": ("近 12 个月立案的推进情况", "Cases filed in the last 12 months: progress"),
    "cases.stages": ("近 12 个月各办案环节案件数", "Cases reaching each stage, last 12 months"),
    "cases.ageing": ("未决案件账龄（对照 90 天期限）", "Undecided cases by age (90-day limit)"),
    "cases.overdue": ("超过 90 天仍未决定的案件", "Cases undecided after 90 days"),
    "cases.decisions": ("近 24 个月处罚决定与罚没金额", "Decisions and fines, last 24 months"),
    "cases.by_department": ("本月各部门罚没金额（万元）", "Fines this month by department (¥10k)"),
    "cases.by_source": ("近 24 个月立案线索来源", "Where cases came from, last 24 months"),
    "cases.records": ("案件", "Cases"),
    "cases.age": ("账龄", "Age"),
    "cases.cases": ("案件数", "Cases"),
    "cases.fines": ("罚没金额（万元）", "Fines (¥10k)"),
    "cases.decision": ("决定类型", "Decision"),
    "cases.stage": ("环节", "Stage"),
    "cases.days": ("{lo}–{hi} 天", "{lo}–{hi} days"),
    "cases.over": ("超过 {n} 天", "Over {n} days"),
    "cases.summary_open": ("未决案件", "Undecided"),
    "cases.summary_overdue": ("超 90 天未决", "Over 90 days"),
}
register(TEXT)


def render() -> None:
    """Draw the case-handling page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    if not sections.ready(q.CASE_FUNNEL, lang=ctx.lang):
        return
    left, right = st.columns(2)
    with left:
        _funnel(ctx)
    with right:
        _ageing(ctx)
    left, right = st.columns(2)
    with left:
        _decisions(ctx)
    with right:
        _by_department(ctx)
    _by_source(ctx)


def _funnel(ctx: PageContext) -> None:
    """Stage events when the case-event mart exists; else filed → decided → closed."""
    lang = ctx.lang
    if q.CASE_STAGES.available():
        frame = q.CASE_STAGES.run(ctx.scope)
        order = {stage: i for i, stage in enumerate(STAGE_ORDER)}
        frame = frame.sort_values("stage", key=lambda s: s.map(lambda x: order.get(x, 99)))
        labels = label_column(frame, "stage", "stage", lang).tolist()
        values = frame["cases"].tolist()
        title = t("cases.stages", lang)
    else:
        row = q.CASE_FUNNEL.run(ctx.scope).iloc[0]
        stages = ("filed", "decided", "closed")
        labels = [code_label("stage", stage.upper(), lang) for stage in stages]
        values = [int(row[stage]) for stage in stages]
        title = t("cases.funnel", lang)
    shown = pd.DataFrame({t("cases.stage", lang): labels, t("cases.cases", lang): values})
    sections.chart(title, charts.funnel(labels, values), shown, "cases_funnel", lang)


def age_bucket(days: int, lang: str) -> str:
    """The ageing bucket of an undecided case, in display words."""
    lower = 0
    for upper in AGE_BUCKETS:
        if days <= upper:
            return t("cases.days", lang, lo=lower, hi=upper)  # type: ignore[arg-type]
        lower = upper + 1
    return t("cases.over", lang, n=DECISION_LIMIT_DAYS)  # type: ignore[arg-type]


def bucket_counts(age_days: pd.Series) -> list[int]:
    """Cases per ageing bucket, overdue last: counted in one pass over the array (labelling
    each of ~14,000 open cases at full scale first was ~5% of the page's render, cProfile)."""
    index = np.searchsorted(np.asarray(AGE_BUCKETS), age_days.to_numpy(dtype="int64"))
    return [int(n) for n in np.bincount(index, minlength=len(AGE_BUCKETS) + 1)]


def _ageing(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.CASES_OPEN.run(ctx.scope)
    order = [age_bucket(upper, lang) for upper in AGE_BUCKETS]
    order.append(t("cases.over", lang, n=DECISION_LIMIT_DAYS))
    shown = pd.DataFrame(
        {t("cases.age", lang): order, t("cases.cases", lang): bucket_counts(frame["age_days"])}
    )
    age, cases = shown.columns
    fig = charts.bar(shown, age, cases)
    fig.update_traces(
        marker_color=[theme.PRIMARY] * (len(order) - 1) + [theme.STATUS_COLOURS["red"]]
    )
    overdue = frame[frame["age_days"] > DECISION_LIMIT_DAYS]
    sections.chart(t("cases.ageing", lang), fig, shown, "cases_ageing", lang)
    sections.stats(
        [
            (t("cases.summary_open", lang), f"{len(frame):,}"),
            (t("cases.summary_overdue", lang), f"{len(overdue):,}"),
        ]
    )
    with st.expander(t("cases.overdue", lang)):
        places = {"department_code": "department", "county_code": "place", "town_code": "place"}
        shown_overdue = labelled(overdue, {**places, "clue_source": "source"}, lang)
        sections.table("", shown_overdue, "cases_overdue", lang)


def _decisions(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.DECISIONS_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("cases.decision", lang): label_column(frame, "decision_type", "decision_type", lang),
            t("cases.cases", lang): frame["cases"],
            t("cases.fines", lang): frame["fines_wan"].round(2),
        }
    )
    month, decision, cases, _ = shown.columns
    fig = charts.bar(shown, month, cases, colour=decision)
    sections.chart(t("cases.decisions", lang), fig, shown, "cases_decisions", lang)


def _by_department(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = labelled(q.FINES_BY_DEPARTMENT.run(ctx.scope), {"department_code": "department"}, lang)
    shown = pd.DataFrame(
        {
            t("col.department", lang): frame["department_code"],
            t("cases.fines", lang): frame["fines_wan"].round(2),
            code_label("decision_type", "PENALTY", lang): frame["penalties"],
            code_label("decision_type", "FIRST_WAIVER", lang): frame["waivers"],
        }
    )
    dept, fines = shown.columns[:2]
    fig = charts.bar(shown, dept, fines, horizontal=True, height=360)
    sections.chart(t("cases.by_department", lang), fig, shown, "cases_departments", lang)


def _by_source(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.CASES_BY_SOURCE.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("field.clue_source", lang): label_column(frame, "clue_source", "source", lang),
            t("cases.cases", lang): frame["cases"],
        }
    )
    month, source, cases = shown.columns
    fig = charts.line(shown, month, cases, colour=source, area=True)
    sections.chart(t("cases.by_source", lang), fig, shown, "cases_sources", lang)
