"""Cockpit 16 · 数据运维 Data operations: whether every source arrived on time (last partition
day against the data's as-of day), rows landed / loaded / quarantined, the latest outcome of
every quality check, and which catalogue categories have values and which marts are missing.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from cockpit import charts, data, sections, theme
from cockpit.i18n import Lang, code_label, pick, register, t
from cockpit.queries import SCHEMA, dataops
from cockpit.scaffold import CockpitSpec, PageContext, run_page

LATE_DAYS = 2  # a source more than this many days behind the as-of day is stalled

SPEC = CockpitSpec("data_ops", filters=frozenset(), drilldown=False)
TEXT = {
    "data_ops.freshness": ("各来源数据新鲜度", "Freshness per source"),
    "data_ops.daily": ("近 60 天每日入库与隔离行数", "Rows per day, last 60 days"),
    "data_ops.checks": ("质量检查（每项最新结果）", "Quality checks (latest result of each)"),
    "data_ops.failed": ("未通过的检查", "Checks that failed"),
    "data_ops.coverage": ("指标目录覆盖", "Catalogue coverage"),
    "data_ops.missing_marts": (
        "目录引用但快照中缺少的事实表",
        "Fact models named but not published",
    ),
    "data_ops.all_marts": (
        "目录引用的事实表均已发布。",
        "Every fact model the catalogue names is published.",
    ),
    "data_ops.table": ("数据表", "Table"),
    "data_ops.last_partition": ("最新分区日", "Last partition"),
    "data_ops.lag": ("滞后天数", "Days behind"),
    "data_ops.state": ("状态", "State"),
    "data_ops.files": ("文件数", "Files"),
    "data_ops.landed": ("落地行数", "Landed"),
    "data_ops.loaded": ("入库行数", "Loaded"),
    "data_ops.quarantined": ("隔离行数", "Quarantined"),
    "data_ops.quarantine_rate": ("隔离率", "Quarantine rate"),
    "data_ops.day": ("分区日", "Day"),
    "data_ops.series": ("行数", "Rows"),
    "data_ops.suite": ("检查套件", "Suite"),
    "data_ops.result": ("结果", "Result"),
    "data_ops.checks_count": ("检查项", "Checks"),
    "data_ops.expectation": ("检查项", "Expectation"),
    "data_ops.severity": ("级别", "Severity"),
    "data_ops.observed": ("观测值", "Observed"),
    "data_ops.last_period": ("最新月份", "Latest month"),
    "data_ops.values": ("月度值个数", "Monthly values"),
    "data_ops.fact_model": ("事实表", "Fact model"),
}
register(TEXT)


def render() -> None:
    """Draw the data-operations page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    as_of = ctx.scope.as_of or ctx.scope.reference_day
    sections.heading(t("data_ops.freshness", lang))
    fresh = dataops.freshness()
    if fresh.empty:
        sections.unavailable("meta.ingest_files", lang)
    else:
        _freshness(fresh, as_of, lang)
        _daily(as_of, lang)
    sections.heading(t("data_ops.checks", lang))
    checks = dataops.checks()
    if checks.empty:
        sections.unavailable("quality.check_results", lang)
    else:
        _checks(checks, lang)
    sections.heading(t("data_ops.coverage", lang))
    _coverage(lang)


def freshness_state(lag_days: int) -> str:
    """green when the source reached the as-of day, amber when a little late, red stalled."""
    if lag_days <= 0:
        return "green"
    return "amber" if lag_days <= LATE_DAYS else "red"


def _freshness(fresh: pd.DataFrame, as_of: date, lang: Lang) -> None:
    last = pd.to_datetime(fresh["last_partition"]).dt.date
    lag = [(as_of - day).days for day in last]
    landed = fresh["landed"].astype(float)
    shown = pd.DataFrame(
        {
            t("data_ops.table", lang): fresh["table_name"],
            t("data_ops.last_partition", lang): last,
            t("data_ops.lag", lang): lag,
            t("data_ops.state", lang): [
                code_label("freshness", freshness_state(d), lang) for d in lag
            ],
            t("data_ops.files", lang): fresh["files"],
            t("data_ops.landed", lang): fresh["landed"].astype("int64"),
            t("data_ops.loaded", lang): fresh["loaded"].astype("int64"),
            t("data_ops.quarantined", lang): fresh["quarantined"].astype("int64"),
            t("data_ops.quarantine_rate", lang): (
                fresh["quarantined"] / landed.where(landed > 0)
            ).round(4),
        }
    )
    colours = {
        code_label("freshness", s, lang): theme.status_colour(s) for s in ("green", "amber", "red")
    }
    styled = shown.style.map(
        lambda v: f"color: {colours.get(v, '')}; font-weight: 600" if v in colours else "",
        subset=[t("data_ops.state", lang)],
    ).format({t("data_ops.quarantine_rate", lang): "{:.2%}"})
    st.dataframe(styled, hide_index=True)
    sections.export_button(shown, "data_ops_freshness", lang)


def _daily(as_of: date, lang: Lang) -> None:
    frame = dataops.daily(as_of)
    day = t("data_ops.day", lang)
    shown = pd.DataFrame(
        {
            day: pd.to_datetime(frame["partition_date"]),
            t("data_ops.loaded", lang): frame["loaded"],
            t("data_ops.quarantined", lang): frame["quarantined"],
        }
    )
    long = shown.melt(day, shown.columns[1:].tolist(), t("data_ops.series", lang))
    fig = charts.bar(long, day, "value", colour=t("data_ops.series", lang), height=280)
    sections.chart(t("data_ops.daily", lang), fig, shown, "data_ops_daily", lang)


def _checks(checks: pd.DataFrame, lang: Lang) -> None:
    result = checks["success"].map(lambda ok: code_label("check", "pass" if ok else "fail", lang))
    counts = pd.DataFrame({"suite": checks["suite"], "result": result}).value_counts().reset_index()
    shown = pd.DataFrame(
        {
            t("data_ops.suite", lang): counts["suite"],
            t("data_ops.result", lang): counts["result"],
            t("data_ops.checks_count", lang): counts["count"],
        }
    )
    suite, res, count = shown.columns
    left, right = st.columns([3, 2])
    with left:
        fig = charts.bar(shown, suite, count, colour=res, horizontal=True, height=420)
        sections.chart("", fig, shown, "data_ops_checks", lang)
    with right:
        failed = checks[~checks["success"].astype(bool)]
        table = pd.DataFrame(
            {
                t("data_ops.suite", lang): failed["suite"],
                t("data_ops.expectation", lang): failed["expectation"],
                t("data_ops.severity", lang): failed["severity"],
                t("data_ops.observed", lang): failed["observed"],
            }
        )
        sections.table(t("data_ops.failed", lang), table, "data_ops_failed", lang)


def _coverage(lang: Lang) -> None:
    frame = dataops.coverage()
    shown = pd.DataFrame(
        {
            t("col.code", lang): frame["category_code"],
            t("col.category", lang): [pick(row, "name", lang) for _, row in frame.iterrows()],
            t("data_ops.fact_model", lang): frame["fact_model"],
            t("data_ops.last_period", lang): pd.to_datetime(frame["last_period"]).dt.date,
            t("data_ops.values", lang): frame["values"],
        }
    )
    sections.table("", shown, "data_ops_coverage", lang, height=420)
    models = sorted({str(m) for m in frame["fact_model"].dropna()})
    missing = [m for m in models if not data.has_columns(SCHEMA, m)]
    if missing:
        st.warning(
            f"**{t('data_ops.missing_marts', lang)}**："
            + "、".join(f"{SCHEMA}.{m}" for m in missing),
            icon=":material/warning:",
        )
    else:
        st.caption(t("data_ops.all_marts", lang))
