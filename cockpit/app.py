"""Cockpit entry point: ``streamlit run cockpit/app.py``.

It owns only what every page shares: page config, the look, the language toggle, the
navigation, and the friendly message when there is no snapshot to read. Pages live in
``cockpit/views/`` and are registered in ``cockpit.views.PAGES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run cockpit/app.py` puts cockpit/ on sys.path, not the repository root that
# holds the `cockpit` and `sources` packages.
_REPO_ROOT = Path(__file__).resolve().parent.parent
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

import streamlit as st  # noqa: E402
from streamlit.navigation.page import StreamlitPage  # noqa: E402

from cockpit import data, theme  # noqa: E402
from cockpit.i18n import LANG_LABELS, LANGS, SESSION_KEY, Lang, current_lang, t  # noqa: E402
from cockpit.views import PAGES  # noqa: E402


def _language_toggle() -> Lang:
    """Sidebar switch between Chinese (default) and English, kept in session state.

    A link may carry ``?lang=en`` so an English reader can be sent straight to a page; it only
    seeds the session's first run, after which the toggle decides.
    """
    requested = st.query_params.get(SESSION_KEY)
    st.session_state.setdefault(SESSION_KEY, requested if requested in LANGS else "zh")
    st.sidebar.radio(
        t("app.language"),
        LANGS,
        key=SESSION_KEY,
        horizontal=True,
        format_func=lambda code: LANG_LABELS[code],
    )
    return current_lang()


def _navigation(lang: Lang) -> StreamlitPage:
    """One st.Page per registered cockpit, grouped by the stage of the chain they serve;
    titles follow the language, URLs do not."""
    groups: dict[str, list[StreamlitPage]] = {}
    for index, spec in enumerate(PAGES):
        page = st.Page(
            spec.render,
            title=t(spec.title_key, lang),
            icon=spec.icon,
            url_path=spec.url_path,
            default=index == 0,
        )
        groups.setdefault(t(spec.section_key, lang), []).append(page)
    return st.navigation(groups, position="sidebar", expanded=True)


def _snapshot_message(error: data.SnapshotUnavailable, lang: Lang) -> None:
    """Explain a missing or unreadable snapshot in plain words instead of a traceback."""
    kind = "no_snapshot" if error.reason == "missing" else "unreadable"
    st.info(
        f"**{t(f'error.{kind}.title', lang)}**\n\n{t(f'error.{kind}.body', lang)}",
        icon=":material/hourglass_empty:",
    )
    st.caption(t("error.expected_path", lang, path=str(error.path)))


def main() -> None:
    """Render the shared chrome, then the chosen page, guarding against a missing snapshot."""
    st.set_page_config(
        page_title="衢州 · 大综合一体化驾驶舱", page_icon=":material/monitoring:", layout="wide"
    )
    theme.inject_css()
    st.sidebar.markdown(f'<div class="ck-brand">{t("app.title")}</div>', unsafe_allow_html=True)
    lang = _language_toggle()
    page = _navigation(lang)
    try:
        if not data.snapshot_available():
            raise data.SnapshotUnavailable(data.snapshot_path(), "missing")
        page.run()
    except data.SnapshotUnavailable as error:
        _snapshot_message(error, lang)


main()
