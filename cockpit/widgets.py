"""Filter widgets whose choice survives a language switch.

Streamlit identifies a selectbox's value by its *displayed* label. When the language changes,
"全市" becomes "Whole city", the browser still holds "全市", and the widget either shows the
stale label or returns that label as if it were a code. So each language gets its own widget
(``<key>__zh`` / ``<key>__en``) and the chosen *code* is remembered under ``<key>`` and
passed back as the new widget's starting index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from cockpit.i18n import Lang

T = TypeVar("T")


def widget_key(key: str, lang: Lang) -> str:
    """The per-language widget key (tests use it to find the widget)."""
    return f"{key}__{lang}"


def coded_selectbox(
    container: Any,
    label: str,
    options: Sequence[T],
    format_func: Callable[[T], str],
    key: str,
    lang: Lang,
) -> T:
    """A selectbox over codes that keeps the chosen code when the labels change language."""
    remembered = st.session_state.get(key)
    index = list(options).index(remembered) if remembered in options else 0
    choice = container.selectbox(
        label, options, index=index, format_func=format_func, key=widget_key(key, lang)
    )
    if choice not in options:  # never trust a stale label coming back from the browser
        choice = options[index]
    st.session_state[key] = choice
    return choice


def coded_choice(options: Sequence[T], key: str, lang: Lang) -> T:
    """The code :func:`coded_selectbox` will return on this run, known before it is drawn
    (a page may start the query it feeds early): the widget's own state when it holds an
    option (a choice changed on this very rerun), else the remembered code, else the first."""
    for held in (st.session_state.get(widget_key(key, lang)), st.session_state.get(key)):
        if held in options:
            return held
    return options[0]
