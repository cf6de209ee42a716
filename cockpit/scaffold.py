"""The frame every cockpit page shares: header and freshness stamp, filters, the tile grid of
the page's catalogue categories with its export, then the page's own body and a drill-down.

A page is a :class:`CockpitSpec` plus an optional body function, so adding a catalogue row
tagged with a cockpit code adds a tile to that page with no code change, and the filter
choice (kept in session state under shared keys) follows the user from page to page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from cockpit import data, drilldown, sections
from cockpit.components import (
    TileData,
    freshness_html,
    is_stale,
    render_tile,
    status_summary_html,
    tile_status,
)
from cockpit.i18n import Lang, current_lang, month_label, pick, t
from cockpit.queries import FactQuery, Scope, month_start
from cockpit.queries.records import RecordSet
from cockpit.tiles import Slice, build_tiles, page_categories, tiles_frame
from cockpit.widgets import coded_selectbox

GRID_COLUMNS = 4
KEY_PERIOD = "flt_period"
KEY_COUNTY = "flt_county"
KEY_TOWN = "flt_town"
KEY_DEPARTMENT = "flt_department"
ALL_TOWNS = "*"
FILTER_ORDER = ("period", "county", "town", "department")
ALL_FILTERS = frozenset(FILTER_ORDER)


@dataclass(frozen=True)
class CockpitSpec:
    """What the scaffolding needs to know about one cockpit."""

    code: str  # the catalogue's cockpit code, also the URL path
    filters: frozenset[str] = ALL_FILTERS
    whole_catalog_if_untagged: bool = False  # the overview shows everything until tagged
    record_sets: tuple[RecordSet, ...] = field(default=())  # drill-downs beyond categories
    drilldown: bool = True  # False for pages about the platform itself, not about records
    # The body's queries on the page's scope, started in the background before the tiles
    # are drawn (data.prefetch); a test renders each page and compares.
    queries: tuple[FactQuery, ...] = field(default=())


@dataclass(frozen=True)
class PageContext:
    """What a page body receives: the language, the filter choice and the tiles shown."""

    spec: CockpitSpec
    lang: Lang
    scope: Scope
    slice: Slice
    categories: pd.DataFrame
    tiles: list[TileData]

    def tile(self, code: str) -> TileData | None:
        """The tile of one category on this page, if the catalogue tags it here."""
        return next((x for x in self.tiles if x.category["category_code"] == code), None)

    def target(self, code: str) -> float | None:
        """The target a tile is judged against (the slice's own, else the catalogue's)."""
        tile = self.tile(code)
        if tile is None:
            return None
        for source in (tile.current, tile.category):
            if source is not None and not pd.isna(source["target"]):
                return float(source["target"])
        return None


def run_page(spec: CockpitSpec, body: Callable[[PageContext], None] | None = None) -> None:
    """Draw one cockpit page for the current language and filter choice."""
    lang = current_lang()
    info = page_header(spec.code, lang)
    catalog = data.load_catalog()
    categories = page_categories(catalog, spec.code, spec.whole_catalog_if_untagged)
    periods = data.load_periods() or [month_start(info.data_as_of or date.today())]
    scope, chosen, area, department = _filters(spec, periods, lang, info.data_as_of)
    records = drilldown.record_sets(categories, spec.record_sets, lang) if spec.drilldown else []
    data.prefetch(_queries_below(spec, scope, records, lang))
    tiles = build_tiles(categories, chosen, lang)
    _tile_section(tiles, area, department, spec.code, lang)
    context = PageContext(spec, lang, scope, chosen, categories, tiles)
    if body is not None:
        body(context)
    if spec.drilldown:
        drilldown.render(records, scope, spec.code, lang)
    done_marker(spec.code, lang)


def _queries_below(
    spec: CockpitSpec, scope: Scope, records: list[RecordSet], lang: Lang
) -> list[tuple[str, data.Params]]:
    """The queries the page will ask for below its tiles, in the order it asks: its body's
    (those the snapshot can run), then the drill-down's listing."""
    queries = [(query.sql, scope.params()) for query in spec.queries if query.available()]
    listing = drilldown.planned(records, scope, spec.code, lang)  # None without record sets
    return [*queries, *([listing] if listing else [])]


def done_marker(code: str, lang: Lang) -> None:
    """An empty element written last, so a browser (or a screenshot job) can tell that this
    page in this language has finished drawing rather than guess with timeouts."""
    st.markdown(
        f'<div class="ck-done" data-page="{code}" data-lang="{lang}"></div>',
        unsafe_allow_html=True,
    )


def page_header(code: str, lang: Lang) -> data.BuildInfo:
    """Title and audience line on the left, the freshness stamp on the right."""
    left, right = st.columns([3, 1.4], vertical_alignment="bottom")
    left.markdown(
        f'<div class="ck-title">{t(f"{code}.title", lang)}</div>'
        f'<div class="ck-subtitle">{t(f"{code}.subtitle", lang)}</div>',
        unsafe_allow_html=True,
    )
    info = data.build_info()
    fallback = data.snapshot_modified_at()
    right.markdown(freshness_html(info, fallback, lang), unsafe_allow_html=True)
    if is_stale(info, fallback):
        st.warning(t("stamp.stale", lang, n=2), icon=":material/schedule:")
    return info


def _filters(
    spec: CockpitSpec, periods: list[date], lang: Lang, as_of: date | None
) -> tuple[Scope, Slice, str, str]:
    """Period, county, town and department pickers, as codes. Every page shows all four in
    the same place; one the page's data is not split by is greyed out and says so."""
    slots = dict(zip(FILTER_ORDER, st.columns(len(FILTER_ORDER)), strict=True))
    for name in FILTER_ORDER:
        if name not in spec.filters:
            _fixed_filter(slots[name], name, lang)
    columns = {name: column for name, column in slots.items() if name in spec.filters}
    period = periods[0]
    if "period" in columns:
        period = coded_selectbox(
            columns["period"],
            t("filter.period", lang),
            periods,
            lambda d: month_label(d.year, d.month, lang),
            KEY_PERIOD,
            lang,
        )
    county, county_name = _place_filter(columns.get("county"), "county", None, lang)
    town, town_name = (None, "")
    if county is not None:
        town, town_name = _place_filter(columns.get("town"), "town", county, lang)
    elif "town" in columns:
        _disabled_town(columns["town"], lang)
    department, department_name = _department_filter(columns.get("department"), lang)
    chain = [("city", data.CITY_CODE)]
    if county:
        chain.insert(0, ("county", county))
    if town:
        chain.insert(0, ("town", town))
    scope = Scope(period, county, town, department, as_of)
    chosen = Slice(period, tuple(chain), department or data.ALL_DEPARTMENTS)
    area = town_name or county_name or t("filter.city_all", lang)
    return scope, chosen, area, department_name or t("filter.dept_all", lang)


def _place_filter(
    column: object, level: str, parent: str | None, lang: Lang
) -> tuple[str | None, str]:
    """A county (or town-of-county) picker; returns (code or None for all, display name)."""
    if column is None:
        return None, ""
    places = data.load_geographies(level)
    if parent is not None:
        places = places[places["parent_code"] == parent]
    names = {row["geo_code"]: pick(row, "name", lang) for _, row in places.iterrows()}
    everything = data.CITY_CODE if level == "county" else ALL_TOWNS
    all_label = t("filter.city_all" if level == "county" else "filter.town_all", lang)
    key = KEY_COUNTY if level == "county" else KEY_TOWN
    choice = coded_selectbox(
        column,
        t(f"filter.{level}", lang),
        [everything, *names],
        lambda code: names.get(code, all_label),
        key,
        lang,
    )
    return (None, "") if choice == everything else (choice, names[choice])


FIXED_LABELS = {
    "period": "filter.period_latest",
    "county": "filter.city_all",
    "town": "filter.town_all",
    "department": "filter.dept_all",
}


def _fixed_filter(column: object, name: str, lang: Lang) -> None:
    """A filter this page's data is not split by: greyed out, with the reason on hover."""
    column.selectbox(  # type: ignore[attr-defined]
        t(f"filter.{name}", lang),
        [t(FIXED_LABELS[name], lang)],
        disabled=True,
        help=t("filter.not_here", lang),
        key=f"filter_{name}__fixed__{lang}",
    )


def _disabled_town(column: object, lang: Lang) -> None:
    """With the whole city chosen there is no town to pick; show the box greyed out."""
    column.selectbox(  # type: ignore[attr-defined]
        t("filter.town", lang),
        [t("filter.town_all", lang)],
        disabled=True,
        key=f"{KEY_TOWN}__off__{lang}",
    )


def _department_filter(column: object, lang: Lang) -> tuple[str | None, str]:
    if column is None:
        return None, ""
    departments = data.load_departments()
    names = {row["department_code"]: pick(row, "name", lang) for _, row in departments.iterrows()}
    choice = coded_selectbox(
        column,
        t("filter.department", lang),
        [data.ALL_DEPARTMENTS, *names],
        lambda code: names.get(code, t("filter.dept_all", lang)),
        KEY_DEPARTMENT,
        lang,
    )
    return (None, "") if choice == data.ALL_DEPARTMENTS else (choice, names[choice])


def _tile_section(tiles: list[TileData], area: str, department: str, code: str, lang: Lang) -> None:
    """RAG counts, critical indicators off target, the grid of tiles and its export."""
    if not tiles:
        st.caption(t("tiles.none", lang))
        return
    statuses = [tile_status(tile) for tile in tiles]
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.markdown(status_summary_html(statuses, lang), unsafe_allow_html=True)
    with right:
        export = partial(tiles_frame, tiles, area, department, lang)
        sections.export_button(export, f"{code}_tiles", lang)
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
    for start in range(0, len(tiles), GRID_COLUMNS):
        row = tiles[start : start + GRID_COLUMNS]
        for column, tile in zip(st.columns(GRID_COLUMNS), row, strict=False):
            with column:
                render_tile(tile, lang)
