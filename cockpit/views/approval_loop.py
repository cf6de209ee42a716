"""Cockpit 2 · 审管联动 Approval-to-supervision loop: applications and on-time decisions, the
licence types most in demand, and every granted licence pushed to its supervisor, claimed on
time or still waiting.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import code_label, register, t
from cockpit.names import label_column, labelled
from cockpit.queries import operations as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

APPROVAL_STAGES = ("applied", "accepted", "decided", "granted")
CLAIM_STAGES = (
    ("pushed", "PUSHED_TO_SUPERVISOR"),
    ("claimed", "CLAIMED"),
    ("claimed_on_time", "CLAIMED_ON_TIME"),
)

SPEC = CockpitSpec(
    "approval_loop",
    record_sets=(
        RecordSet("approvals", q.APPROVALS, "applied_date", "approval_loop.records_approvals"),
        RecordSet("claims", q.CLAIMS, "pushed_date", "approval_loop.records_claims"),
        RecordSet("loops", q.LOOP, "origin_date", "approval_loop.records_loops"),
    ),
)
TEXT = {
    "approval_loop.approvals": ("审批办件", "Applications"),
    "approval_loop.monthly": (
        "近 24 个月申请量（按渠道）",
        "Applications by channel, last 24 months",
    ),
    "approval_loop.funnel": ("本月申请办理进度", "This month's applications: progress"),
    "approval_loop.items": ("本月申请最多的审批事项", "Most requested licence types this month"),
    "approval_loop.claims": ("审管联动：推送与认领", "Pushed to supervisors and claimed"),
    "approval_loop.claims_funnel": (
        "本月推送的许可认领情况",
        "Licences pushed this month: claimed",
    ),
    "approval_loop.claims_overdue": ("超过认领时限仍未认领", "Past the claim deadline, unclaimed"),
    "approval_loop.records_approvals": ("审批办件", "Applications"),
    "approval_loop.records_claims": ("审管推送", "Pushes to supervisors"),
    "approval_loop.channel": ("渠道", "Channel"),
    "approval_loop.count": ("件数", "Applications"),
    "approval_loop.stage": ("环节", "Stage"),
    "approval_loop.item": ("审批事项", "Licence type"),
    "approval_loop.mean_days": ("平均办理天数", "Mean days"),
    "approval_loop.on_time": ("按时办结率", "Decided on time"),
    "approval_loop.loop": (
        "全链条闭环：审批 → 运行 → 监管 → 执法",
        "The whole chain: approval → operation → supervision → enforcement",
    ),
    "approval_loop.loop_chain": ("本月发起的闭环事项走到哪一步", "How far this month's loops got"),
    "approval_loop.loop_overdue": ("逾期未闭环事项", "Open loops past a deadline"),
    "approval_loop.origin": ("起点", "Origin"),
    "approval_loop.records_loops": ("闭环事项", "Loop instances"),
}
register(TEXT)


def render() -> None:
    """Draw the approval-loop page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("approval_loop.loop", lang))
    if sections.ready(q.LOOP_CHAIN_COUNTS, lang=lang):
        _loop(ctx)
    sections.heading(t("approval_loop.approvals", lang))
    if sections.ready(q.APPROVALS_MONTHLY, lang=lang):
        left, right = st.columns([3, 2])
        with left:
            _monthly(ctx)
        with right:
            _funnel(ctx)
        _items(ctx)
    sections.heading(t("approval_loop.claims", lang))
    if sections.ready(q.CLAIMS_FUNNEL, lang=lang):
        left, right = st.columns([2, 3])
        with left:
            _claims(ctx)
        with right:
            frame = q.CLAIMS_OVERDUE.run(ctx.scope)
            codes = {
                "department_code": "department",
                "approving_department_code": "department",
                "county_code": "place",
            }
            title = t("approval_loop.claims_overdue", lang)
            sections.table(title, labelled(frame, codes, lang), "approval_claims_overdue", lang)


def _loop(ctx: PageContext) -> None:
    """Per origin type, how many of the month's loops reached each step of the chain."""
    lang = ctx.lang
    frame = q.LOOP_CHAIN_COUNTS.run(ctx.scope)
    origin, stage = t("approval_loop.origin", lang), t("approval_loop.stage", lang)
    long = frame.melt("origin_type", list(q.LOOP_CHAIN), "step", "count")
    shown = pd.DataFrame(
        {
            origin: label_column(long, "origin_type", "origin", lang),
            stage: long["step"].map(lambda step: code_label("loop", step, lang)),
            t("col.count", lang): long["count"],
        }
    )
    fig = charts.bar(shown, stage, t("col.count", lang), colour=origin, grouped=True)
    sections.chart(t("approval_loop.loop_chain", lang), fig, shown, "approval_loop_chain", lang)
    codes = {
        "origin_type": "origin",
        "stage": "loop_stage",
        "department_code": "department",
        "county_code": "place",
        "town_code": "place",
    }
    overdue = labelled(q.LOOP_OVERDUE.run(ctx.scope), codes, lang)
    sections.table(t("approval_loop.loop_overdue", lang), overdue, "approval_loop_overdue", lang)


def _monthly(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.APPROVALS_MONTHLY.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("col.month", lang): pd.to_datetime(frame["month"]),
            t("approval_loop.channel", lang): label_column(frame, "channel", "channel", lang),
            t("approval_loop.count", lang): frame["applications"],
        }
    )
    month, channel, count = shown.columns
    fig = charts.line(shown, month, count, colour=channel, area=True)
    sections.chart(t("approval_loop.monthly", lang), fig, shown, "approval_monthly", lang)


def _funnel(ctx: PageContext) -> None:
    lang = ctx.lang
    row = q.APPROVALS_FUNNEL.run(ctx.scope).iloc[0]
    labels = [code_label("funnel", stage.upper(), lang) for stage in APPROVAL_STAGES]
    values = [int(row[stage]) for stage in APPROVAL_STAGES]
    shown = pd.DataFrame({t("approval_loop.stage", lang): labels, t("col.count", lang): values})
    title = t("approval_loop.funnel", lang)
    sections.chart(title, charts.funnel(labels, values), shown, "approval_funnel", lang)


def _items(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.APPROVALS_BY_ITEM.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("approval_loop.item", lang): frame["item_name"].fillna(frame["item_code"]),
            t("approval_loop.count", lang): frame["applications"],
            t("approval_loop.mean_days", lang): frame["mean_days"].round(1),
            t("approval_loop.on_time", lang): frame["on_time"].round(3),
        }
    )
    item, count = shown.columns[:2]
    fig = charts.bar(shown, item, count, horizontal=True, height=380)
    sections.chart(t("approval_loop.items", lang), fig, shown, "approval_items", lang)


def _claims(ctx: PageContext) -> None:
    lang = ctx.lang
    row = q.CLAIMS_FUNNEL.run(ctx.scope).iloc[0]
    labels = [code_label("funnel", code, lang) for _, code in CLAIM_STAGES]
    values = [int(row[column]) for column, _ in CLAIM_STAGES]
    shown = pd.DataFrame({t("approval_loop.stage", lang): labels, t("col.count", lang): values})
    title = t("approval_loop.claims_funnel", lang)
    sections.chart(title, charts.funnel(labels, values), shown, "approval_claims", lang)
