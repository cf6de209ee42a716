"""Cockpit 2 · 审管联动 Approval-to-supervision loop: applications and on-time decisions, the
licence types most in demand, and every granted licence pushed to its supervisor, claimed on
time or still waiting.

On top, a Sankey of the month's loop instances (``marts.fct_entity_loop``): from each origin
through every step it reached, in chain order, to "ended" or "still open", so the width of
each flow into "still open" shows where items stall.
"""

from __future__ import annotations

from collections import Counter

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
    queries=(
        q.LOOP_PATHS,
        q.LOOP_OVERDUE,
        q.APPROVALS_MONTHLY,
        q.APPROVALS_FUNNEL,
        q.APPROVALS_BY_ITEM,
        q.CLAIMS_FUNNEL,
        q.CLAIMS_OVERDUE,
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
    "approval_loop.loop_chain": (
        "本月发起的闭环事项走到哪一步、卡在哪一步",
        "How far this month's loops got, and where they stall",
    ),
    "approval_loop.from": ("从", "From"),
    "approval_loop.to": ("到", "To"),
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
    if sections.ready(q.LOOP_PATHS, lang=lang):
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


Node = tuple[str, str]  # ("origin", ORIGIN_TYPE) or ("loop", step)


def loop_flows(paths: pd.DataFrame) -> Counter[tuple[Node, Node]]:
    """Loops flowing between consecutive nodes: each group of ``LOOP_PATHS`` goes from its
    origin through the steps it reached, in chain order, to ``ended`` or ``open``."""
    flows: Counter[tuple[Node, Node]] = Counter()
    for row in paths.to_dict("records"):
        nodes: list[Node] = [("origin", str(row["origin_type"]))]
        nodes += [("loop", step) for step in q.LOOP_PATH_STEPS if bool(row[step])]
        nodes.append(("loop", "open" if bool(row["is_open"]) else "ended"))
        for pair in zip(nodes, nodes[1:], strict=False):
            flows[pair] += int(row["loops"])
    return flows


def _loop(ctx: PageContext) -> None:
    """The month's loop instances as a Sankey from origin to where they ended or stall."""
    lang = ctx.lang
    flows = loop_flows(q.LOOP_PATHS.run(ctx.scope))
    nodes = list(dict.fromkeys(node for pair in flows for node in pair))
    labels = [
        code_label("origin" if kind == "origin" else "loop", code, lang) for kind, code in nodes
    ]
    index = {node: i for i, node in enumerate(nodes)}
    pairs = list(flows.items())
    shown = pd.DataFrame(
        {
            t("approval_loop.from", lang): [labels[index[a]] for (a, _), _ in pairs],
            t("approval_loop.to", lang): [labels[index[b]] for (_, b), _ in pairs],
            t("col.count", lang): [count for _, count in pairs],
        }
    )
    fig = charts.sankey(
        labels, [index[a] for (a, _), _ in pairs], [index[b] for (_, b), _ in pairs],
        [count for _, count in pairs],
    )
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
