"""Building blocks of a page body: headings, charts and tables with their CSV export,
and the short note shown instead of a chart whose mart has not arrived yet.

Every chart and table goes through here so every page exports exactly what it shows and
degrades the same way.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cockpit.i18n import STRINGS, Lang, t
from cockpit.queries import SCHEMA, FactQuery

CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def heading(text: str) -> None:
    """A section heading in the page's style."""
    st.markdown(f'<div class="ck-section">{html.escape(text)}</div>', unsafe_allow_html=True)


def unavailable(what: str, lang: Lang) -> None:
    """The short note a page shows where a mart or category has not arrived yet."""
    st.info(t("unavailable", lang, what=what), icon=":material/hourglass_empty:")


def ready(*queries: FactQuery, lang: Lang) -> bool:
    """True when every query's mart is in the snapshot; otherwise say which is missing."""
    missing = [q.table for q in queries if not q.available()]
    if missing:
        names = "、".join(f"{SCHEMA}.{name}" for name in dict.fromkeys(missing))
        unavailable(names, lang)
    return not missing


def csv_bytes(frame: pd.DataFrame | Callable[[], pd.DataFrame]) -> bytes:
    """A frame (or what makes it) as UTF-8 CSV with a BOM, so Excel opens Chinese correctly."""
    made = frame() if callable(frame) else frame
    return made.to_csv(index=False).encode("utf-8-sig")


def export_button(
    frame: pd.DataFrame | Callable[[], pd.DataFrame], key: str, lang: Lang
) -> None:
    """Download what is shown as CSV. The file is made when the button is clicked, not
    while the page draws: every chart and table has one, and writing them all up front was
    ~3% of the pages' render time (py-spy), for files seldom fetched. A frame drawn from
    nothing else on the page (the tiles' export) may be passed as the function that makes
    it, and is then made on the click too."""
    st.download_button(
        t("export.csv", lang),
        partial(csv_bytes, frame),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"export_{key}",
        icon=":material/download:",
        type="tertiary",
    )


def _title(text: str) -> None:
    if text:
        st.markdown(f'<p class="ck-chart-title">{html.escape(text)}</p>', unsafe_allow_html=True)


def chart(title: str, fig: go.Figure, frame: pd.DataFrame, key: str, lang: Lang) -> None:
    """A titled chart with the export of the frame it was drawn from."""
    _title(title)
    if frame.empty:
        st.caption(t("no_records", lang))
        return
    st.plotly_chart(fig, key=f"chart_{key}", config=CHART_CONFIG)
    export_button(frame, key, lang)


def with_headers(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Readable headers for mart columns that have one (``field.<column>``); a header that
    would repeat another keeps the column's own name, since Arrow refuses duplicates."""
    renamed: dict[str, str] = {}
    taken = {str(c) for c in frame.columns if f"field.{c}" not in STRINGS}
    for column in frame.columns:
        if f"field.{column}" in STRINGS:
            header = t(f"field.{column}", lang)
            renamed[column] = header if header not in taken else str(column)
            taken.add(renamed[column])
    return frame.rename(columns=renamed)


def tidy_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Show DATE columns as days: DuckDB hands them to pandas as midnight timestamps."""
    result = frame.copy()
    for column in result.columns:
        values = result[column]
        dated = pd.api.types.is_datetime64_any_dtype(values) and values.dt.tz is None
        if dated and _all_midnight(values):
            result[column] = values.dt.date
    return result


def _all_midnight(values: pd.Series) -> bool:
    """Whether every present timestamp is a midnight, checked on the array (the pandas
    dropna-normalize-compare took ~0.4 ms a column; a profile draws ten tables)."""
    stamps = values.to_numpy(dtype="datetime64[ns]")
    present = stamps[~np.isnat(stamps)]
    return bool((present == present.astype("datetime64[D]")).all())


def table(title: str, frame: pd.DataFrame, key: str, lang: Lang, height: int = 320) -> None:
    """A titled table with readable headers and its export."""
    _title(title)
    frame = with_headers(tidy_dates(frame), lang)
    if frame.empty:
        st.caption(t("no_records", lang))
        return
    st.dataframe(frame, hide_index=True, height=min(height, 38 + 35 * len(frame)))
    export_button(frame, key, lang)


def stats(pairs: list[tuple[str, str]]) -> None:
    """A row of small computed figures (not tiles: they have no catalogue definition)."""
    chips = "".join(
        f'<span class="ck-chip">{html.escape(label)} <b>{html.escape(value)}</b></span>'
        for label, value in pairs
    )
    st.markdown(f'<div class="ck-summary">{chips}</div>', unsafe_allow_html=True)
