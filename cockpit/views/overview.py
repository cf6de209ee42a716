"""Cockpit 1 · 总览 City overview: every headline indicator against its target.

Leaders pick a month, an area (whole city or one county) and a department; each tile shows
that slice's value, target, RAG status and monthly trend, with the definition one click away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from cockpit import data
from cockpit.components import (
    TileData,
    freshness_html,
    is_stale,
    render_tile,
    status_summary_html,
    tile_status,
)
from cockpit.i18n import Lang, current_lang, month_label, pick, t
from cockpit.widgets import coded_selectbox

COCKPIT_ID = "overview"
PERIOD_GRAIN = "month"
GRID_COLUMNS = 4
TREND_MONTHS = 24
KEY_PERIOD = "overview_period"
KEY_COUNTY = "overview_county"
KEY_DEPARTMENT = "overview_department"


@dataclass(frozen=True)
class Slice:
    """The filter choice: one period, one place, one department."""

    period: date
    geo_level: str
    geo_code: str
    department_code: str


def render() -> None:
    """Draw the overview page for the current language and filter choice."""
    lang = current_lang()
    _header(lang)
    periods = data.load_periods(PERIOD_GRAIN)
    categories = overview_categories(data.load_catalog())
    if categories.empty or not periods:
        st.info(t("empty.no_categories", lang))
        return
    chosen = _filters(periods, lang)
    values = data.load_latest_values(
        PERIOD_GRAIN, chosen.geo_level, chosen.geo_code, chosen.department_code, chosen.period
    )
    trends = data.load_trends(chosen.geo_code, chosen.department_code, PERIOD_GRAIN)
    tiles = build_tiles(categories, values, trends, chosen.period)
    _summary(tiles, lang)
    _grid(tiles, lang)


def overview_categories(catalog: pd.DataFrame) -> pd.DataFrame:
    """Categories tagged for this cockpit; the whole catalogue if none is tagged yet."""
    tagged = (
        catalog["cockpits"]
        .fillna("")
        .map(lambda ids: COCKPIT_ID in {part.strip() for part in str(ids).split(";")})
    )
    chosen = catalog[tagged] if tagged.any() else catalog
    return chosen.reset_index(drop=True)


def build_tiles(
    categories: pd.DataFrame, values: pd.DataFrame, trends: pd.DataFrame, period: date
) -> list[TileData]:
    """Join catalogue, current values and history into one record per tile, in display order."""
    current = {row["category_code"]: row for _, row in values.iterrows()}
    trends = trends.assign(period_start=pd.to_datetime(trends["period_start"]))
    until = pd.Timestamp(period)
    previous = until - pd.DateOffset(months=1)
    tiles = []
    for _, category in categories.iterrows():
        code = category["category_code"]
        history = trends[(trends["category_code"] == code) & (trends["period_start"] <= until)]
        before = history.loc[history["period_start"] == previous, "value"]
        tiles.append(
            TileData(
                category=category,
                current=current.get(code),
                previous_value=None if before.empty else before.iloc[-1],
                history=history.tail(TREND_MONTHS).reset_index(drop=True),
            )
        )
    return tiles


def _header(lang: Lang) -> None:
    """Title on the left, the freshness stamp on the right."""
    left, right = st.columns([3, 1.4], vertical_alignment="bottom")
    left.markdown(
        f'<div class="ck-title">{t("overview.title", lang)}</div>'
        f'<div class="ck-subtitle">{t("overview.subtitle", lang)}</div>',
        unsafe_allow_html=True,
    )
    info = data.build_info()
    fallback = data.snapshot_modified_at()
    right.markdown(freshness_html(info, fallback, lang), unsafe_allow_html=True)
    if is_stale(info, fallback):
        st.warning(t("stamp.stale", lang, n=2), icon=":material/schedule:")


def _filters(periods: list[date], lang: Lang) -> Slice:
    """Month, area and department pickers; options are codes so a language switch keeps them."""
    counties = data.load_geographies("county")
    departments = data.load_departments()
    county_names = {row["geo_code"]: pick(row, "name", lang) for _, row in counties.iterrows()}
    dept_names = {
        row["department_code"]: pick(row, "name", lang) for _, row in departments.iterrows()
    }
    period_col, county_col, dept_col = st.columns([1, 1, 1.4])
    period = coded_selectbox(
        period_col,
        t("filter.period", lang),
        periods,
        lambda d: month_label(d.year, d.month, lang),
        KEY_PERIOD,
        lang,
    )
    county = coded_selectbox(
        county_col,
        t("filter.county", lang),
        [data.CITY_CODE, *county_names],
        lambda code: county_names.get(code, t("filter.city_all", lang)),
        KEY_COUNTY,
        lang,
    )
    department = coded_selectbox(
        dept_col,
        t("filter.department", lang),
        [data.ALL_DEPARTMENTS, *dept_names],
        lambda code: dept_names.get(code, t("filter.dept_all", lang)),
        KEY_DEPARTMENT,
        lang,
    )
    level = "city" if county == data.CITY_CODE else "county"
    return Slice(period, level, county, department)


def _summary(tiles: list[TileData], lang: Lang) -> None:
    """RAG counts, then the critical indicators that are off target, named."""
    statuses = [tile_status(tile) for tile in tiles]
    st.markdown(status_summary_html(statuses, lang), unsafe_allow_html=True)
    off = [
        pick(tile.category, "name", lang)
        for tile, status in zip(tiles, statuses, strict=True)
        if status == "red" and bool(tile.category["is_critical"])
    ]
    if off:
        st.error(
            f"**{t('summary.critical_off', lang)}**：" + "、".join(off),
            icon=":material/priority_high:",
        )


def _grid(tiles: list[TileData], lang: Lang) -> None:
    """Tiles in rows of four, so a row reads as one line of the leader's report."""
    for start in range(0, len(tiles), GRID_COLUMNS):
        row = tiles[start : start + GRID_COLUMNS]
        for column, tile in zip(st.columns(GRID_COLUMNS), row, strict=False):
            with column:
                render_tile(tile, lang)
