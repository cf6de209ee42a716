"""Oversight facts: reconsideration and litigation, case-file audits, oversight flags.

These are county matters (no town column is filled), so the town filter is not applied; the
twelve months up to the period are shown because a single month holds few of them.
"""

from __future__ import annotations

from cockpit.queries import fact_query

REVIEWS_BY_OUTCOME = fact_query(
    "reviews_by_outcome",
    "fct_oversight_reviews",
    """
    select review_type, coalesce(outcome, 'PENDING') as outcome, count(*) as reviews,
           count(*) filter (where is_overturned) as overturned
    from {t} where {where} group by all order by review_type, reviews desc
    """,
    date_column="filed_date",
    window="year",
    town=None,
    needs=("review_type", "outcome", "is_overturned"),
)

AUDITS_BY_DEPARTMENT = fact_query(
    "audits_by_department",
    "fct_file_audits",
    """
    select department_code, count(*) as audits, avg(is_passed::int) as pass_rate,
           avg(score) as mean_score
    from {t} where {where} group by 1 order by pass_rate
    """,
    date_column="audit_date",
    window="year",
    town=None,
    needs=("is_passed", "score"),
)

AUDIT_SCORES = fact_query(
    "audit_scores",
    "fct_file_audits",
    "select score, grade from {t} where {where}",
    date_column="audit_date",
    window="year",
    town=None,
    needs=("score", "grade"),
)

FLAGS_BY_TYPE = fact_query(
    "flags_by_type",
    "fct_oversight_flags",
    """
    select flag_type, count(*) as raised, count(*) filter (where is_rectified) as rectified,
           count(*) filter (where is_rectified_on_time) as on_time,
           count(*) filter (where is_verified) as verified
    from {t} where {where} group by 1 order by raised desc
    """,
    date_column="raised_date",
    window="year",
    town=None,
    needs=("flag_type", "is_rectified", "is_rectified_on_time", "is_verified"),
)

FLAGS_OPEN = fact_query(
    "flags_open",
    "fct_oversight_flags",
    """
    select flag_id, flag_type, object_type, department_code, county_code, raised_date,
           rectify_deadline, date_diff('day', rectify_deadline, $ref_day) as days_overdue
    from {t}
    where {where} and rectify_deadline < $ref_day
      and (rectified_date is null or rectified_date > $ref_day)
    order by rectify_deadline limit 100
    """,
    date_column="raised_date",
    window="until",
    town=None,
    needs=("flag_id", "flag_type", "object_type", "rectify_deadline", "rectified_date"),
)
