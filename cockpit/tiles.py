"""From catalogue rows and ``indicators.values`` to tiles, with one rule for wider slices.

A leader who picks a town still wants to see the team count, which exists only per county,
and one who picks a department still wants the hotline figure, which is not kept per
department. Rather than show an empty tile, a tile reads the nearest wider slice the category
is computed at (town → county → city; a department → all departments) and says so on the
tile. The rule lives here once, and the tests read ``indicators.values`` with the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from cockpit import data
from cockpit.components import TileData
from cockpit.i18n import Lang, pick, t
from cockpit.queries import add_months
from cockpit.sparkline import Trend

TREND_MONTHS = 24


@dataclass(frozen=True)
class Slice:
    """The chosen period, place chain (chosen place first, city last) and department."""

    period: date
    chain: tuple[tuple[str, str], ...]  # (geo_level, geo_code), e.g. town, county, city
    department: str = data.ALL_DEPARTMENTS

    @property
    def geo_level(self) -> str:
        return self.chain[0][0]

    @property
    def geo_code(self) -> str:
        return self.chain[0][1]


def cockpit_codes(value: object) -> set[str]:
    """The cockpit codes of one catalogue row's ';'-separated ``cockpits`` cell."""
    return {part.strip() for part in str(value or "").split(";") if part.strip()}


def page_categories(catalog: pd.DataFrame, code: str, whole_if_untagged: bool) -> pd.DataFrame:
    """Categories tagged for this cockpit, in display order (optionally all when none are)."""
    if "cockpits" not in catalog.columns:
        tagged = pd.Series(False, index=catalog.index)
    else:
        tagged = catalog["cockpits"].map(lambda ids: code in cockpit_codes(ids))
    if not tagged.any():
        return catalog.reset_index(drop=True) if whole_if_untagged else catalog.head(0)
    return catalog[tagged].reset_index(drop=True)


def resolve(
    category: pd.Series, levels: dict[str, set[str]], chosen: Slice
) -> tuple[str, str, str]:
    """(geo_level, geo_code, department_code) the category's tile is read at."""
    computed = levels.get(str(category["category_code"]), set())
    level, geo = next(
        ((lvl, code) for lvl, code in chosen.chain if lvl in computed), chosen.chain[0]
    )
    by_department = bool(category.get("slice_by_department"))
    department = chosen.department if by_department else data.ALL_DEPARTMENTS
    return level, geo, department


def scope_note(level: str, department: str, chosen: Slice, lang: Lang) -> str | None:
    """Words saying the tile is read wider than the chosen slice (None when it is not)."""
    notes = []
    if level != chosen.geo_level:
        notes.append(t("tile.scope_city" if level == "city" else "tile.scope_county", lang))
    if department != chosen.department:
        notes.append(t("tile.scope_all_depts", lang))
    return " · ".join(notes) or None


def category_levels() -> dict[str, set[str]]:
    """Levels each category is computed at, from the values themselves."""
    frame = data.load_category_levels()
    levels: dict[str, set[str]] = {}
    for code, level in zip(frame["category_code"], frame["geo_level"], strict=True):
        levels.setdefault(str(code), set()).add(str(level))
    return levels


SliceKey = tuple[str, str, str]  # (category_code, geo_code, department_code)


def build_tiles(categories: pd.DataFrame, chosen: Slice, lang: Lang) -> list[TileData]:
    """One tile per category in display order, each read at its resolved slice."""
    if categories.empty:
        return []
    geos = [code for _, code in chosen.chain]
    departments = list(dict.fromkeys([chosen.department, data.ALL_DEPARTMENTS]))
    values = _rows_by_slice(data.load_slice_values(chosen.period, geos, departments))
    codes = [str(code) for code in categories["category_code"]]
    since = add_months(chosen.period, 1 - TREND_MONTHS)
    histories = _trends_by_slice(
        data.load_slice_trends(chosen.period, since, codes, geos, departments)
    )
    levels = category_levels()
    return [
        _tile(category, values, histories, levels, chosen, lang)
        for _, category in categories.iterrows()
    ]


_KEY = ["category_code", "geo_code", "department_code"]


def _keys(frame: pd.DataFrame) -> list[SliceKey]:
    return [
        (str(code), str(geo), str(department))
        for code, geo, department in zip(*(frame[column] for column in _KEY), strict=True)
    ]


def _rows_by_slice(frame: pd.DataFrame) -> dict[SliceKey, dict[str, Any]]:
    """Each slice's value row (the first), split once: a tile looks its row up instead of
    masking the whole frame, and reads a plain dict instead of a pandas row (pandas
    indexing per tile was a fifth of a page's render, profiled)."""
    found: dict[SliceKey, dict[str, Any]] = {}
    for key, row in zip(_keys(frame), frame.to_dict("records"), strict=True):
        found.setdefault(key, row)
    return found


def _trends_by_slice(frame: pd.DataFrame) -> dict[SliceKey, Trend]:
    """Each slice's monthly history (the query returns it oldest first), as plain tuples."""
    # datetime64[D] converts to datetime.date in C; per-Timestamp .date() was a tenth of a page
    periods = pd.to_datetime(frame["period_start"]).to_numpy().astype("datetime64[D]").tolist()
    collected: dict[SliceKey, tuple[list[date], list[float | None], list[float | None]]] = {}
    for key, period, value, target in zip(
        _keys(frame), periods, frame["value"].tolist(), frame["target"].tolist(), strict=True
    ):
        months, values, targets = collected.setdefault(key, ([], [], []))
        months.append(period)
        values.append(value)
        targets.append(target)
    return {key: Trend(tuple(m), tuple(v), tuple(g)) for key, (m, v, g) in collected.items()}


def _tile(
    category: pd.Series,
    values: dict[SliceKey, dict[str, Any]],
    histories: dict[SliceKey, Trend],
    levels: dict[str, set[str]],
    chosen: Slice,
    lang: Lang,
) -> TileData:
    code = str(category["category_code"])
    level, geo, department = resolve(category, levels, chosen)
    history = histories.get((code, geo, department), Trend())
    return TileData(
        category=category,
        current=values.get((code, geo, department)),
        previous_value=history.value_at(add_months(chosen.period, -1)),
        history=history.tail(TREND_MONTHS),
        prior_year_value=history.value_at(add_months(chosen.period, -12)),
        scope_note=scope_note(level, department, chosen, lang),
    )


def tiles_frame(tiles: list[TileData], area: str, department: str, lang: Lang) -> pd.DataFrame:
    """The tile grid as a table, for the CSV export of what the page shows."""
    rows = []
    for tile in tiles:
        current = tile.current
        rows.append(
            {
                t("col.code", lang): tile.category["category_code"],
                t("col.category", lang): pick(tile.category, "name", lang),
                t("col.period", lang): None if current is None else current["period_start"],
                t("col.area", lang): area,
                t("col.department", lang): department,
                t("col.value", lang): None if current is None else current["value"],
                t("col.target", lang): None if current is None else current["target"],
                t("col.score", lang): None if current is None else current["score"],
                t("col.status", lang): None if current is None else current["status"],
                t("col.scope", lang): tile.scope_note or "",
            }
        )
    return pd.DataFrame(rows)
