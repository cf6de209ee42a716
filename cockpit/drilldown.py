"""The last step of city → county → town → record: the rows behind a tile, in the page's slice.

Choices are the page's categories whose fact model is in the snapshot, plus any record sets
the page adds; a category with a plain numerator filter can be narrowed to the records it
counts. Personal columns are dropped before the rows reach the page or the CSV.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cockpit import sections
from cockpit.i18n import Lang, pick, t
from cockpit.names import labelled
from cockpit.queries import Scope
from cockpit.queries.records import (
    ROW_LIMIT,
    RecordSet,
    from_category,
    generated_rows_sql,
    load_records,
    records_query,
    usable,
)
from cockpit.widgets import coded_choice, coded_selectbox

KEY_RECORDS = "drill_records"
KEY_NUMERATOR = "drill_numerator"
CODE_COLUMNS = {
    "department_code": "department",
    "routed_department_code": "department",
    "approving_department_code": "department",
    "county_code": "place",
    "town_code": "place",
}


def record_sets(
    categories: pd.DataFrame, extra: tuple[RecordSet, ...], lang: Lang
) -> list[RecordSet]:
    """Usable record sets: one per category (by code), then the page's own, de-duplicated."""
    found: dict[str, RecordSet] = {}
    for _, category in categories.iterrows():
        candidate = from_category(category, pick(category, "name", lang))
        if usable(candidate):
            found.setdefault(candidate.key, candidate)
    for candidate in extra:
        localised = RecordSet(
            candidate.key,
            candidate.table,
            candidate.date_column,
            t(candidate.label, lang),
            candidate.terms,
            candidate.by_department,
        )
        if usable(localised):
            found.setdefault(localised.key, localised)
    return list(found.values())


def planned(
    options: list[RecordSet], scope: Scope, page: str, lang: Lang
) -> tuple[str, dict[str, object]] | None:
    """The records query :func:`render` will run for the choice the session holds now, so
    the page can start it before drawing its tiles (a wrong guess costs one unread query,
    not a wrong row)."""
    if not options:
        return None
    by_key = {option.key: option for option in options}
    key = coded_choice(list(by_key), _records_key(page), lang)
    chosen = by_key[key]
    numerator_only = _offers_numerator(chosen) and bool(
        st.session_state.get(_numerator_key(page, key), False)
    )
    return records_query(chosen, scope, numerator_only)


def _records_key(page: str) -> str:
    return f"{KEY_RECORDS}_{page}"


def _numerator_key(page: str, record_set: str) -> str:
    return f"{KEY_NUMERATOR}_{page}_{record_set}"


def _offers_numerator(chosen: RecordSet) -> bool:
    return bool(chosen.terms) or generated_rows_sql(chosen.key) is not None


def render(options: list[RecordSet], scope: Scope, page: str, lang: Lang) -> None:
    """Pick one of the record sets (see :func:`record_sets`), optionally only the numerator's
    records, and list the latest rows."""
    sections.heading(t("drill.title", lang))
    if not options:
        st.caption(t("drill.none", lang))
        return
    by_key = {option.key: option for option in options}
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    key = coded_selectbox(
        left,
        t("drill.choose", lang),
        list(by_key),
        lambda code: by_key[code].label,
        _records_key(page),
        lang,
    )
    chosen = by_key[key]
    numerator_only = False
    if _offers_numerator(chosen):
        numerator_only = right.toggle(
            t("drill.numerator", lang), key=_numerator_key(page, key)
        )
    frame = labelled(load_records(chosen, scope, numerator_only), CODE_COLUMNS, lang)
    st.caption(t("drill.caption", lang, n=ROW_LIMIT))
    sections.table(chosen.label, frame, f"{page}_records_{key}", lang, height=420)
