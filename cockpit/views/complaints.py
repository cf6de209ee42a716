"""Cockpit 13 · 12345 投诉 Hotline complaints: volume and the signed / closed on-time rates
over time, what residents raise, through which channels, and the tickets past their deadline.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import register, t
from cockpit.names import label_column, labelled
from cockpit.queries import operations as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

SPEC = CockpitSpec(
    "complaints",
    record_sets=(RecordSet("tickets", q.TICKETS, "received_date", "complaints.records"),),
    queries=(
        q.TICKETS_MONTHLY,
        q.TICKETS_BY_CATEGORY,
        q.TICKETS_BY_CHANNEL,
        q.TICKETS_OVERDUE,
    ),
)
TEXT = {
    "complaints.monthly": ("近 24 个月工单量与按时率", "Tickets and on-time rates, last 24 months"),
    "complaints.categories": ("本月诉求类别", "What residents raised this month"),
    "complaints.channels": ("本月来源渠道", "Channels this month"),
    "complaints.overdue": ("超过办理时限仍未办结的工单", "Tickets past their deadline, still open"),
    "complaints.records": ("12345 工单", "12345 tickets"),
    "complaints.tickets": ("工单数", "Tickets"),
    "complaints.signed": ("按时签收率", "Signed on time"),
    "complaints.closed": ("按期办结率", "Closed on time"),
    "complaints.satisfaction": ("平均满意度", "Mean satisfaction"),
    "complaints.repeats": ("重复投诉", "Repeat"),
    "complaints.to_clue": ("转为线索", "Turned into clues"),
    "complaints.category": ("类别", "Category"),
    "complaints.channel": ("渠道", "Channel"),
    "complaints.series": ("比率", "Rate"),
}
register(TEXT)


def render() -> None:
    """Draw the complaints page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    if not sections.ready(q.TICKETS_MONTHLY, lang=lang):
        return
    _monthly(ctx)
    left, right = st.columns([3, 2])
    with left:
        _categories(ctx)
    with right:
        _channels(ctx)
    sections.heading(t("complaints.overdue", lang))
    frame = q.TICKETS_OVERDUE.run(ctx.scope)
    codes = {
        "category": "complaint_category",
        "department_code": "department",
        "county_code": "place",
        "town_code": "place",
    }
    sections.table("", labelled(frame, codes, lang), "complaints_overdue", lang)


def _monthly(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.TICKETS_MONTHLY.run(ctx.scope)
    month = t("col.month", lang)
    shown = pd.DataFrame(
        {
            month: pd.to_datetime(frame["month"]),
            t("complaints.tickets", lang): frame["tickets"],
            t("complaints.signed", lang): frame["signed_on_time"],
            t("complaints.closed", lang): frame["closed_on_time"],
        }
    )
    rates = shown.columns[2:].tolist()
    long = shown.melt(month, rates, t("complaints.series", lang))
    fig = charts.line(long, month, "value", colour=t("complaints.series", lang), percent=True)
    fig.add_bar(
        x=shown[month],
        y=shown[t("complaints.tickets", lang)],
        name=t("complaints.tickets", lang),
        yaxis="y2",
        opacity=0.25,
        marker_color="#5F6B7A",
    )
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False})
    sections.chart(t("complaints.monthly", lang), fig, shown, "complaints_monthly", lang)


def _categories(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.TICKETS_BY_CATEGORY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("complaints.category", lang): label_column(
                frame, "category", "complaint_category", lang
            ),
            t("complaints.tickets", lang): frame["tickets"],
            t("complaints.closed", lang): frame["closed_on_time"].round(3),
            t("complaints.satisfaction", lang): frame["satisfaction"].round(2),
            t("complaints.repeats", lang): frame["repeats"],
            t("complaints.to_clue", lang): frame["to_clue"],
        }
    )
    cat, tickets = shown.columns[:2]
    fig = charts.bar(shown, cat, tickets, horizontal=True, height=420)
    sections.chart(t("complaints.categories", lang), fig, shown, "complaints_categories", lang)


def _channels(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.TICKETS_BY_CHANNEL.run(ctx.scope)
    labels = label_column(frame, "channel", "channel", lang)
    shown = pd.DataFrame(
        {t("complaints.channel", lang): labels, t("complaints.tickets", lang): frame["tickets"]}
    )
    fig = charts.donut(labels.tolist(), frame["tickets"].tolist())
    sections.chart(t("complaints.channels", lang), fig, shown, "complaints_channels", lang)
