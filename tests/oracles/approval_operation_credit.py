"""Oracles of the approval, operation, credit categories (see tests/oracles/__init__.py).

Each restates a category from the fact's raw fields rather than its prepared flags where it
can: processing days from the dates, the warning's handling limit from its severity, the
credit class from its letter.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl


def _time_used_share() -> pl.Expr:
    """Mean over applications granted or refused of (acceptance → decision) ÷ (acceptance →
    promised day), in calendar days."""
    accepted = pl.col("accepted_at").dt.date()
    used = (pl.col("decided_at").dt.date() - accepted).dt.total_days()
    limit = (pl.col("promised_date") - accepted).dt.total_days()
    decided = pl.col("result").is_in(["GRANTED", "REFUSED"]) & (limit > 0)
    return (used.cast(pl.Float64) / limit.cast(pl.Float64)).filter(decided).mean()


def _warnings_handled_on_time() -> pl.Expr:
    """Handled within 24 h (orange, red) or 72 h (blue, yellow), among warnings handled or
    past their limit."""
    hours = pl.when(pl.col("severity").is_in(["ORANGE", "RED"])).then(24).otherwise(72)
    on_time = (
        pl.col("handled_at") <= pl.col("raised_at") + pl.duration(hours=hours)
    ).fill_null(False)
    due = pl.col("is_handle_due")
    return (on_time & due).sum() / due.sum()


def _share_of_class(classes: list[str], flag: str | None) -> Callable[[], pl.Expr]:
    def value() -> pl.Expr:
        in_class = pl.col("credit_class").is_in(classes)
        hit = in_class if flag is None else in_class & (pl.col(flag) > 0)
        return hit.sum() / pl.len() if flag is None else hit.sum() / in_class.sum()

    return value


# category -> (fact table, date column, aggregation giving the value of one group)
ORACLES: dict[str, tuple[str, str, Callable[[], pl.Expr]]] = {
    # approvals
    "APR_TIME_USED_SHARE": ("fct_approvals", "decided_date", _time_used_share),
    "APR_REFUSAL_RATE": (
        "fct_approvals", "decided_date",
        lambda: (pl.col("result") == "REFUSED").sum()
        / pl.col("result").is_in(["GRANTED", "REFUSED"]).sum(),
    ),
    "APR_SATISFACTION": (
        "fct_approvals", "decided_date",
        lambda: (pl.col("satisfaction") >= 4).sum() / pl.col("satisfaction").is_not_null().sum(),
    ),
    "APR_DECIDED_ON_TIME_SCJG": (
        "fct_approvals", "decided_date",
        lambda: (pl.col("decided_at").dt.date() <= pl.col("promised_date"))
        .filter((pl.col("team_domain_code") == "SCJG") & pl.col("decided_at").is_not_null())
        .cast(pl.Float64).mean(),
    ),
    "APR_CLAIMED_ON_TIME_ZHZF": (
        "fct_supervision_claims", "pushed_date",
        lambda: (pl.col("claimed_at") <= pl.col("claim_deadline")).fill_null(False)
        .filter(pl.col("team_domain_code") == "ZHZF").cast(pl.Float64).mean(),
    ),
    # market entities and early warnings
    "ENT_STOCK": (
        "fct_entity_months", "as_of_date",
        lambda: pl.col("status").is_in(["OPERATING", "ABNORMAL"]).sum().cast(pl.Float64),
    ),
    "ENT_NET_CHANGE": (
        "fct_entity_months", "as_of_date",
        lambda: pl.col("is_new_in_month").sum().cast(pl.Float64)
        - pl.col("is_deregistered_in_month").sum().cast(pl.Float64),
    ),
    "ENT_KEY_REMOTE_COVERAGE": (
        "fct_entity_months", "as_of_date",
        lambda: (
            pl.col("is_key_supervision") & (pl.col("online_devices") > 0)
            & pl.col("status").is_in(["OPERATING", "ABNORMAL"])
        ).sum()
        / (pl.col("is_key_supervision") & pl.col("status").is_in(["OPERATING", "ABNORMAL"]))
        .sum(),
    ),
    "WARN_HANDLED_ON_TIME": ("fct_warnings", "raised_date", _warnings_handled_on_time),
    "WARN_SEVERE": (
        "fct_warnings", "raised_date",
        lambda: pl.col("severity").is_in(["ORANGE", "RED"]).sum().cast(pl.Float64),
    ),
    # credit
    "CREDIT_A_SHARE": ("fct_credit_months", "month_start", _share_of_class(["A"], None)),
    "CREDIT_D_INSPECTED_SHARE": (
        "fct_credit_months", "month_start", _share_of_class(["D"], "inspection_tasks"),
    ),
    "CREDIT_A_UNTRIGGERED_SHARE": (
        "fct_credit_months", "month_start", _share_of_class(["A"], "untriggered_onsite_tasks"),
    ),
    "CREDIT_RANDOM_RATIO_CD": (
        "fct_credit_months", "month_start", _share_of_class(["C", "D"], "random_tasks"),
    ),
    "CREDIT_DOWNGRADES": (
        "fct_credit_months", "month_start",
        lambda: (pl.col("credit_class") > pl.col("previous_class")).fill_null(False).sum()
        .cast(pl.Float64),
    ),
}
