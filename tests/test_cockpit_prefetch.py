"""A page's body queries are started in the background before its tiles are drawn
(``CockpitSpec.queries``, ``data.prefetch``). The declared list must be what the body
asks for: a query missing from it waits in line as before, one the body no longer asks for
costs a scan nobody reads. And a query warmed in the background must not run a second
time when the body asks for it.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit import data, drilldown  # noqa: E402
from cockpit.queries import FactQuery, Scope, records  # noqa: E402
from cockpit.views import COCKPITS, render_page_alone  # noqa: E402
from cockpit.widgets import widget_key  # noqa: E402

TIMEOUT_SECONDS = 120


def _declared(code: str) -> tuple[FactQuery, ...]:
    page = next(page for page in COCKPITS if page.url_path == code)
    return sys.modules[page.render.__module__].SPEC.queries


@pytest.mark.parametrize("code", [page.url_path for page in COCKPITS])
def test_each_page_declares_the_queries_its_body_runs_and_runs_each_once(
    code: str, published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One first view of the page, nothing cached: the declared queries are exactly those the
    body asked for, no query ran twice, and at least one ran on a background thread."""
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    asked: list[str] = []
    ran: Counter[tuple[str, str]] = Counter()
    threads: dict[str, str] = {}
    ask, run = FactQuery.run, data.run_query

    def recorded_ask(query: FactQuery, scope: Scope, **extra: object) -> pd.DataFrame:
        asked.append(query.name)
        return ask(query, scope, **extra)

    def recorded_run(snapshot: data.SnapshotId, sql: str, params: data.Params) -> pd.DataFrame:
        ran[(sql, repr(params))] += 1
        threads[sql] = threading.current_thread().name
        return run(snapshot, sql, params)

    monkeypatch.setattr(FactQuery, "run", recorded_ask)
    monkeypatch.setattr(data, "run_query", recorded_run)
    data.clear_caches()
    at = AppTest.from_function(
        render_page_alone, args=(code, str(REPO_ROOT)), default_timeout=TIMEOUT_SECONDS
    ).run()
    assert not at.exception, at.exception

    declared = [query for query in _declared(code) if query.available()]
    assert sorted({query.name for query in declared}) == sorted(set(asked))
    assert {query.sql for query in declared} <= set(threads)
    assert max(ran.values()) == 1, [key for key, times in ran.items() if times > 1]
    if declared:
        warmed = [q.name for q in declared if threads[q.sql].startswith("cockpit-prefetch")]
        assert warmed, f"{code}: no body query was started in the background"


def test_the_listing_started_early_is_the_one_the_drilldown_shows(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the first view, after another record set is picked, and with "numerator only"
    switched on, the planned listing equals the one drawn."""
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    planned: list[tuple[str, str]] = []
    shown: list[tuple[str, str]] = []
    plan, show = drilldown.records_query, records.records_query

    def recorded(into: list[tuple[str, str]], make):  # noqa: ANN001, ANN202
        def query(*args: object) -> tuple[str, dict[str, object]]:
            sql, params = make(*args)
            into.append((sql, repr(params)))
            return sql, params

        return query

    monkeypatch.setattr(drilldown, "records_query", recorded(planned, plan))
    monkeypatch.setattr(records, "records_query", recorded(shown, show))
    code = "cases"
    at = AppTest.from_function(
        render_page_alone, args=(code, str(REPO_ROOT)), default_timeout=TIMEOUT_SECONDS
    ).run()
    assert not at.exception, at.exception
    picker = at.selectbox(key=widget_key(f"{drilldown.KEY_RECORDS}_{code}", "zh"))
    assert len(picker.options) > 1, "the page offers one record set: nothing to pick"
    assert picker.index == 0
    steps = [(planned[-1], shown[-1])]
    picker.select_index(1).run()  # a category's records: they offer the numerator switch
    steps.append((planned[-1], shown[-1]))
    toggles = [toggle for toggle in at.toggle if toggle.key.startswith(drilldown.KEY_NUMERATOR)]
    assert toggles, "the picked record set offers no numerator switch"
    toggles[0].set_value(True).run()
    steps.append((planned[-1], shown[-1]))
    assert not at.exception, at.exception
    assert all(guess == drawn for guess, drawn in steps)
    assert steps[2][1] != steps[1][1]  # the switch listed other rows
