"""Cockpit 6 · 企业负担 Inspection burden: days a month an inspected enterprise hosts
inspectors, then (first twelve months of data) against now (the twelve months to the period),
the enterprises visited by three or more departments in one month, the 30-day repeat-
inspection alerts of the month (``fct_inspection_burden_alerts``) and the timelines of the
most-alerted enterprises: who came on which day.
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

BURDEN_CATEGORY = "BURDEN_INSPECTION_DAYS"
WINDOW_MONTHS = 12

SPEC = CockpitSpec(
    "burden",
    filters=frozenset({"period", "county", "town"}),  # burden is per enterprise, not department
    record_sets=(RecordSet("entity_months", q.BURDEN, "month_start", "burden.records"),),
    queries=(
        q.BURDEN_MONTHLY,
        q.BURDEN_DISTRIBUTION,
        q.BURDEN_TOP,
        q.BURDEN_REPEAT,
        q.BURDEN_TIMELINES,
    ),
)
TEXT = {
    "burden.monthly": (
        "受检企业月均迎检天数",
        "Days a month an inspected enterprise hosts inspectors",
    ),
    "burden.before_after": ("前后对比：月均迎检天数", "Before and after: mean inspection days"),
    "burden.distribution": (
        "本月受检企业迎检天数分布",
        "Inspection days per enterprise this month",
    ),
    "burden.multi": ("本月 3 个及以上部门到场的企业", "Enterprises visited by 3+ departments"),
    "burden.records": ("企业迎检月度记录", "Enterprise-months inspected"),
    "burden.days": ("迎检天数", "Inspection days"),
    "burden.mean_days": ("月均迎检天数", "Mean days per month"),
    "burden.entities": ("企业数", "Enterprises"),
    "burden.window": ("时段", "Window"),
    "burden.multi_count": ("多部门到场企业", "Visited by 3+ departments"),
    "burden.repeat": (
        "30 日内多部门重复检查预警（本月）",
        "Repeat inspections: other departments on site within 30 days (this month)",
    ),
    "burden.timelines": (
        "预警最多企业的迎检时间轴（本月及前 29 天，现场检查）",
        "Timelines of the most-alerted enterprises (on-site visits, this month and 29 days before)",
    ),
    "burden.enterprise": ("企业", "Enterprise"),
    "burden.department": ("到场部门", "Department on site"),
    "burden.visit_date": ("检查日期", "Visit date"),
}
register(TEXT)


def render() -> None:
    """Draw the enterprise-burden page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    if not sections.ready(q.BURDEN_MONTHLY, lang=lang):
        return
    monthly = q.BURDEN_MONTHLY.run(ctx.scope)
    left, right = st.columns([3, 2])
    with left:
        _monthly(ctx, monthly)
    with right:
        _before_after(ctx, monthly)
    left, right = st.columns([2, 3])
    with left:
        _distribution(ctx)
    with right:
        sections.heading(t("burden.multi", lang))
        top = q.BURDEN_TOP.run(ctx.scope)
        top = top[top["departments_on_site"] >= 3]
        places = {"county_code": "place", "town_code": "place"}
        sections.table("", labelled(top, places, lang), "burden_multi", lang)
    if sections.ready(q.BURDEN_REPEAT, lang=lang):
        left, right = st.columns([2, 3])
        with left:
            repeat = q.BURDEN_REPEAT.run(ctx.scope)
            places = {"county_code": "place", "town_code": "place"}
            sections.table(t("burden.repeat", lang), labelled(repeat, places, lang),
                           "burden_repeat", lang)
        with right:
            _timelines(ctx)


def enterprise_label(name: object, uscc: str) -> str:
    """An enterprise on the timeline's axis: its name and the code's last six characters."""
    shown = str(name) if isinstance(name, str) and name else uscc
    return f"{shown} ·{uscc[-6:]}"


def _timelines(ctx: PageContext) -> None:
    """Who came when to the enterprises alerted most this month: one line each."""
    lang = ctx.lang
    if not sections.ready(q.BURDEN_TIMELINES, lang=lang):
        return
    visits = q.BURDEN_TIMELINES.run(ctx.scope)
    enterprise, department = t("burden.enterprise", lang), t("burden.department", lang)
    shown = pd.DataFrame(
        {
            enterprise: [enterprise_label(n, u) for n, u in
                         zip(visits["entity_name"], visits["entity_uscc"], strict=True)],
            t("burden.visit_date", lang): pd.to_datetime(visits["inspected_date"]),
            department: label_column(visits, "department_code", "department", lang),
        }
    )
    fig = charts.timeline(shown, t("burden.visit_date", lang), enterprise, department)
    sections.chart(t("burden.timelines", lang), fig, shown, "burden_timelines", lang)


def _monthly(ctx: PageContext, monthly: pd.DataFrame) -> None:
    lang = ctx.lang
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(monthly["month_start"]),
            t("burden.mean_days", lang): monthly["mean_days"].round(3),
            t("burden.entities", lang): monthly["entities"],
            t("burden.multi_count", lang): monthly["multi_department"],
        }
    )
    month, mean = shown.columns[:2]
    target = ctx.target(BURDEN_CATEGORY)
    label = f"{t('chart.target', lang)} {target:g}" if target is not None else ""
    fig = charts.line(shown, month, mean, target=target, target_label=label)
    sections.chart(t("burden.monthly", lang), fig, shown, "burden_monthly", lang)


def before_after(monthly: pd.DataFrame) -> tuple[float | None, float | None]:
    """Mean days per enterprise-month in the first and the last twelve months of data."""
    if monthly.empty:
        return None, None
    ordered = monthly.sort_values("month_start")

    def mean(part: pd.DataFrame) -> float | None:
        entities = float(part["entities"].sum())
        return float(part["days"].sum()) / entities if entities else None

    return mean(ordered.head(WINDOW_MONTHS)), mean(ordered.tail(WINDOW_MONTHS))


def _before_after(ctx: PageContext, monthly: pd.DataFrame) -> None:
    lang = ctx.lang
    before, after = before_after(monthly)
    if before is None:
        return
    ordered = monthly.sort_values("month_start")
    spans = [
        _span(ordered.head(WINDOW_MONTHS)["month_start"]),
        _span(ordered.tail(WINDOW_MONTHS)["month_start"]),
    ]
    labels = [
        f"{code_label('period', key, lang)}<br>{span}"
        for key, span in zip(("before", "after"), spans, strict=True)
    ]
    shown = pd.DataFrame(
        {
            t("burden.window", lang): labels,
            t("burden.mean_days", lang): [round(before, 3), round(after, 3)],
        }
    )
    window, mean = shown.columns
    fig = charts.bar(shown, window, mean, height=300)
    fig.update_traces(texttemplate="%{y:.2f}", textposition="outside")
    sections.chart(t("burden.before_after", lang), fig, shown, "burden_before_after", lang)


def _span(months: pd.Series) -> str:
    first, last = pd.to_datetime(months.min()), pd.to_datetime(months.max())
    return f"{first:%Y-%m} – {last:%Y-%m}"


def _distribution(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.BURDEN_DISTRIBUTION.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("burden.days", lang): frame["inspection_days"].astype(str),
            t("burden.entities", lang): frame["entities"],
        }
    )
    days, entities = shown.columns
    fig = charts.bar(shown, days, entities, height=300)
    sections.chart(t("burden.distribution", lang), fig, shown, "burden_distribution", lang)
