"""Oracles of the core categories: each restates one category's definition by hand in polars."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

# category -> (fact table, date column, aggregation giving the value of one group)
ORACLES: dict[str, tuple[str, str, Callable[[], pl.Expr]]] = {
    "SUP_TASKS_DONE": ("fct_inspection_tasks", "inspected_date", lambda: pl.len().cast(pl.Float64)),
    "SUP_JOINT_RATE": (
        "fct_inspection_tasks",
        "inspected_date",
        lambda: pl.col("is_joint").cast(pl.Float64).mean(),
    ),
    "SUP_HIT_RATE": (
        "fct_inspection_tasks",
        "inspected_date",
        lambda: pl.col("result_code").is_in(["RECTIFY", "CLUE"]).cast(pl.Float64).mean(),
    ),
    "SUP_RECTIFIED_ON_TIME": (
        "fct_inspection_tasks",
        "rectify_deadline",
        lambda: (
            (
                (pl.col("rectified_date") <= pl.col("rectify_deadline")).fill_null(False)
                & (pl.col("result_code") == "RECTIFY")
            ).sum()
            / (pl.col("result_code") == "RECTIFY").sum()
        ),
    ),
    "ENF_CASES_FILED": ("fct_cases", "filed_date", lambda: pl.len().cast(pl.Float64)),
    "ENF_DECIDED_IN_90D": (
        "fct_cases",
        "decided_date",
        lambda: (
            ((pl.col("decided_date") - pl.col("filed_date")).dt.total_days() <= 90)
            .cast(pl.Float64)
            .mean()
        ),
    ),
    "ENF_MEAN_CASE_DAYS": (
        "fct_cases",
        "decided_date",
        lambda: (pl.col("decided_date") - pl.col("filed_date")).dt.total_days().mean(),
    ),
    "ENF_FINES_SUM": (
        "fct_cases",
        "decided_date",
        lambda: pl.col("fine_amount").filter(pl.col("decision_type") == "PENALTY").sum() / 10000.0,
    ),
    "CMP_SIGNED_ON_TIME": (
        "fct_complaint_tickets", "received_date",
        lambda: (pl.col("signed_at") <= pl.col("sign_due_at"))
        .filter(pl.col("signed_at").is_not_null()).cast(pl.Float64).mean(),
    ),
    "DRONE_AI_PRECISION": (
        "fct_drone_findings", "detected_date",
        lambda: pl.col("pushed_at").is_not_null()
        .filter(pl.col("reviewed_at").is_not_null()).cast(pl.Float64).mean(),
    ),
    "BURDEN_INSPECTION_DAYS": (
        "entity_months",
        "month_start",
        lambda: pl.col("inspection_days").mean(),
    ),
    "ENF_FIRST_WAIVERS": (
        "fct_cases",
        "decided_date",
        lambda: (pl.col("decision_type") == "FIRST_WAIVER").sum().cast(pl.Float64),
    ),
    # registers, counted on each month's snapshot day
    "FORCE_TEAMS": ("fct_force_team_months", "as_of_date",
                    lambda: pl.col("is_active").sum().cast(pl.Float64)),
    "FORCE_FRONTLINE_RATIO": (
        "fct_force_staff_months", "as_of_date",
        lambda: (pl.col("is_on_staff") & pl.col("is_frontline")).sum()
        / pl.col("is_on_staff").sum(),
    ),
    "FORCE_SQUADS_INTEGRATED": (
        "fct_force_squad_months", "as_of_date",
        lambda: ((pl.col("squad_kind") == "SQUAD") & pl.col("is_integrated")).sum()
        .cast(pl.Float64),
    ),
    "FORCE_TOWN_UNITS_INTEGRATED": (
        "fct_force_squad_months", "as_of_date",
        lambda: ((pl.col("squad_kind") == "TOWN_UNIT") & pl.col("is_integrated")).sum()
        .cast(pl.Float64),
    ),
    "ITEMS_COMPREHENSIVE": ("fct_item_months", "as_of_date",
                            lambda: pl.col("is_comprehensive").sum().cast(pl.Float64)),
    "ITEMS_COMPREHENSIVE_SHARE": (
        "fct_item_months", "as_of_date",
        lambda: pl.col("is_comprehensive").sum() / pl.col("is_listed").sum(),
    ),
    "ITEMS_COMPREHENSIVE_DEPARTMENTS": (
        "fct_item_months", "as_of_date",
        lambda: pl.col("department_code").filter(pl.col("is_comprehensive")).n_unique()
        .cast(pl.Float64),
    ),
    "ITEMS_COMPREHENSIVE_DOMAINS": (
        "fct_item_months", "as_of_date",
        lambda: pl.col("domain_code").filter(pl.col("is_comprehensive")).n_unique()
        .cast(pl.Float64),
    ),
    "DRONE_DEPLOYED": (
        "fct_drone_fleet_months", "as_of_date",
        lambda: ((pl.col("asset_kind") == "DRONE") & pl.col("is_in_service")).sum()
        .cast(pl.Float64),
    ),
    "DRONE_COVERAGE_KM2": (
        "fct_drone_fleet_months", "as_of_date",
        lambda: pl.col("patrol_area_km2").filter(
            (pl.col("asset_kind") == "DOCK") & pl.col("is_in_service")).sum(),
    ),
    "SUP_PLANS_LAUNCHED": (
        "fct_plan_months", "as_of_date",
        lambda: ((pl.col("plan_kind") == "DYNAMIC") & pl.col("is_launched")).sum()
        .cast(pl.Float64),
    ),
    # the closed loop
    "LOOP_CLOSED_RATE": ("fct_entity_loop", "origin_date",
                         lambda: (~pl.col("is_open")).cast(pl.Float64).mean()),
    "LOOP_FIRST_INSPECTION_ON_TIME": (
        "fct_entity_loop", "due_date",
        lambda: (pl.col("first_inspected_date") <= pl.col("due_date")).fill_null(False)
        .filter(pl.col("origin_type") == "APPROVAL").cast(pl.Float64).mean(),
    ),
    # approvals and the supervisor claim
    "APR_APPLICATIONS": ("fct_approvals", "applied_date", lambda: pl.len().cast(pl.Float64)),
    "APR_DECIDED_ON_TIME": (
        "fct_approvals", "decided_date",
        lambda: pl.col("is_decided_on_time").filter(pl.col("decided_at").is_not_null())
        .cast(pl.Float64).mean(),
    ),
    "APR_ONLINE_SHARE": ("fct_approvals", "applied_date",
                         lambda: pl.col("is_online").cast(pl.Float64).mean()),
    "APR_CLAIMED_ON_TIME": ("fct_supervision_claims", "pushed_date",
                            lambda: pl.col("is_claimed_on_time").cast(pl.Float64).mean()),
    # early warnings
    "WARN_RAISED": ("fct_warnings", "raised_date", lambda: pl.len().cast(pl.Float64)),
    "WARN_HANDLED_RATE": ("fct_warnings", "raised_date",
                          lambda: pl.col("is_handled").cast(pl.Float64).mean()),
    "WARN_MEAN_DISPATCH_MINUTES": (
        "fct_warnings", "raised_date",
        lambda: pl.col("minutes_to_dispatch").filter(pl.col("dispatched_at").is_not_null()).mean(),
    ),
    "WARN_FALSE_ALARM_RATE": (
        "fct_warnings", "raised_date",
        lambda: pl.col("is_false_alarm").filter(pl.col("is_handled")).cast(pl.Float64).mean(),
    ),
    # clue centre
    "CLUE_RECEIVED": ("fct_clues", "received_date", lambda: pl.len().cast(pl.Float64)),
    "CLUE_FILED_RATE": (
        "fct_clues", "assessed_date",
        lambda: pl.col("is_filed").filter(pl.col("is_assessed")).cast(pl.Float64).mean(),
    ),
    "CLUE_MEAN_ASSESS_DAYS": (
        "fct_clues", "assessed_date",
        lambda: pl.col("days_to_assessment").filter(pl.col("is_assessed")).cast(pl.Float64)
        .mean(),
    ),
    # oversight
    "OVS_REVIEWS_FILED": ("fct_oversight_reviews", "filed_date",
                          lambda: pl.len().cast(pl.Float64)),
    "OVS_OVERTURN_RATE": ("fct_oversight_reviews", "decided_date",
                          lambda: pl.col("is_overturned").cast(pl.Float64).mean()),
    "OVS_AUDIT_PASS_RATE": ("fct_file_audits", "audit_date",
                            lambda: pl.col("is_passed").cast(pl.Float64).mean()),
    "OVS_FLAGS_RECTIFIED_ON_TIME": ("fct_oversight_flags", "rectify_deadline",
                                    lambda: pl.col("is_rectified_on_time").cast(pl.Float64)
                                    .mean()),
    "DRONE_WATERLOGGING_POINTS": (
        "fct_drone_findings", "detected_date",
        lambda: ((pl.col("finding_class") == "WATERLOGGING") & pl.col("is_confirmed")).sum()
        .cast(pl.Float64),
    ),
    # the measures beyond sums: quantiles, a share of the city, the year to date
    "ENF_MEDIAN_CASE_DAYS": (
        "fct_cases", "decided_date",
        lambda: (pl.col("decided_date") - pl.col("filed_date")).dt.total_days()
        .cast(pl.Float64).quantile(0.5, interpolation="linear"),
    ),
    "ENF_P90_CASE_DAYS": (
        "fct_cases", "decided_date",
        lambda: (pl.col("decided_date") - pl.col("filed_date")).dt.total_days()
        .cast(pl.Float64).quantile(0.9, interpolation="linear"),
    ),
    "ENF_CASES_SHARE": ("fct_cases", "filed_date", lambda: pl.len().cast(pl.Float64)),
    "ENF_CASES_FILED_YTD": ("fct_cases", "filed_date", lambda: pl.len().cast(pl.Float64)),
    # the catalogue counting itself, and data operations
    "META_COCKPITS": (
        "fct_catalog_months", "as_of_date",
        lambda: pl.col("cockpit_code").n_unique().cast(pl.Float64),
    ),
    "META_INDICATORS": (
        "fct_indicator_slices", "month_start",
        lambda: pl.col("indicator_key").n_unique().cast(pl.Float64),
    ),
    "DATA_QUARANTINE_SHARE": (
        "fct_ingest_files", "partition_date",
        lambda: pl.col("quarantined_rows").sum() / pl.col("landed_rows").sum(),
    ),
}
