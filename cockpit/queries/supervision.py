"""Supervision facts: inspection tasks, plans, enterprise burden and credit.

Used by the joint-inspection, sampling & credit, burden, domains and entities pages.
"""

from __future__ import annotations

from cockpit.queries import fact_query

TASKS = "fct_inspection_tasks"

TASKS_BY_SOURCE = fact_query(
    "tasks_by_source",
    TASKS,
    """
    select task_source, is_joint, count(*) as tasks,
           count(*) filter (where has_findings) as with_findings
    from {t} where {where} group by all order by task_source, is_joint
    """,
    date_column="inspected_date",
    needs=("task_source", "is_joint", "has_findings"),
)

TASKS_BY_DEPARTMENT = fact_query(
    "tasks_by_department",
    TASKS,
    """
    select department_code, count(*) as tasks, avg(is_joint::int) as joint_rate,
           avg(has_findings::int) as hit_rate
    from {t} where {where} group by 1 order by tasks desc
    """,
    date_column="inspected_date",
    needs=("is_joint", "has_findings"),
)

TASKS_MONTHLY = fact_query(
    "tasks_monthly",
    TASKS,
    """
    select cast(date_trunc('month', inspected_date) as date) as month, task_source,
           count(*) as tasks, count(*) filter (where is_joint) as joint,
           count(*) filter (where has_findings) as with_findings
    from {t} where {where} group by all order by month, task_source
    """,
    date_column="inspected_date",
    window="history",
    needs=("task_source", "is_joint", "has_findings"),
)

RESULTS_BY_SOURCE = fact_query(
    "results_by_source",
    TASKS,
    """
    select task_source, result_code, inspect_mode, count(*) as tasks
    from {t} where {where} group by all order by task_source, result_code
    """,
    date_column="inspected_date",
    window="year",
    needs=("task_source", "result_code", "inspect_mode"),
)

RECTIFICATIONS_OVERDUE = fact_query(
    "rectifications_overdue",
    TASKS,
    """
    select task_id, entity_uscc, department_code, county_code, town_code, inspected_date,
           rectify_deadline, date_diff('day', rectify_deadline, $ref_day) as days_overdue
    from {t}
    where {where} and is_rectification_ordered and rectify_deadline < $ref_day
      and (rectified_date is null or rectified_date > $ref_day)
    order by rectify_deadline limit 100
    """,
    date_column="inspected_date",
    window="until",
    needs=("is_rectification_ordered", "rectify_deadline", "rectified_date", "entity_uscc"),
)

PLANS_MONTHLY = fact_query(
    "plans_monthly",
    "fct_plan_months",
    """
    select month_start, plan_kind, coalesce(trigger_type, '') as trigger_type,
           count(*) filter (where is_launched) as launched,
           count(*) filter (where is_running) as running
    from {t} where {where} group by all order by month_start
    """,
    date_column="month_start",
    window="history",
    town=None,
    needs=("plan_kind", "trigger_type", "is_launched", "is_running"),
)

BURDEN = "fct_entity_inspection_months"

BURDEN_MONTHLY = fact_query(
    "burden_monthly",
    BURDEN,
    """
    select month_start, count(*) as entities, avg(inspection_days) as mean_days,
           sum(inspection_days) as days, avg(inspection_tasks) as mean_tasks,
           count(*) filter (where departments_on_site >= 3) as multi_department
    from {t} where {where} group by 1 order by 1
    """,
    date_column="month_start",
    window="until",
    department=None,
    needs=("inspection_days", "inspection_tasks", "departments_on_site"),
)

BURDEN_DISTRIBUTION = fact_query(
    "burden_distribution",
    BURDEN,
    """
    select inspection_days, count(*) as entities
    from {t} where {where} group by 1 order by 1
    """,
    date_column="month_start",
    department=None,
    needs=("inspection_days",),
)

BURDEN_TOP = fact_query(
    "burden_top",
    BURDEN,
    """
    select entity_uscc, county_code, town_code, inspection_days, inspection_tasks,
           departments_on_site
    from {t} where {where}
    order by departments_on_site desc, inspection_days desc, entity_uscc limit 20
    """,
    date_column="month_start",
    department=None,
    needs=("entity_uscc", "inspection_days", "inspection_tasks", "departments_on_site"),
)

BURDEN_ALERTS = "fct_inspection_burden_alerts"

# 30日多头检查: the period's alerts, the enterprises with most departments in a window first.
BURDEN_REPEAT = fact_query(
    "burden_repeat",
    BURDEN_ALERTS,
    """
    select a.entity_uscc, e.entity_name, a.county_code, a.town_code, a.alert_date,
           a.window_first_visit_date, a.departments_in_window, a.visit_days_in_window
    from {t} as a left join marts.dim_entity as e using (entity_uscc)
    where {where}
    order by a.departments_in_window desc, a.visit_days_in_window desc, a.alert_date desc,
             a.entity_uscc
    limit 100
    """,
    date_column="a.alert_date",
    county="a.county_code",
    town="a.town_code",
    department=None,
    needs=("entity_uscc", "alert_date", "departments_in_window", "visit_days_in_window",
           "window_first_visit_date"),
    also=(("dim_entity", ("entity_uscc", "entity_name")),),
)

TIMELINE_ENTERPRISES = 10  # enterprises whose visits the burden page draws, most alerted first

# Every on-site visit, from 29 days before the period to its end, of the enterprises most
# alerted in the period: their timelines, one line each.
BURDEN_TIMELINES = fact_query(
    "burden_timelines",
    BURDEN_ALERTS,
    f"""
    with flagged as (
        select entity_uscc, max(departments_in_window) as departments,
               max(visit_days_in_window) as days
        from {{t}} as a where {{where}}
        group by 1 order by departments desc, days desc, entity_uscc
        limit {TIMELINE_ENTERPRISES}
    )
    select v.entity_uscc, e.entity_name, v.inspected_date, v.department_code, v.is_joint,
           flagged.departments
    from marts.fct_inspection_tasks as v
    join flagged using (entity_uscc)
    left join marts.dim_entity as e using (entity_uscc)
    where v.inspect_mode = 'ONSITE' and v.inspected_date >= $start::date - 29
      and v.inspected_date < $end
    order by flagged.departments desc, flagged.days desc, v.entity_uscc, v.inspected_date
    """,
    date_column="a.alert_date",
    county="a.county_code",
    town="a.town_code",
    department=None,
    needs=("entity_uscc", "alert_date", "departments_in_window", "visit_days_in_window"),
    also=(
        ("fct_inspection_tasks", ("entity_uscc", "inspected_date", "department_code",
                                  "is_joint", "inspect_mode")),
        ("dim_entity", ("entity_uscc", "entity_name")),
    ),
)

CREDIT_MIX = fact_query(
    "credit_mix",
    "fct_credit_months",
    """
    select credit_class, count(*) as entities from {t} where {where} group by 1 order by 1
    """,
    date_column="month_start",
    department=None,
    needs=("credit_class",),
)
