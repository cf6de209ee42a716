"""Cockpit 1 · 总览 City overview: every headline indicator against its target.

Leaders pick a month, an area and a department; the tiles show that slice. Below them, the
league table and the map rank the places one level down (counties of the city, towns of a
county) by their mean score against target, and the best and worst indicators of the slice
are named, so "who lags, on what, where" is answered without opening another page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import charts, data, geo, sections
from cockpit.components import TileData
from cockpit.formatting import format_score, is_missing
from cockpit.i18n import Lang, pick, register, t
from cockpit.scaffold import KEY_COUNTY, CockpitSpec, PageContext, run_page
from cockpit.tiles import page_categories

COCKPIT_ID = "overview"
SPEC = CockpitSpec(COCKPIT_ID, whole_catalog_if_untagged=True)
TOP_N = 5
__all__ = ["KEY_COUNTY", "SPEC", "overview_categories", "render"]

TEXT = {
    "overview.league": (
        "区域排名：平均得分（实际 ÷ 目标）",
        "League: mean score (actual ÷ target)",
    ),
    "overview.league_towns": ("乡镇街道排名：平均得分", "Towns: mean score"),
    "overview.map": ("地图：各区域平均得分", "Map: mean score by area"),
    "overview.map_note": (
        "颜色：平均得分 ≥ 1 绿，≥ 0.8 黄，其余红；县界仅作示意。",
        "Colour: mean score ≥ 1 green, ≥ 0.8 amber, else red; outlines for orientation only.",
    ),
    "overview.best": ("表现最好的指标", "Best-performing indicators"),
    "overview.worst": ("最需关注的指标", "Indicators needing attention"),
    "overview.mean_score": ("平均得分", "Mean score"),
    "overview.scored": ("参与评分指标数", "Indicators scored"),
    "overview.no_scores": (
        "所选期间没有设定目标的指标值。",
        "No indicator with a target has a value.",
    ),
}
register(TEXT)


def overview_categories(catalog: pd.DataFrame) -> pd.DataFrame:
    """Categories tagged for the overview; the whole catalogue if none is tagged yet."""
    return page_categories(catalog, COCKPIT_ID, whole_if_untagged=True)


def render() -> None:
    """Draw the overview page."""
    run_page(SPEC, _body)


def _body(ctx: PageContext) -> None:
    lang = ctx.lang
    frame = league_frame(ctx)
    left, right = st.columns([3, 2])
    with left:
        _league(ctx, frame)
    with right:
        _best_and_worst(ctx.tiles, lang)
    _map(ctx, frame)


def league_frame(ctx: PageContext) -> pd.DataFrame:
    """Mean score and RAG counts per place one level below the chosen area."""
    if ctx.scope.town:
        return pd.DataFrame()
    level, parent = ("town", ctx.scope.county) if ctx.scope.county else ("county", None)
    categories = ctx.categories
    by_department = categories.loc[
        categories["slice_by_department"].fillna(False).astype(bool), "category_code"
    ].tolist()
    values = data.load_league(ctx.slice.period, level, parent, ctx.slice.department, by_department)
    values = values[values["category_code"].isin(categories["category_code"])]
    scored = values.dropna(subset=["score"])
    if scored.empty:
        return pd.DataFrame()
    places = data.load_geographies(level).set_index("geo_code")
    grouped = scored.groupby("geo_code")
    frame = pd.DataFrame(
        {
            "geo_code": grouped.size().index,
            "score": grouped["score"].mean().to_numpy(),
            "scored": grouped.size().to_numpy(),
            "green": grouped["status"].apply(lambda s: int((s == "green").sum())).to_numpy(),
            "amber": grouped["status"].apply(lambda s: int((s == "amber").sum())).to_numpy(),
            "red": grouped["status"].apply(lambda s: int((s == "red").sum())).to_numpy(),
        }
    )
    frame["area"] = [pick(places.loc[code], "name", ctx.lang) for code in frame["geo_code"]]
    return frame.sort_values("score", ascending=False).reset_index(drop=True)


def _league(ctx: PageContext, frame: pd.DataFrame) -> None:
    lang = ctx.lang
    title = t("overview.league_towns" if ctx.scope.county else "overview.league", lang)
    if frame.empty:
        sections.heading(title)
        st.caption(t("overview.no_scores", lang))
        return
    shown = pd.DataFrame(
        {
            t("col.area", lang): frame["area"],
            t("overview.mean_score", lang): frame["score"].round(2),
            t("status.green", lang): frame["green"],
            t("status.amber", lang): frame["amber"],
            t("status.red", lang): frame["red"],
            t("overview.scored", lang): frame["scored"],
        }
    )
    fig = charts.bar(shown, t("col.area", lang), t("overview.mean_score", lang), horizontal=True)
    fig.add_vline(x=1.0, line={"dash": "dash", "color": "#5F6B7A"})
    fig.update_layout(height=max(240, 28 * len(frame) + 60))
    sections.heading(title)
    sections.chart("", fig, shown, "overview_league", lang)
    st.dataframe(shown, hide_index=True)


def _map(ctx: PageContext, frame: pd.DataFrame) -> None:
    """The league's places on the map, each in its mean score's colour."""
    if frame.empty:
        return
    lang = ctx.lang
    positions = geo.place_positions("town" if ctx.scope.county else "county")
    counties = data.load_geographies("county").set_index("geo_code")
    names = {str(code): pick(row, "name", lang) for code, row in counties.iterrows()}
    scores = frame.rename(columns={"area": "label"})[["geo_code", "score", "label"]]
    shown = pd.DataFrame(
        {t("col.area", lang): frame["area"], t("overview.mean_score", lang): frame["score"]}
    )
    sections.chart(
        t("overview.map", lang), geo.score_map(scores, positions, names), shown,
        "overview_map", lang,
    )
    st.caption(t("overview.map_note", lang))


Ranked = list[tuple[str, float]]


def best_and_worst(tiles: list[TileData], lang: Lang) -> tuple[Ranked, Ranked]:
    """(name, score) of the best indicators on target and the worst off target, up to five."""
    rows = [
        (pick(tile.category, "name", lang), float(tile.current["score"]))
        for tile in tiles
        if tile.current is not None and not is_missing(tile.current["score"])
    ]
    ranked = sorted(rows, key=lambda row: row[1], reverse=True)
    best = [row for row in ranked if row[1] >= 1][:TOP_N]
    worst = [row for row in reversed(ranked) if row[1] < 1][:TOP_N]
    return best, worst


def _best_and_worst(tiles: list[TileData], lang: Lang) -> None:
    """Indicators of the slice ranked by score: the best on target, the worst off it."""
    best, worst = best_and_worst(tiles, lang)
    for key, chosen in (("overview.best", best), ("overview.worst", worst)):
        sections.heading(t(key, lang))
        frame = pd.DataFrame(
            {
                t("col.category", lang): [name for name, _ in chosen],
                t("col.score", lang): [format_score(score) for _, score in chosen],
            }
        )
        sections.table("", frame, key.replace(".", "_"), lang)
