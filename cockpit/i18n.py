"""UI strings in Chinese (default) and English.

Indicator names and definitions are data and come from the catalogue's ``*_zh``/``*_en``
columns; only the app's own chrome lives here, so translators touch one table.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from cockpit.i18n_codes import CODE_LABELS
from cockpit.i18n_pages import PAGE_STRINGS

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_LABELS: dict[Lang, str] = {"zh": "中文", "en": "English"}
SESSION_KEY = "lang"

STRINGS: dict[str, dict[Lang, str]] = {
    "app.title": {"zh": "衢州市大综合一体化驾驶舱", "en": "Quzhou Integrated Enforcement Cockpit"},
    "app.language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "filter.period": {"zh": "统计月份", "en": "Month"},
    "filter.county": {"zh": "区域", "en": "Area"},
    "filter.department": {"zh": "部门", "en": "Department"},
    "filter.city_all": {"zh": "全市", "en": "Whole city"},
    "filter.dept_all": {"zh": "全部部门", "en": "All departments"},
    "stamp.data_as_of": {"zh": "数据截至", "en": "Data as of"},
    "stamp.published": {"zh": "快照发布于", "en": "Snapshot published"},
    "stamp.age_minutes": {"zh": "{n} 分钟前", "en": "{n} min ago"},
    "stamp.age_hours": {"zh": "{n} 小时前", "en": "{n} h ago"},
    "stamp.age_days": {"zh": "{n} 天前", "en": "{n} days ago"},
    "stamp.just_now": {"zh": "刚刚", "en": "just now"},
    "stamp.stale": {
        "zh": "快照已超过 {n} 天未更新，请联系数据运维确认管道运行情况。",
        "en": "The snapshot is more than {n} days old; ask data operations to check the pipeline.",
    },
    "status.green": {"zh": "达标", "en": "On target"},
    "status.amber": {"zh": "预警", "en": "Watch"},
    "status.red": {"zh": "未达标", "en": "Off target"},
    "status.none": {"zh": "无目标", "en": "No target"},
    "summary.critical_off": {"zh": "关键指标未达标", "en": "Critical indicators off target"},
    "tile.target": {"zh": "目标", "en": "Target"},
    "tile.no_target": {"zh": "未设目标", "en": "No target set"},
    "tile.score": {"zh": "得分", "en": "Score"},
    "tile.critical": {"zh": "关键", "en": "Critical"},
    "tile.no_data": {"zh": "本期无数据", "en": "No data this period"},
    "tile.vs_prev": {"zh": "较上月", "en": "vs prev. month"},
    "tile.pp": {"zh": "个百分点", "en": " pp"},
    "tile.definition": {"zh": "指标口径", "en": "Definition"},
    "def.definition": {"zh": "定义", "en": "Definition"},
    "def.direction": {"zh": "方向", "en": "Direction"},
    "def.measure": {"zh": "计算方式", "en": "Measure"},
    "def.target": {"zh": "目标值", "en": "Target"},
    "def.amber": {"zh": "预警阈值（得分）", "en": "Amber threshold (score)"},
    "def.target_source": {"zh": "目标依据", "en": "Target source"},
    "def.owner": {"zh": "责任部门", "en": "Owner"},
    "def.source_system": {"zh": "数据来源", "en": "Source system"},
    "def.code": {"zh": "指标编码", "en": "Code"},
    "def.score_rule": {
        "zh": "得分 = 实际值 ÷ 目标值（越低越好时取倒数）；得分 ≥ 1 为达标。",
        "en": "Score = actual ÷ target (inverted when lower is better); score ≥ 1 is on target.",
    },
    "direction.higher": {"zh": "越高越好", "en": "Higher is better"},
    "direction.lower": {"zh": "越低越好", "en": "Lower is better"},
    "direction.neutral": {"zh": "中性（监测）", "en": "Neutral (monitored)"},
    "measure.count": {"zh": "计数", "en": "Count"},
    "measure.ratio": {"zh": "比率（分子 ÷ 分母）", "en": "Ratio (numerator ÷ denominator)"},
    "measure.mean": {"zh": "平均值", "en": "Mean"},
    "measure.sum": {"zh": "合计", "en": "Sum"},
    "measure.distinct_count": {"zh": "去重计数", "en": "Distinct count"},
    "chart.actual": {"zh": "实际值", "en": "Actual"},
    "chart.target": {"zh": "目标", "en": "Target"},
    "empty.no_categories": {
        "zh": "指标目录为空，暂无可展示的指标。",
        "en": "The indicator catalogue is empty; nothing to show yet.",
    },
    "error.no_snapshot.title": {
        "zh": "数据快照尚未发布",
        "en": "No data snapshot published yet",
    },
    "error.no_snapshot.body": {
        "zh": "驾驶舱只读取数据管道发布的快照。"
        "首次运行数据管道并完成发布后，刷新本页即可看到指标。",
        "en": "The cockpit reads only the snapshot published by the data pipeline. "
        "Run the pipeline once and refresh this page to see the indicators.",
    },
    "error.unreadable.title": {
        "zh": "数据快照暂时无法读取",
        "en": "The data snapshot cannot be read",
    },
    "error.unreadable.body": {
        "zh": "快照文件存在但无法打开（可能正在更新或版本不兼容）。"
        "请稍后刷新；如持续出现请联系数据运维。",
        "en": "The snapshot exists but could not be opened (it may be updating or incompatible). "
        "Refresh shortly; if this persists, contact data operations.",
    },
    "error.expected_path": {"zh": "期望位置：{path}", "en": "Expected at: {path}"},
    "month.format": {"zh": "{y}年{m}月", "en": "{mon} {y}"},
}

STRINGS.update({key: {"zh": zh, "en": en} for key, (zh, en) in PAGE_STRINGS.items()})

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def register(strings: dict[str, tuple[str, str]]) -> None:
    """Add a page's own ``(Chinese, English)`` strings; keys must not clash with others."""
    clashes = set(strings) & set(STRINGS)
    if clashes:
        raise ValueError(f"duplicate UI string keys: {sorted(clashes)}")
    STRINGS.update({key: {"zh": zh, "en": en} for key, (zh, en) in strings.items()})


def current_lang() -> Lang:
    """The language chosen in the sidebar; Chinese until the user switches."""
    lang = st.session_state.get(SESSION_KEY, "zh")
    return lang if lang in LANGS else "zh"


def t(key: str, lang: Lang | None = None, **fmt: object) -> str:
    """Translate a UI key; a missing key shows itself so gaps are visible, not fatal."""
    entry = STRINGS.get(key)
    text = entry[lang or current_lang()] if entry else key
    return text.format(**fmt) if fmt else text


def pick(row: object, field: str, lang: Lang | None = None) -> str:
    """Read ``field_zh``/``field_en`` from a catalogue or dimension row, falling back to Chinese."""
    chosen = lang or current_lang()
    value = _get(row, f"{field}_{chosen}") or _get(row, f"{field}_zh")
    return str(value) if value is not None else ""


def code_label(kind: str, code: object, lang: Lang | None = None) -> str:
    """A readable name for a mart code; an unknown code shows itself so it is noticed."""
    if code is None or (isinstance(code, float) and code != code):
        return "—"
    text = str(code)
    names = CODE_LABELS.get(kind, {}).get(text)
    if names is None:
        return text
    return names[0] if (lang or current_lang()) == "zh" else names[1]


def month_label(year: int, month: int, lang: Lang | None = None) -> str:
    """Render a month the way each audience reads it (2026年10月 / Oct 2026)."""
    return t("month.format", lang, y=year, m=month, mon=_MONTHS_EN[month - 1])


def _get(row: object, name: str) -> object | None:
    """Get a field from a mapping or a pandas row without caring which it is."""
    getter = getattr(row, "get", None)
    value = getter(name) if callable(getter) else getattr(row, name, None)
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value
