"""Codes to names for charts and tables: places and departments from the dimensions, other
codes from ``i18n_codes``; the code itself when nothing is known, so nothing disappears.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import data
from cockpit.i18n import Lang, code_label

_DEPARTMENTS_SQL = """
select department_code, name_zh, name_en, domain_code from marts.dim_department
order by department_code
"""


def place_names(lang: Lang) -> dict[str, str]:
    """Every city, county and town code with its name in the language."""
    return data.on_current_snapshot(lambda snapshot: _names_on(snapshot, "place", lang))


def department_names(lang: Lang) -> dict[str, str]:
    """Every department code with its name (also the six 1+5 domain codes, which are the
    codes of the departments that lead them)."""
    if not data.has_columns("marts", "dim_department", ("department_code",)):
        return {}
    return data.on_current_snapshot(lambda snapshot: _names_on(snapshot, "department", lang))


@st.cache_data(max_entries=16, show_spinner=False)
def _names_on(snapshot: data.SnapshotId, kind: str, lang: Lang) -> dict[str, str]:
    """code → name of one kind, made once per file version and language: a page labels
    many columns of many tables, and remaking the mapping for each was ~8% of the entity
    profile's render (cProfile)."""
    if kind == "place":
        return _names(data.geographies_on(snapshot), "geo_code", lang)
    return _names(data.query_on(snapshot, _DEPARTMENTS_SQL), "department_code", lang)


def _names(frame: pd.DataFrame, code: str, lang: Lang) -> dict[str, str]:
    """code → name in the language, else in Chinese (``pick``'s rule, column-wise: labelling
    several columns per chart row by row was a tenth of a page's render, profiled)."""
    chosen = frame[f"name_{lang}"] if f"name_{lang}" in frame.columns else frame["name_zh"]
    names = chosen.where(chosen.notna() & (chosen.astype(str) != ""), frame["name_zh"])
    return {
        str(key): "" if value is None or value != value else str(value)
        for key, value in zip(frame[code], names, strict=True)
    }


def label_column(frame: pd.DataFrame, column: str, kind: str, lang: Lang) -> pd.Series:
    """Readable labels for one code column: ``place``, ``department`` or an i18n code kind."""
    if kind == "place":
        names = place_names(lang)
    elif kind == "department":
        names = department_names(lang)
    else:
        return frame[column].map(lambda code: code_label(kind, code, lang))
    return frame[column].map(lambda code: names.get(str(code), str(code) if code else "—"))


def labelled(frame: pd.DataFrame, columns: dict[str, str], lang: Lang) -> pd.DataFrame:
    """A copy with each listed code column replaced by its label (``{column: kind}``)."""
    result = frame.copy()
    for column, kind in columns.items():
        if column in result.columns:
            result[column] = label_column(result, column, kind, lang)
    return result
