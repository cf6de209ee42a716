"""Oracles of the enforcement, oversight categories (see tests/oracles/__init__.py).

Each restates a category from the fact's base columns (dates, codes, amounts) rather than the
flags the marts derive, so a drift between the lifecycle logic and the catalogue shows.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

DECISION_LIMIT_DAYS = 90  # 《行政处罚法》第六十条
EXTENDED_LIMIT_DAYS = 180  # sources/systems/enforcement.py
ASSESSMENT_LIMIT_DAYS = 15  # the clue centre's limit
REVIEWED_TIERS = ["COUNTY", "CITY", "COLLECTIVE"]
CORRECTED = ["REVOKED", "CHANGED", "CONFIRMED_ILLEGAL"]


def _days(end: str, start: str) -> pl.Expr:
    return (pl.col(end) - pl.col(start)).dt.total_days()


def _count(condition: pl.Expr) -> pl.Expr:
    return condition.fill_null(False).sum().cast(pl.Float64)


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return _count(numerator & denominator) / _count(denominator)


ORACLES: dict[str, tuple[str, str, Callable[[], pl.Expr]]] = {
    "CLUE_FROM_DRONE": (
        "fct_clues", "received_date", lambda: _count(pl.col("clue_source") == "DRONE"),
    ),
    "CLUE_ASSESSED_ON_TIME": (
        "fct_clues", "assessed_date",
        lambda: _ratio(_days("assessed_date", "received_date") <= ASSESSMENT_LIMIT_DAYS,
                       pl.col("assessed_at").is_not_null()),
    ),
    "ENF_CASES_FILED_SCJG": (
        "fct_cases", "filed_date", lambda: _count(pl.col("team_domain_code") == "SCJG"),
    ),
    "ENF_DECIDED_IN_90D_STHJ": (
        "fct_cases", "decided_date",
        lambda: _ratio(_days("decided_date", "filed_date") <= DECISION_LIMIT_DAYS,
                       pl.col("team_domain_code") == "STHJ"),
    ),
    "ENF_ZHZF_CASE_SHARE": (
        "fct_cases", "filed_date",
        lambda: (pl.col("team_domain_code") == "ZHZF").cast(pl.Float64).mean(),
    ),
    "ENF_MEAN_CLOSE_DAYS": (
        "fct_cases", "closed_date", lambda: _days("closed_date", "filed_date").mean(),
    ),
    "ENF_FINE_COLLECTION_RATE": (
        "fct_cases", "fine_due_date",
        lambda: pl.col("fine_amount").filter(
            pl.col("is_fine_due") & (pl.col("decision_type") == "PENALTY")
            & pl.col("fine_paid").fill_null(False)).sum()
        / pl.col("fine_amount").filter(
            pl.col("is_fine_due") & (pl.col("decision_type") == "PENALTY")).sum(),
    ),
    "ENF_OPEN_OVERDUE": (
        "fct_case_month_ends", "as_of_date",
        lambda: _count(_days("as_of_date", "filed_date") > pl.when(pl.col("is_extended"))
                       .then(EXTENDED_LIMIT_DAYS).otherwise(DECISION_LIMIT_DAYS)),
    ),
    "OVS_TIERED_REVIEW_COVERAGE": (
        "fct_cases", "decided_date",
        lambda: _ratio(pl.col("review_tier").is_in(REVIEWED_TIERS),
                       pl.col("procedure") == "GENERAL"),
    ),
    "OVS_MEAN_AUDIT_SCORE": ("fct_file_audits", "audit_date", lambda: pl.col("score").mean()),
    "OVS_LITIGATION_LOSS_RATE": (
        "fct_oversight_reviews", "decided_date",
        lambda: _ratio(pl.col("outcome").is_in(CORRECTED),
                       (pl.col("review_type") == "LITIGATION")
                       & pl.col("outcome").is_in(["UPHELD", *CORRECTED])),
    ),
}
