"""Reusable cockpit widgets: indicator tile (its sparkline: ``sparkline``), definition popover,
stamps.

Every page builds on these so a tile means the same thing on all 16 cockpits: one catalogue
row, one slice's value, its target and status, and its definition one click away.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import streamlit as st

from cockpit import theme
from cockpit.data import BuildInfo
from cockpit.formatting import (
    format_change,
    format_delta,
    format_number,
    format_score,
    format_target,
    format_value,
    is_missing,
)
from cockpit.i18n import Lang, pick, t
from cockpit.sparkline import Trend, sparkline_html

CHINA_TZ = timezone(timedelta(hours=8), "CST")  # China has no DST; no tz database needed
STALE_AFTER_DAYS = 2
_DELTA_COLOURS = {"higher": "normal", "lower": "inverse"}


@dataclass(frozen=True)
class TileData:
    """What one tile shows: the catalogue row, this period's value row and its history."""

    category: pd.Series
    current: Mapping[str, Any] | None  # the slice's value row: value, target, score, status
    previous_value: float | None
    history: Trend  # monthly values and targets, oldest first, already windowed
    prior_year_value: float | None = None  # same month a year earlier
    scope_note: str | None = None  # set when the figure is read at a wider slice than chosen


def unit_of(category: pd.Series, lang: Lang) -> str:
    """The unit in the chosen language ('%' for ratios whatever the catalogue says)."""
    return "%" if category["measure"] == "ratio" else pick(category, "unit", lang)


def render_tile(tile: TileData, lang: Lang) -> None:
    """One indicator tile: status, code label (a stable test hook), metric, target, trend."""
    category = tile.category
    code = str(category["category_code"])
    measure = str(category["measure"])
    unit = unit_of(category, lang)
    status = tile_status(tile)
    value = None if tile.current is None else tile.current["value"]
    target = _target_of(tile.current, category)
    with st.container(border=True, key=theme.tile_key(status, code)):
        st.markdown(
            _tile_head_html(code, status, bool(category["is_critical"]), lang),
            unsafe_allow_html=True,
        )
        st.metric(
            label=pick(category, "name", lang),
            value=format_value(value, measure, unit),
            delta=format_delta(value, tile.previous_value, measure, lang),
            delta_color=_DELTA_COLOURS.get(str(category["direction"]), "off"),  # type: ignore[arg-type]
        )
        st.markdown(
            _tile_sub_html(tile, target, unit, lang)
            + sparkline_html(tile.history, measure, unit, lang),
            unsafe_allow_html=True,
        )
        definition_popover(category, lang)


def tile_status(tile: TileData) -> str:
    """The slice's RAG status; no row or a NULL status counts as 'none' (grey)."""
    if tile.current is None or is_missing(tile.current["status"]):
        return "none"
    return str(tile.current["status"])


def _target_of(current: Mapping[str, Any] | None, category: pd.Series) -> object:
    """The slice's own target when the pipeline scaled it, else the catalogue's."""
    if current is not None and not is_missing(current["target"]):
        return current["target"]
    return category["target"]


def _tile_head_html(code: str, status: str, critical: bool, lang: Lang) -> str:
    pill = (
        f'<span class="ck-pill" style="background:{theme.status_colour(status)}">'
        f"{html.escape(t('status.' + status, lang))}</span>"
    )
    flag = f'<span class="ck-critical">{t("tile.critical", lang)}</span>' if critical else ""
    return (
        f'<div class="ck-tile-head"><span>{pill}{flag}</span>'
        f'<span class="ck-code">{html.escape(code)}</span></div>'
    )


def _tile_sub_html(tile: TileData, target: object, unit: str, lang: Lang) -> str:
    category = tile.category
    measure, direction = str(category["measure"]), str(category["direction"])
    parts = [format_target(target, measure, unit, direction, lang)]
    if tile.current is None or is_missing(tile.current["value"]):
        parts.append(t("tile.no_data", lang))
    else:
        if not is_missing(tile.current["score"]):
            parts.append(f"{t('tile.score', lang)} {format_score(tile.current['score'])}")
        yoy = format_change(tile.current["value"], tile.prior_year_value, measure, lang)
        if yoy:
            parts.append(f"{t('tile.yoy', lang)} {yoy}")
    note = (
        f'<br><span class="ck-scope">{html.escape(tile.scope_note)}</span>'
        if tile.scope_note
        else ""
    )
    return f'<p class="ck-sub">{html.escape(" · ".join(parts))}{note}</p>'


def definition_popover(category: pd.Series, lang: Lang) -> None:
    """The indicator's definition one click away from the tile."""
    # one markdown, not one per paragraph: a page draws a popover per tile, and each element
    # costs the page's script a little (the popovers were 5-10% of a render under cProfile)
    body = "\n\n".join(
        [
            f"**{pick(category, 'name', lang)}**",
            pick(category, "definition", lang) or "—",
            "\n".join(_definition_lines(category, lang)),
        ]
    )
    with st.popover(t("tile.definition", lang), icon=":material/info:", type="tertiary"):
        st.markdown(body)
        st.caption(t("def.score_rule", lang))


def _definition_lines(category: pd.Series, lang: Lang) -> list[str]:
    measure = str(category["measure"])
    unit = unit_of(category, lang)
    rows = [
        ("def.code", f"`{category['category_code']}`"),
        ("def.measure", t(f"measure.{measure}", lang)),
        ("def.direction", t(f"direction.{category['direction']}", lang)),
        (
            "def.target",
            format_value(category["target"], measure, unit)
            if not is_missing(category["target"])
            else t("tile.no_target", lang),
        ),
        ("def.amber", format_number(category["amber_score"], "mean")),
        ("def.target_source", _text(category.get("target_source"))),
        ("def.owner", _text(category.get("owner_department"))),
        ("def.source_system", _text(category.get("source_system"))),
    ]
    return [f"- **{t(key, lang)}**：{value}" for key, value in rows]


def _text(value: object) -> str:
    return "—" if is_missing(value) or value == "" else str(value)


def freshness_html(info: BuildInfo, fallback_published: datetime, lang: Lang) -> str:
    """'Data as of' and how old the snapshot is, right-aligned under the title."""
    published = info.published_at or fallback_published
    local = published.astimezone(CHINA_TZ)
    as_of = info.data_as_of.isoformat() if info.data_as_of else "—"
    age = age_text(datetime.now(UTC) - published, lang)
    return (
        f'<div class="ck-stamp">{t("stamp.data_as_of", lang)} <b>{as_of}</b><br>'
        f"{t('stamp.published', lang)} {local:%Y-%m-%d %H:%M} (UTC+8, {age})</div>"
    )


def is_stale(info: BuildInfo, fallback_published: datetime) -> bool:
    """A leader must know when numbers are old; more than two days is worth a banner."""
    published = info.published_at or fallback_published
    return datetime.now(UTC) - published > timedelta(days=STALE_AFTER_DAYS)


def age_text(age: timedelta, lang: Lang) -> str:
    """Human age of the snapshot: minutes, hours, then days."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return t("stamp.just_now", lang)
    if minutes < 60:
        return t("stamp.age_minutes", lang, n=minutes)
    if minutes < 48 * 60:
        return t("stamp.age_hours", lang, n=minutes // 60)
    return t("stamp.age_days", lang, n=minutes // (24 * 60))


def status_summary_html(statuses: list[str], lang: Lang) -> str:
    """Counts per RAG status, the first thing a leader scans."""
    chips = []
    for status in ("green", "amber", "red", "none"):
        count = sum(1 for s in statuses if s == status)
        chips.append(
            f'<span class="ck-chip"><span class="ck-dot" '
            f'style="background:{theme.status_colour(status)}"></span>'
            f"{t('status.' + status, lang)} <b>{count}</b></span>"
        )
    return f'<div class="ck-summary">{"".join(chips)}</div>'
