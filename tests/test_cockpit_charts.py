"""The overview's score map and the loop Sankey show numbers computed from the snapshot.

Expected figures are read from the snapshot in the test with their own SQL (never typed in):
the map's score per county is the mean score of that county's indicator values, and the
Sankey's flows leave every started loop at an origin and end it at "ended" or "still open".
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cockpit.geo import SCORE_META
from cockpit.i18n import t
from cockpit.views.approval_loop import loop_flows
from cockpit.views.cases import AGE_BUCKETS, age_bucket, bucket_counts
from tests.test_cockpit_app import _snapshot, page_categories, run_page


def chart_spec(at, key: str) -> dict:  # noqa: ANN001 (an AppTest)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert len(specs) == 1, f"{key} not drawn"
    return specs[0]


def default_month(con: duckdb.DuckDBPyConnection) -> object:
    """The month a page opens on: the latest one starting on or before the data's as-of day."""
    return con.execute(
        "select max(period_start) from indicators.values where period_grain = 'month' "
        "and period_start <= (select max(data_as_of) from meta.build_info)"
    ).fetchone()[0]


def test_overview_map_colours_each_county_by_its_mean_score(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    categories = page_categories(published_data_dir, "overview")["category_code"].tolist()
    with _snapshot(published_data_dir) as con:
        expected = dict(
            con.execute(
                """
                select geo_code, avg(score) from indicators.values
                where period_grain = 'month' and geo_level = 'county'
                  and department_code = 'ALL' and score is not null
                  and list_contains(?, category_code)
                  and period_start = ?
                group by 1
                """,
                [categories, default_month(con)],
            ).fetchall()
        )
    assert len(expected) == 6, expected

    at = run_page(published_data_dir, "overview", monkeypatch)
    assert not at.exception, at.exception
    traces = chart_spec(at, "overview_map")["data"]
    (markers,) = [t for t in traces if (t.get("meta") or {}).get(SCORE_META)]
    shown = {
        code: float(text.rsplit(" ", 1)[1])
        for code, text in zip(markers["customdata"], markers["text"], strict=True)
    }
    assert shown.keys() == expected.keys()
    for code, score in expected.items():
        assert shown[code] == pytest.approx(score, abs=0.005), code


def test_loop_flows_follow_each_path_to_its_end() -> None:
    paths = pd.DataFrame(
        [
            # 3 warnings: accepted, inspected, problem, rectified, then ended
            {"origin_type": "WARNING", "accepted": True, "inspected": True,
             "problem_found": True, "rectified": True, "is_open": False, "loops": 3},
            # 2 drone findings straight to a clue, a case filed, still open
            {"origin_type": "DRONE", "clue": True, "case_filed": True, "is_open": True,
             "loops": 2},
        ]
    ).fillna(False)  # fmt: skip
    for step in ("case_decided", "case_closed", "reviewed"):
        paths[step] = False
    flows = loop_flows(paths)
    assert flows == {
        (("origin", "WARNING"), ("loop", "accepted")): 3,
        (("loop", "accepted"), ("loop", "inspected")): 3,
        (("loop", "inspected"), ("loop", "problem_found")): 3,
        (("loop", "problem_found"), ("loop", "rectified")): 3,
        (("loop", "rectified"), ("loop", "ended")): 3,
        (("origin", "DRONE"), ("loop", "clue")): 2,
        (("loop", "clue"), ("loop", "case_filed")): 2,
        (("loop", "case_filed"), ("loop", "open")): 2,
    }


def test_loop_sankey_starts_every_loop_and_ends_it_open_or_ended(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _snapshot(published_data_dir) as con:
        month = default_month(con)
        started, still_open = con.execute(
            "select count(*), count(*) filter (where is_open) from marts.fct_entity_loop "
            "where origin_date >= ? and origin_date < ? + interval 1 month",
            [month, month],
        ).fetchone()
    assert started > 0

    at = run_page(published_data_dir, "approval_loop", monkeypatch)
    assert not at.exception, at.exception
    (sankey,) = chart_spec(at, "approval_loop_chain")["data"]
    labels = sankey["node"]["label"]
    links = sankey["link"]
    into: dict[int, int] = {}
    out_of: dict[int, int] = {}
    for source, target, value in zip(links["source"], links["target"], links["value"],
                                     strict=True):
        out_of[source] = out_of.get(source, 0) + value
        into[target] = into.get(target, 0) + value
    origins = [i for i in range(len(labels)) if i not in into]
    ends = [i for i in range(len(labels)) if i not in out_of]
    assert sum(out_of[i] for i in origins) == started
    assert sum(into[i] for i in ends) == started
    open_node = labels.index("尚未闭环")
    assert into.get(open_node, 0) == still_open
    for node in set(into) & set(out_of):  # every step passes on what reaches it
        assert into[node] == out_of[node], labels[node]


def test_burden_page_lists_the_months_repeat_alerts_and_draws_their_timelines(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 30-day repeat list holds the month's alerts (most departments first), and the
    timelines show every on-site visit of the most-alerted enterprises in the window."""
    from cockpit.queries.supervision import TIMELINE_ENTERPRISES

    with _snapshot(published_data_dir) as con:
        month = default_month(con)
        alerts = con.execute(
            "select entity_uscc, max(departments_in_window) as d, max(visit_days_in_window) "
            "as v from marts.fct_inspection_burden_alerts where alert_date >= ? and "
            "alert_date < ? + interval 1 month group by 1 order by d desc, v desc, 1",
            [month, month],
        ).fetchall()
        flagged = [row[0] for row in alerts[:TIMELINE_ENTERPRISES]]
        visits = con.execute(
            "select count(*) from marts.fct_inspection_tasks where inspect_mode = 'ONSITE' "
            "and list_contains(?, entity_uscc) and inspected_date >= ?::date - 29 "
            "and inspected_date < ? + interval 1 month",
            [flagged, month, month],
        ).fetchone()[0]
    assert alerts, "the demo month has no 30-day repeat alert"

    at = run_page(published_data_dir, "burden", monkeypatch)
    assert not at.exception, at.exception
    uscc, departments = (t(f"field.{c}", "zh") for c in ("entity_uscc", "departments_in_window"))
    tables = [df.value for df in at.dataframe if departments in df.value.columns]
    assert len(tables) == 1
    shown = tables[0]
    assert set(shown[uscc]) == {row[0] for row in alerts}
    assert shown[departments].is_monotonic_decreasing
    traces = chart_spec(at, "burden_timelines")["data"]
    assert sum(len(trace["x"]) for trace in traces) == visits
    suffixes = {label.rsplit("·", 1)[1] for trace in traces for label in trace["y"]}
    assert suffixes == {uscc[-6:] for uscc in flagged}


def test_ageing_buckets_count_each_case_once_in_its_own_bucket() -> None:
    """The counts drawn (one pass over the array) agree with labelling every case by
    ``age_bucket``, edges included, and the last bucket holds the overdue ones."""
    ages = pd.Series([0, 1, 30, 31, 59, 60, 61, 80, 81, 90, 91, 365, 30, 90])
    labels = [age_bucket(int(days), "en") for days in ages]
    order = [age_bucket(upper, "en") for upper in AGE_BUCKETS] + [age_bucket(10_000, "en")]
    assert bucket_counts(ages) == [labels.count(label) for label in order]
    assert bucket_counts(ages)[-1] == int((ages > AGE_BUCKETS[-1]).sum()) == 2
    assert bucket_counts(pd.Series([], dtype="int64")) == [0] * len(order)
