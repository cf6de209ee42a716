"""Oracles of the supervision, complaints, burden categories (see tests/oracles/__init__.py).

Each restates a category from the published facts in polars: the merge-opportunity share,
a 1+5 domain split of the joint-inspection and on-time-closing rates, the 12345 ticket
figures (from the raw timestamps, not the mart's derived columns where the fact has them),
grid events, the two burden rules and the closed loop.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

SIGNALS = ["WARNING", "COMPLAINT", "DRONE"]


def _hours_to_close() -> pl.Expr:
    return (pl.col("closed_at") - pl.col("received_at")).dt.total_seconds() / 3600.0


ORACLES: dict[str, tuple[str, str, Callable[[], pl.Expr]]] = {
    # 综合查一次: planned on-site visits another department's visit could have joined
    "SUP_MERGEABLE_TASK_SHARE": (
        "fct_inspection_tasks", "inspected_date",
        lambda: pl.col("is_mergeable")
        .filter(pl.col("plan_id").is_not_null() & (pl.col("inspect_mode") == "ONSITE"))
        .cast(pl.Float64).mean(),
    ),
    "SUP_JOINT_RATE_SCJG": (
        "fct_inspection_tasks", "inspected_date",
        lambda: pl.col("is_joint").filter(pl.col("team_domain_code") == "SCJG")
        .cast(pl.Float64).mean(),
    ),
    "SUP_CHECKLIST_FAIL_RATE": (
        "fct_inspection_tasks", "inspected_date",
        lambda: pl.col("checklist_lines_failed").sum() / pl.col("checklist_lines_applicable").sum(),
    ),
    "SUP_MERGE_OPPORTUNITIES": (
        "fct_merge_opportunities", "month_start", lambda: pl.len().cast(pl.Float64),
    ),
    # 12345 and the grid
    "CMP_TICKETS": ("fct_complaint_tickets", "received_date", lambda: pl.len().cast(pl.Float64)),
    "CMP_SATISFACTION": (
        "fct_complaint_tickets", "closed_date",
        lambda: (pl.col("satisfaction") >= 4).filter(pl.col("satisfaction").is_not_null())
        .cast(pl.Float64).mean(),
    ),
    "CMP_MEDIAN_HOURS_TO_CLOSE": (
        "fct_complaint_tickets", "closed_date",
        lambda: _hours_to_close().filter(pl.col("closed_at").is_not_null())
        .cast(pl.Float64).quantile(0.5, interpolation="linear"),
    ),
    "CMP_CLOSED_ON_TIME_ZHZF": (
        "fct_complaint_tickets", "closed_date",
        lambda: (pl.col("closed_at") <= pl.col("due_at")).fill_null(False)
        .filter(pl.col("closed_at").is_not_null() & (pl.col("team_domain_code") == "ZHZF"))
        .cast(pl.Float64).mean(),
    ),
    "GRID_EVENTS_REPORTED": ("fct_grid_events", "reported_date",
                             lambda: pl.len().cast(pl.Float64)),
    "GRID_HANDLED_IN_GRID_RATE": (
        "fct_grid_events", "reported_date",
        lambda: pl.col("is_handled_in_grid").drop_nulls().cast(pl.Float64).mean(),
    ),
    # enterprise burden: the month's amount (the test sums the year to date)
    "BURDEN_SAME_DEPT_OVER_CAP_YTD": (
        "fct_entity_department_years", "third_onsite_date",
        lambda: (pl.col("onsite_days") > 2).sum().cast(pl.Float64),
    ),
    "BURDEN_MULTI_DEPT_30D_ENTITIES": (
        "fct_inspection_burden_alerts", "alert_date",
        lambda: pl.col("entity_uscc").n_unique().cast(pl.Float64),
    ),
    # the closed loop
    "LOOP_SIGNAL_FIRST_INSPECTION_ON_TIME": (
        "fct_entity_loop", "due_date",
        lambda: pl.col("is_first_inspected_on_time")
        .filter(pl.col("origin_type").is_in(SIGNALS)
                & pl.col("is_first_inspected_on_time").is_not_null())
        .cast(pl.Float64).mean(),
    ),
    "LOOP_MEAN_DAYS_TO_CLOSE": (
        "fct_entity_loop", "closed_date",
        lambda: (pl.col("closed_date") - pl.col("origin_date")).dt.total_days()
        .cast(pl.Float64).mean(),
    ),
}
