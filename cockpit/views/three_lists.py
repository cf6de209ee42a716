"""Cockpit 12 · 三张清单 The three lists: master, comprehensive and professional items, the
"three-high" and dormant tags, items delegated to towns, and the comprehensive list by
department and by domain.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import code_label, register, t
from cockpit.names import label_column, labelled
from cockpit.queries import platform as q
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

LISTS = ("master", "comprehensive", "professional", "sangao", "dormant", "delegated")
LIST_CODES = {
    "master": "MASTER",
    "comprehensive": "COMPREHENSIVE",
    "professional": "PROFESSIONAL",
    "sangao": "SANGAO",
    "dormant": "DORMANT",
    "delegated": "DELEGATED",
}

SPEC = CockpitSpec(
    "three_lists",
    filters=frozenset({"period", "department"}),  # the catalogue is the city's, not a county's
    record_sets=(RecordSet("items", q.ITEMS, "month_start", "three_lists.records"),),
    queries=(
        q.ITEMS_SUMMARY,
        q.ITEMS_BY_LEVEL,
        q.ITEMS_BY_DEPARTMENT,
        q.ITEMS_BY_DOMAIN,
    ),
)
TEXT = {
    "three_lists.lists": ("三张清单与事项标签", "The three lists and item tags"),
    "three_lists.by_department": ("各部门事项（综合 / 专业）", "Items by department"),
    "three_lists.by_domain": ("各执法领域综合执法事项", "Comprehensive items by domain"),
    "three_lists.by_level": ("综合执法事项的行使层级与类型", "Comprehensive items: level and type"),
    "three_lists.records": ("执法事项", "Enforcement items"),
    "three_lists.list": ("清单", "List"),
    "three_lists.items": ("事项数", "Items"),
    "three_lists.domain": ("领域", "Domain"),
    "three_lists.level": ("行使层级", "Level"),
    "three_lists.type": ("事项类型", "Type"),
}
register(TEXT)


def render() -> None:
    """Draw the three-lists page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    sections.heading(t("three_lists.lists", lang))
    if not sections.ready(q.ITEMS_SUMMARY, lang=lang):
        return
    left, right = st.columns(2)
    with left:
        _lists(ctx)
    with right:
        _by_level(ctx)
    left, right = st.columns(2)
    with left:
        _by_department(ctx)
    with right:
        _by_domain(ctx)


def _lists(ctx: PageContext) -> None:
    lang = ctx.lang
    row = q.ITEMS_SUMMARY.run(ctx.scope).iloc[0]
    shown = pd.DataFrame(
        {
            t("three_lists.list", lang): [
                code_label("list_type", LIST_CODES[n], lang) for n in LISTS
            ],
            t("three_lists.items", lang): [int(row[n]) for n in LISTS],
        }
    )
    name, items = shown.columns
    fig = charts.bar(shown, name, items, horizontal=True, height=300)
    fig.update_traces(texttemplate="%{x:,}", textposition="auto")
    sections.chart("", fig, shown, "lists_summary", lang)


def _by_level(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.ITEMS_BY_LEVEL.run(ctx.scope)
    shown = pd.DataFrame(
        {
            t("three_lists.level", lang): label_column(frame, "exercise_level", "level", lang),
            t("three_lists.type", lang): label_column(frame, "item_type", "item_type", lang),
            t("three_lists.items", lang): frame["items"],
        }
    )
    level, kind, items = shown.columns
    fig = charts.bar(shown, level, items, colour=kind, height=300)
    sections.chart(t("three_lists.by_level", lang), fig, shown, "lists_levels", lang)


def _by_department(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = labelled(q.ITEMS_BY_DEPARTMENT.run(ctx.scope), {"department_code": "department"}, lang)
    frame = frame.sort_values("comprehensive", ascending=False)
    dept = t("col.department", lang)
    shown = pd.DataFrame(
        {
            dept: frame["department_code"],
            code_label("list_type", "COMPREHENSIVE", lang): frame["comprehensive"],
            code_label("list_type", "PROFESSIONAL", lang): frame["professional"],
        }
    )
    long = shown.melt(dept, shown.columns[1:].tolist(), t("three_lists.list", lang))
    fig = charts.bar(
        long, dept, "value", colour=t("three_lists.list", lang), horizontal=True, height=560
    )
    sections.chart(t("three_lists.by_department", lang), fig, shown, "lists_departments", lang)


def _by_domain(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = q.ITEMS_BY_DOMAIN.run(ctx.scope)
    frame = frame[frame["comprehensive"] > 0].sort_values("comprehensive", ascending=False)
    shown = pd.DataFrame(
        {
            t("three_lists.domain", lang): label_column(frame, "domain_code", "domain", lang),
            t("three_lists.items", lang): frame["comprehensive"],
        }
    )
    domain, items = shown.columns
    fig = charts.bar(shown, domain, items, horizontal=True, height=560)
    sections.chart(t("three_lists.by_domain", lang), fig, shown, "lists_domains", lang)
