"""Oracles of the force, items, drones categories (see tests/oracles/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator ÷ denominator, no value where the denominator is zero (as the SQL's nullif)."""
    return pl.when(denominator > 0).then(numerator / denominator).otherwise(None)


def _count(condition: pl.Expr) -> pl.Expr:
    return condition.fill_null(False).sum().cast(pl.Float64)


ORACLES: dict[str, tuple[str, str, Callable[[], pl.Expr]]] = {
    # force: certificates still valid on the snapshot day, among the staff on the payroll
    "FORCE_CERTIFIED_SHARE": (
        "fct_force_staff_months", "as_of_date",
        lambda: _ratio(
            _count(pl.col("is_on_staff") & pl.col("has_valid_certificate")),
            _count(pl.col("is_on_staff")),
        ),
    ),
    # cases decided in the month per front-line officer at month end
    "FORCE_CASES_PER_OFFICER": (
        "fct_force_workload_months", "month_start",
        lambda: _ratio(
            _count(pl.col("record_kind") == "CASE_DECIDED"),
            _count((pl.col("record_kind") == "STAFF") & pl.col("is_frontline")),
        ),
    ),
    # mean payroll of the teams in existence
    "FORCE_STAFF_PER_TEAM": (
        "fct_force_team_months", "as_of_date",
        lambda: pl.col("staff_on_staff").filter(pl.col("is_active")).cast(pl.Float64).mean(),
    ),
    "FORCE_TOWNS_COVERED_RATE": (
        "fct_force_town_months", "as_of_date",
        lambda: pl.col("is_covered").cast(pl.Float64).mean(),
    ),
    "FORCE_FRONTLINE_STAFF": (
        "fct_force_staff_months", "as_of_date",
        lambda: _count(pl.col("is_on_staff") & pl.col("is_frontline")),
    ),
    "FORCE_TEAMS_SCJG": (
        "fct_force_team_months", "as_of_date",
        lambda: _count(pl.col("is_active") & (pl.col("team_domain_code") == "SCJG")),
    ),
    # item lists
    "ITEMS_DELEGATED_USED_RATE": (
        "fct_item_months", "as_of_date",
        lambda: _ratio(
            _count(pl.col("is_listed") & pl.col("delegated_to_town") & pl.col("is_used_12m")),
            _count(pl.col("is_listed") & pl.col("delegated_to_town")),
        ),
    ),
    "ITEMS_DOMAINS": (
        "fct_item_months", "as_of_date",
        lambda: pl.col("domain_code").filter(pl.col("is_listed")).drop_nulls().n_unique()
        .cast(pl.Float64),
    ),
    "ITEMS_PROFESSIONAL": (
        "fct_item_months", "as_of_date",
        lambda: _count(pl.col("is_listed") & (pl.col("list_type") == "PROFESSIONAL")),
    ),
    # drones
    "DRONE_SORTIES": ("fct_drone_flights", "takeoff_date", lambda: pl.len().cast(pl.Float64)),
    "DRONE_FLIGHT_HOURS": (
        "fct_drone_flights", "takeoff_date",
        lambda: (
            (pl.col("landing_at").dt.truncate("1s") - pl.col("takeoff_at").dt.truncate("1s"))
            .dt.total_seconds() / 3600.0
        ).sum(),
    ),
    "DRONE_SIGNED_ON_TIME": (
        "fct_drone_findings", "pushed_date",
        lambda: (
            pl.col("signed_at") <= pl.col("pushed_at") + pl.duration(hours=2)
        ).fill_null(False).filter(pl.col("pushed_at").is_not_null()).cast(pl.Float64).mean(),
    ),
    "DRONE_CLOSURE_RATE": (
        "fct_drone_findings", "detected_date",
        lambda: pl.col("closed_at").is_not_null()
        .filter(pl.col("pushed_at").is_not_null()).cast(pl.Float64).mean(),
    ),
    "DRONE_MEDIAN_HOURS_TO_CLOSE": (
        "fct_drone_findings", "closed_date",
        lambda: (
            (pl.col("closed_at").dt.truncate("1m") - pl.col("detected_at").dt.truncate("1m"))
            .dt.total_minutes() / 60.0
        ).filter(pl.col("pushed_at").is_not_null()).quantile(0.5, interpolation="linear"),
    ),
    "DRONE_COVERAGE_SHARE": (
        "fct_drone_coverage_months", "as_of_date",
        lambda: _ratio(
            pl.col("area_km2").filter(
                (pl.col("area_kind") == "DOCK_PATROL") & pl.col("is_in_service")
            ).sum(),
            pl.col("area_km2").filter(pl.col("area_kind") == "COUNTY_LAND").sum(),
        ),
    ),
}
