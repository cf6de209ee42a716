"""Cockpit 10 · 1+5 领域 The 1+5 domains: for the comprehensive bureau and the five
professional teams, side by side, their teams, staff, enforcement items, inspections and cases.

A department belongs to the domain that enforces its items (``dim_department.domain_code``);
an item on the comprehensive list belongs to the comprehensive bureau whatever its department.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, sections
from cockpit.i18n import register, t
from cockpit.names import department_names
from cockpit.queries import enforcement as eq
from cockpit.queries import platform as pq
from cockpit.queries.records import RecordSet
from cockpit.scaffold import CockpitSpec, PageContext, run_page

ONE_PLUS_FIVE = ("ZHZF", "SCJG", "STHJ", "JTYS", "WSJK", "YJGL")
MEASURES = (
    ("teams", pq.DOMAIN_TEAMS, "teams"),
    ("staff", pq.DOMAIN_STAFF, "staff"),
    ("frontline", pq.DOMAIN_STAFF, "frontline"),
    ("items", pq.DOMAIN_ITEMS, "items"),
    ("tasks", eq.DOMAIN_TASKS, "tasks"),
    ("joint", eq.DOMAIN_TASKS, "joint"),
    ("cases", eq.DOMAIN_CASES, "cases"),
    ("fines", eq.DOMAIN_CASES, "fines_wan"),
)

SPEC = CockpitSpec(
    "domains",
    filters=frozenset({"period", "county", "town"}),  # the page itself splits by department
    record_sets=(RecordSet("teams", "fct_force_team_months", "month_start", "domains.records"),),
    queries=(
        pq.DOMAIN_TEAMS,
        pq.DOMAIN_STAFF,
        pq.DOMAIN_ITEMS,
        eq.DOMAIN_TASKS,
        eq.DOMAIN_CASES,
    ),
)
TEXT = {
    "domains.table": ("本月“1+5”领域对比", "The 1+5 domains this month"),
    "domains.force": ("在编与一线人员", "Staff and front-line staff"),
    "domains.work": ("检查与办案", "Inspections and cases"),
    "domains.records": ("执法队伍", "Enforcement teams"),
    "domains.domain": ("领域", "Domain"),
    "domains.series": ("指标", "Measure"),
    "domains.teams": ("队伍数", "Teams"),
    "domains.staff": ("在编人员", "Staff"),
    "domains.frontline": ("一线人员", "Front-line staff"),
    "domains.items": ("执法事项", "Items"),
    "domains.tasks": ("检查任务", "Inspections"),
    "domains.joint": ("联合检查", "Joint inspections"),
    "domains.cases": ("立案数", "Cases filed"),
    "domains.fines": ("罚没（万元，按立案月）", "Fines (¥10k, by filing month)"),
}
register(TEXT)


def render() -> None:
    """Draw the 1+5 domains page."""
    run_page(SPEC, _body)


def domain_table(ctx: PageContext) -> pd.DataFrame:
    """One row per 1+5 domain, one column per measure whose mart is available."""
    table = pd.DataFrame({"domain_code": list(ONE_PLUS_FIVE)})
    results: dict[str, pd.DataFrame] = {}
    for name, query, column in MEASURES:
        if not query.available():
            continue
        if query.name not in results:
            results[query.name] = query.run(ctx.scope).set_index("domain_code")
        frame = results[query.name]
        table[name] = table["domain_code"].map(frame[column]).fillna(0)
    return table


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    table = domain_table(ctx)
    measured = [name for name, _, _ in MEASURES if name in table.columns]
    missing = sorted({q.table for _, q, _ in MEASURES if not q.available()})
    if missing:
        sections.unavailable("、".join(f"marts.{m}" for m in missing), lang)
    if not measured:
        return
    names = department_names(lang)
    domain = t("domains.domain", lang)
    shown = pd.DataFrame({domain: table["domain_code"].map(lambda c: names.get(c, c))})
    for name in measured:
        shown[t(f"domains.{name}", lang)] = table[name].round(2)
    sections.heading(t("domains.table", lang))
    sections.table("", shown, "domains_table", lang)
    left, right = st.columns(2)
    for column, names_in, title, key in (
        (left, ("staff", "frontline"), "domains.force", "domains_force"),
        (right, ("tasks", "joint", "cases"), "domains.work", "domains_work"),
    ):
        wanted = [t(f"domains.{n}", lang) for n in names_in if n in measured]
        if not wanted:
            continue
        with column:
            part = shown[[domain, *wanted]]
            long = part.melt(domain, wanted, t("domains.series", lang))
            fig = charts.bar(long, domain, "value", colour=t("domains.series", lang), grouped=True)
            sections.chart(t(title, lang), fig, part, key, lang)
