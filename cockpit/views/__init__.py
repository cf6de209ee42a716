"""The cockpit's pages: one module per cockpit, each exposing ``render()``.

To add a cockpit, write ``cockpit/views/<name>.py`` with a ``render()`` function, add its
title to ``cockpit/i18n.py`` and append one ``PageSpec`` here; ``app.py`` needs no change.

Why ``views`` and not ``pages``: a folder named ``pages`` next to the entry script switches
on Streamlit's legacy multipage mode, which executes ``pages/<name>.py`` as a bare script
whenever the requested page's URL matches a file name. Under ``AppTest`` (which resets that
mode on every run) every rerun of the overview then rendered an empty page; in a server the
same happened on the first request of a process to a bookmarked page URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cockpit.views import overview


@dataclass(frozen=True)
class PageSpec:
    """How one cockpit appears in the navigation."""

    url_path: str  # stable across languages, so links and tests survive a language switch
    title_key: str  # i18n key of the page title
    icon: str
    render: Callable[[], None]


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview", "page.overview", ":material/dashboard:", overview.render),
)
