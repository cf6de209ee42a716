"""Enforcement facts: cases, their stage events, clues, and the 1+5 domain roll-ups.

Open items are aged at the scope's reference day (the period's last day, capped at the data's
as-of day), so a past month shows what was open then rather than what is open now.
"""

from __future__ import annotations

from cockpit.queries import fact_query

CASES = "fct_cases"

CASE_FUNNEL = fact_query(
    "case_funnel",
    CASES,
    """
    select count(*) as filed,
           count(*) filter (where decided_date <= $ref_day) as decided,
           count(*) filter (where closed_date <= $ref_day) as closed,
           count(*) filter (where decision_type = 'PENALTY' and decided_date <= $ref_day)
             as penalties
    from {t} where {where}
    """,
    date_column="filed_date",
    window="year",
    needs=("decided_date", "closed_date", "decision_type"),
)

# Cases whose first event at a stage falls in the window: one flagged row per case and stage,
# so a count replaces a distinct count of case numbers (full scale: ~110 → ~7 ms).
CASE_STAGES = fact_query(
    "case_stages",
    "fct_case_events",
    """
    select stage, count(*) as cases
    from {t} where {where} and is_first_at_stage group by 1
    """,
    date_column="event_date",
    window="year",
    needs=("stage", "is_first_at_stage"),
)

CASES_OPEN = fact_query(
    "cases_open",
    CASES,
    """
    select case_no, department_code, county_code, town_code, procedure, clue_source,
           filed_date, date_diff('day', filed_date, $ref_day) as age_days
    from {t}
    where {where} and filed_date <= $ref_day
      and (decided_date is null or decided_date > $ref_day)
    order by filed_date
    """,
    date_column="filed_date",
    window="until",
    needs=("case_no", "procedure", "clue_source", "decided_date"),
)

DECISIONS_MONTHLY = fact_query(
    "decisions_monthly",
    CASES,
    """
    select cast(date_trunc('month', decided_date) as date) as month,
           coalesce(decision_type, 'OPEN') as decision_type, count(*) as cases,
           coalesce(sum(fine_amount), 0) / 10000.0 as fines_wan
    from {t} where {where} group by all order by month
    """,
    date_column="decided_date",
    window="history",
    needs=("decision_type", "fine_amount"),
)

FINES_BY_DEPARTMENT = fact_query(
    "fines_by_department",
    CASES,
    """
    select department_code, count(*) filter (where decision_type = 'PENALTY') as penalties,
           count(*) filter (where decision_type = 'FIRST_WAIVER') as waivers,
           coalesce(sum(fine_amount), 0) / 10000.0 as fines_wan
    from {t} where {where} group by 1 order by fines_wan desc
    """,
    date_column="decided_date",
    needs=("decision_type", "fine_amount"),
)

CASES_BY_SOURCE = fact_query(
    "cases_by_source",
    CASES,
    """
    select cast(date_trunc('month', filed_date) as date) as month, clue_source,
           count(*) as cases
    from {t} where {where} group by all order by month
    """,
    date_column="filed_date",
    window="history",
    needs=("clue_source",),
)

CLUES = "fct_clues"

CLUES_BY_SOURCE = fact_query(
    "clues_by_source",
    CLUES,
    """
    select clue_source, count(*) as clues,
           count(*) filter (where is_assessed) as assessed,
           count(*) filter (where is_filed) as filed,
           avg(days_to_assessment) as mean_days
    from {t} where {where} group by 1 order by clues desc
    """,
    date_column="received_date",
    needs=("clue_source", "is_assessed", "is_filed", "days_to_assessment"),
)

CLUES_MONTHLY = fact_query(
    "clues_monthly",
    CLUES,
    """
    select cast(date_trunc('month', received_date) as date) as month, clue_source,
           count(*) as clues
    from {t} where {where} group by all order by month
    """,
    date_column="received_date",
    window="history",
    needs=("clue_source",),
)

CLUE_ASSESSMENTS = fact_query(
    "clue_assessments",
    CLUES,
    """
    select coalesce(assessment, 'PENDING') as assessment, count(*) as clues
    from {t} where {where} group by 1 order by clues desc
    """,
    date_column="received_date",
    needs=("assessment",),
)

CLUES_WAITING = fact_query(
    "clues_waiting",
    CLUES,
    """
    select clue_id, clue_source, department_code, county_code, town_code, received_date,
           date_diff('day', received_date, $ref_day) as waiting_days
    from {t}
    where {where} and received_date <= $ref_day
      and (assessed_date is null or assessed_date > $ref_day)
    order by received_date limit 100
    """,
    date_column="received_date",
    window="until",
    needs=("clue_id", "clue_source", "assessed_date"),
)

_DEPARTMENTS = (("dim_department", ("department_code", "domain_code")),)

DOMAIN_CASES = fact_query(
    "domain_cases",
    CASES,
    """
    select d.domain_code, count(*) as cases, coalesce(sum(fine_amount), 0) / 10000.0 as fines_wan
    from {t} join marts.dim_department d using (department_code)
    where {where} group by 1
    """,
    date_column="filed_date",
    needs=("fine_amount",),
    also=_DEPARTMENTS,
)

DOMAIN_TASKS = fact_query(
    "domain_tasks",
    "fct_inspection_tasks",
    """
    select d.domain_code, count(*) as tasks, count(*) filter (where is_joint) as joint
    from {t} join marts.dim_department d using (department_code)
    where {where} group by 1
    """,
    date_column="inspected_date",
    needs=("is_joint",),
    also=_DEPARTMENTS,
)
