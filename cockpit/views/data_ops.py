"""Cockpit 16 · 数据运维 Data operations: whether every source system is still sending and
every table arrived on time (against the newest day any system delivered, with the rules of
the Dagster freshness checks, ``pipelines.freshness``), rows landed / loaded / quarantined, the
latest outcome of every quality check, and which catalogue categories have values and which
marts are missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd
import streamlit as st

from cockpit import charts, data, sections, theme
from cockpit.i18n import Lang, code_label, pick, register, t
from cockpit.queries import SCHEMA, dataops
from cockpit.scaffold import CockpitSpec, PageContext, run_page
from pipelines.freshness import STATES, SystemFreshness

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
    "data_ops.systems": ("各系统交付状态", "Delivery per source system"),
    "data_ops.system": ("系统", "System"),
    "data_ops.system_day": ("全部数据表交付至", "All tables up to"),
    "data_ops.late_tables": ("滞后的数据表", "Late tables"),
    "data_ops.reference": (
        "参照日 {day}：各系统中最新的交付日（按落地区自身时钟判断，不按今天）。",
        "Reference day {day}: the newest day any system delivered (the landing zone's own "
        "clock, not today).",
    ),
    "data_ops.stalled": ("已停止发送的系统：{systems}", "Systems that stopped sending: {systems}"),
    "data_ops.late": ("交付滞后的系统：{systems}", "Systems delivering late: {systems}"),
    "data_ops.behind": ("滞后 {n} 天", "{n} days behind"),
    "data_ops.never": ("从未交付", "never delivered"),
    "data_ops.sys.approvals": ("审批（审管联动）", "Approvals"),
    "data_ops.sys.complaints": ("12345 投诉举报", "12345 complaints"),
    "data_ops.sys.drones": ("综合飞一次", "Drones"),
    "data_ops.sys.enforcement": ("统一处罚办案", "Enforcement cases"),
    "data_ops.sys.grid": ("基层网格", "Community grid"),
    "data_ops.sys.inspection": ("综合查一次", "Joint inspection"),
    "data_ops.sys.items": ("三张清单", "Three lists"),
    "data_ops.sys.market": ("市场主体与信用", "Market entities & credit"),
    "data_ops.sys.organisation": ("执法力量", "Enforcement force"),
    "data_ops.sys.oversight": ("执法监督", "Oversight"),
    "data_ops.sys.warnings": ("运行监测预警", "Operational warnings"),
    "data_ops.freshness_tables": ("各数据表最新分区", "Latest partition per table"),
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
        judged = dataops.judge()
        _systems(judged, lang)
        _freshness(fresh, judged, lang)
        _daily(as_of, lang)
    sections.heading(t("data_ops.checks", lang))
    checks = dataops.checks()
    if checks.empty:
        sections.unavailable("quality.check_results", lang)
    else:
        _checks(checks, lang)
    sections.heading(t("data_ops.coverage", lang))
    _coverage(lang)


def system_name(system: str, lang: Lang) -> str:
    """The system's readable name; an unknown system shows its code."""
    key = f"data_ops.sys.{system}"
    return t(key, lang) if key in TEXT else system


def _state_styler(frame: pd.DataFrame, column: str, lang: Lang) -> pd.io.formats.style.Styler:
    """Colour the state column's labels green / amber / red."""
    colours = {code_label("freshness", s, lang): theme.status_colour(s) for s in STATES}
    return frame.style.map(
        lambda v: f"color: {colours.get(v, '')}; font-weight: 600" if v in colours else "",
        subset=[column],
    )


def _systems(judged: dataops.Judged, lang: Lang) -> None:
    """One row per system, stalest first, and a banner naming the systems that stopped."""
    if judged.reference:
        st.caption(t("data_ops.reference", lang, day=judged.reference.isoformat()))
    _banner(judged.systems, lang)
    state = t("data_ops.state", lang)
    shown = pd.DataFrame(
        {
            t("data_ops.system", lang): [system_name(s.system, lang) for s in judged.systems],
            t("data_ops.system_day", lang): [s.last_day for s in judged.systems],
            t("data_ops.lag", lang): pd.array([s.lag_days for s in judged.systems], "Int64"),
            state: [code_label("freshness", s.state, lang) for s in judged.systems],
            t("data_ops.late_tables", lang): [_listing(s.late_tables, lang)
                                              for s in judged.systems],
        }
    )
    st.markdown(f"**{t('data_ops.systems', lang)}**")
    st.dataframe(_state_styler(shown, state, lang), hide_index=True)
    sections.export_button(shown, "data_ops_systems", lang)


def _listing(items: Iterable[str], lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _banner(systems: list[SystemFreshness], lang: Lang) -> None:
    """Name the stalled (red) and late (amber) systems above the table."""
    opened, closed = ("（", "）") if lang == "zh" else (" (", ")")

    def listed(state: str) -> str:
        return _listing(
            (
                system_name(s.system, lang) + opened
                + (t("data_ops.behind", lang, n=s.lag_days) if s.lag_days is not None
                   else t("data_ops.never", lang))
                + closed
                for s in systems if s.state == state
            ),
            lang,
        )

    if stalled := listed("red"):
        st.error(t("data_ops.stalled", lang, systems=stalled), icon=":material/sync_problem:")
    if late := listed("amber"):
        st.warning(t("data_ops.late", lang, systems=late), icon=":material/schedule:")


def _freshness(fresh: pd.DataFrame, judged: dataops.Judged, lang: Lang) -> None:
    by_table = {table.table: table for table in judged.tables}
    judged_rows = [by_table.get(name) for name in fresh["table_name"]]
    landed = fresh["landed"].astype(float)
    state = t("data_ops.state", lang)
    shown = pd.DataFrame(
        {
            t("data_ops.table", lang): fresh["table_name"],
            t("data_ops.last_partition", lang): pd.to_datetime(fresh["last_partition"]).dt.date,
            t("data_ops.lag", lang): pd.array(
                [row.lag_days if row else None for row in judged_rows], "Int64"
            ),
            state: [code_label("freshness", row.state if row else None, lang)
                    for row in judged_rows],
            t("data_ops.files", lang): fresh["files"],
            t("data_ops.landed", lang): fresh["landed"].astype("int64"),
            t("data_ops.loaded", lang): fresh["loaded"].astype("int64"),
            t("data_ops.quarantined", lang): fresh["quarantined"].astype("int64"),
            t("data_ops.quarantine_rate", lang): (
                fresh["quarantined"] / landed.where(landed > 0)
            ).round(4),
        }
    )
    styled = _state_styler(shown, state, lang).format(
        {t("data_ops.quarantine_rate", lang): "{:.2%}"}
    )
    st.markdown(f"**{t('data_ops.freshness_tables', lang)}**")
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
