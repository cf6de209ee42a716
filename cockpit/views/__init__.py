"""The cockpit's pages: one module per cockpit, each exposing ``render()``.

To add a cockpit, write ``cockpit/views/<name>.py`` with a ``render()`` function, add its
title and subtitle to ``cockpit/i18n_pages.py`` and append one ``PageSpec`` here; ``app.py``
needs no change. The 16 cockpits follow the chain approval → operation → supervision →
enforcement → oversight, grouped into navigation sections.

The entity profile (一企一档) is registered here too, after the cockpits, but is not a cockpit:
``is_cockpit=False`` keeps it out of anything that counts or lists the 16 (tests, the
catalogue's cockpit codes, the Dagster lineage, which reads ``page.*`` i18n keys).

Why ``views`` and not ``pages``: a folder named ``pages`` next to the entry script switches
on Streamlit's legacy multipage mode, which executes ``pages/<name>.py`` as a bare script
whenever the requested page's URL matches a file name. Under ``AppTest`` (which resets that
mode on every run) every rerun of the overview then rendered an empty page; in a server the
same happened on the first request of a process to a bookmarked page URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cockpit.views import (
    approval_loop,
    burden,
    cases,
    clues,
    complaints,
    data_ops,
    domains,
    drones,
    entities_warnings,
    entity_profile,
    force,
    grid,
    joint_inspection,
    oversight,
    overview,
    sampling_credit,
    three_lists,
)


@dataclass(frozen=True)
class PageSpec:
    """How one cockpit appears in the navigation."""

    url_path: str  # the cockpit code: stable across languages, so links and tests survive
    title_key: str  # i18n key of the page title
    icon: str
    render: Callable[[], None]
    section_key: str = "nav.overview"  # i18n key of the navigation group
    filters: frozenset[str] = frozenset()  # the filters the page offers
    is_cockpit: bool = True  # False for pages beside the 16 cockpits (the entity profile)


def _spec(module: object, icon: str, section: str) -> PageSpec:
    spec = module.SPEC  # type: ignore[attr-defined]
    render = module.render  # type: ignore[attr-defined]
    return PageSpec(spec.code, f"page.{spec.code}", icon, render, section, spec.filters)


PAGES: tuple[PageSpec, ...] = (
    _spec(overview, ":material/dashboard:", "nav.overview"),
    _spec(approval_loop, ":material/approval:", "nav.operation"),
    _spec(entities_warnings, ":material/sensors:", "nav.operation"),
    _spec(joint_inspection, ":material/groups:", "nav.supervision"),
    _spec(sampling_credit, ":material/casino:", "nav.supervision"),
    _spec(burden, ":material/business_center:", "nav.supervision"),
    _spec(drones, ":material/flight:", "nav.supervision"),
    _spec(cases, ":material/gavel:", "nav.enforcement"),
    _spec(clues, ":material/manage_search:", "nav.enforcement"),
    _spec(domains, ":material/hub:", "nav.foundation"),
    _spec(force, ":material/badge:", "nav.foundation"),
    _spec(three_lists, ":material/checklist:", "nav.foundation"),
    _spec(complaints, ":material/call:", "nav.operation"),
    _spec(oversight, ":material/policy:", "nav.enforcement"),
    _spec(grid, ":material/grid_view:", "nav.operation"),
    _spec(data_ops, ":material/database:", "nav.foundation"),
    PageSpec(
        url_path=entity_profile.CODE,
        title_key="profile.nav",
        icon=":material/storefront:",
        render=entity_profile.render,
        section_key="nav.records",
        is_cockpit=False,
    ),
)
COCKPITS: tuple[PageSpec, ...] = tuple(page for page in PAGES if page.is_cockpit)


def render_page_alone(code: str, repo: str) -> None:
    """Run one registered page as a whole script, for ``AppTest.from_function``.

    AppTest cannot switch to a callable ``st.Page``, so tests and the benchmark render each
    page through this function. AppTest runs its source text on its own, hence the imports
    inside and the repository put on ``sys.path``.
    """
    import sys

    if repo not in sys.path:
        sys.path.insert(0, repo)
    import streamlit as st

    from cockpit.views import PAGES

    st.session_state.setdefault("lang", "zh")
    next(spec for spec in PAGES if spec.url_path == code).render()
