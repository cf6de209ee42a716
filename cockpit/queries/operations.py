"""Operation signals and the approval loop: 12345 tickets, grid events, early warnings,
approvals and the supervisor's claims.

Every "open" list is aged at the end of the scope's reference day.
"""

from __future__ import annotations

from cockpit.queries import fact_query

_REF_END = "($ref_day + interval 1 day)"

TICKETS = "fct_complaint_tickets"

TICKETS_MONTHLY = fact_query(
    "tickets_monthly",
    TICKETS,
    """
    select cast(date_trunc('month', received_date) as date) as month, count(*) as tickets,
           avg(is_signed_on_time::int) filter (where signed_at is not null) as signed_on_time,
           avg(is_closed_on_time::int) filter (where closed_at is not null) as closed_on_time
    from {t} where {where} group by 1 order by 1
    """,
    date_column="received_date",
    window="history",
    needs=("is_signed_on_time", "signed_at", "is_closed_on_time", "closed_at"),
)

TICKETS_BY_CATEGORY = fact_query(
    "tickets_by_category",
    TICKETS,
    """
    select category, count(*) as tickets,
           avg(is_closed_on_time::int) filter (where closed_at is not null) as closed_on_time,
           avg(satisfaction) as satisfaction,
           count(*) filter (where is_repeat) as repeats,
           count(*) filter (where to_clue) as to_clue
    from {t} where {where} group by 1 order by tickets desc
    """,
    date_column="received_date",
    needs=("category", "is_closed_on_time", "satisfaction", "is_repeat", "to_clue"),
)

TICKETS_BY_CHANNEL = fact_query(
    "tickets_by_channel",
    TICKETS,
    "select channel, count(*) as tickets from {t} where {where} group by 1 order by 2 desc",
    date_column="received_date",
    needs=("channel",),
)

TICKETS_OVERDUE = fact_query(
    "tickets_overdue",
    TICKETS,
    f"""
    select ticket_no, category, priority, department_code, county_code, town_code,
           received_at, due_at,
           date_diff('hour', due_at, {_REF_END}) as hours_overdue
    from {{t}}
    where {{where}} and due_at < {_REF_END}
      and (closed_at is null or closed_at >= {_REF_END})
    order by due_at limit 100
    """,
    date_column="received_date",
    window="until",
    needs=("ticket_no", "category", "priority", "received_at", "due_at", "closed_at"),
)

TICKETS_BY_PLACE = fact_query(
    "tickets_by_place",
    TICKETS,
    """
    select county_code, town_code, coalesce(grid_code, '') as grid_code, count(*) as tickets,
           avg(is_closed_on_time::int) filter (where closed_at is not null) as closed_on_time
    from {t} where {where} group by all order by tickets desc
    """,
    date_column="received_date",
    needs=("grid_code", "is_closed_on_time", "closed_at"),
)

GRID_EVENTS = fact_query(
    "grid_events",
    "fct_grid_events",
    """
    select event_type, count(*) as events,
           count(*) filter (where is_handled_in_grid) as handled_in_grid
    from {t} where {where} group by 1 order by events desc
    """,
    date_column="reported_date",
    department=None,
    needs=("event_type", "is_handled_in_grid"),
)

WARNINGS = "fct_warnings"

WARNINGS_BY_TYPE = fact_query(
    "warnings_by_type",
    WARNINGS,
    """
    select warning_type, count(*) as raised, count(*) filter (where is_handled) as handled,
           count(*) filter (where is_false_alarm) as false_alarms,
           avg(minutes_to_dispatch) as mean_dispatch_minutes,
           avg(hours_to_handle) as mean_handle_hours
    from {t} where {where} group by 1 order by raised desc
    """,
    date_column="raised_date",
    needs=("warning_type", "is_handled", "is_false_alarm", "minutes_to_dispatch"),
)

WARNINGS_FUNNEL = fact_query(
    "warnings_funnel",
    WARNINGS,
    """
    select count(*) as raised, count(dispatched_at) as dispatched,
           count(handled_at) as handled, count(closed_at) as closed,
           count(*) filter (where severity in ('ORANGE', 'RED')) as severe
    from {t} where {where}
    """,
    date_column="raised_date",
    needs=("dispatched_at", "handled_at", "closed_at", "severity"),
)

WARNINGS_MONTHLY = fact_query(
    "warnings_monthly",
    WARNINGS,
    """
    select cast(date_trunc('month', raised_date) as date) as month, severity, count(*) as raised
    from {t} where {where} group by all order by month
    """,
    date_column="raised_date",
    window="history",
    needs=("severity",),
)

WARNINGS_OPEN = fact_query(
    "warnings_open",
    WARNINGS,
    f"""
    select warning_id, warning_type, severity, department_code, county_code, town_code,
           raised_at, date_diff('hour', raised_at, {_REF_END}) as hours_open
    from {{t}}
    where {{where}} and raised_at < {_REF_END}
      and (handled_at is null or handled_at >= {_REF_END})
      and not coalesce(is_false_alarm, false)
    order by raised_at limit 100
    """,
    date_column="raised_date",
    window="until",
    needs=("warning_id", "warning_type", "severity", "raised_at", "handled_at"),
)

APPROVALS = "fct_approvals"

APPROVALS_MONTHLY = fact_query(
    "approvals_monthly",
    APPROVALS,
    """
    select cast(date_trunc('month', applied_date) as date) as month, channel,
           count(*) as applications
    from {t} where {where} group by all order by month
    """,
    date_column="applied_date",
    window="history",
    needs=("channel",),
)

APPROVALS_FUNNEL = fact_query(
    "approvals_funnel",
    APPROVALS,
    """
    select count(*) as applied, count(accepted_at) as accepted, count(decided_at) as decided,
           count(*) filter (where is_granted) as granted,
           count(*) filter (where is_decided_on_time) as on_time
    from {t} where {where}
    """,
    date_column="applied_date",
    needs=("accepted_at", "decided_at", "is_granted", "is_decided_on_time"),
)

APPROVALS_BY_ITEM = fact_query(
    "approvals_by_item",
    APPROVALS,
    """
    select item_code, any_value(item_name) as item_name, count(*) as applications,
           avg(days_to_decision) as mean_days,
           avg(is_decided_on_time::int) filter (where decided_at is not null) as on_time
    from {t} where {where} group by 1 order by applications desc limit 15
    """,
    date_column="applied_date",
    needs=("item_code", "item_name", "days_to_decision", "is_decided_on_time", "decided_at"),
)

CLAIMS = "fct_supervision_claims"

CLAIMS_FUNNEL = fact_query(
    "claims_funnel",
    CLAIMS,
    """
    select count(*) as pushed, count(claimed_at) as claimed,
           count(*) filter (where is_claimed_on_time) as claimed_on_time,
           count(returned_at) as returned
    from {t} where {where}
    """,
    date_column="pushed_date",
    needs=("claimed_at", "is_claimed_on_time", "returned_at"),
)

CLAIMS_OVERDUE = fact_query(
    "claims_overdue",
    CLAIMS,
    f"""
    select claim_id, item_code, approving_department_code, department_code, county_code,
           pushed_at, claim_deadline,
           date_diff('hour', claim_deadline, {_REF_END}) as hours_overdue
    from {{t}}
    where {{where}} and claim_deadline < {_REF_END}
      and (claimed_at is null or claimed_at >= {_REF_END})
    order by claim_deadline limit 100
    """,
    date_column="pushed_date",
    window="until",
    needs=("claim_id", "item_code", "claim_deadline", "claimed_at", "pushed_at"),
)

LOOP = "fct_entity_loop"
# The chain every origin may walk: approval push / warning / ticket / drone finding → accepted
# → first inspection → problem → rectified or clue → case filed → decided → closed.
# The steps a loop instance can pass, in chain order: the paths the Sankey is drawn from.
LOOP_PATH_STEPS = (
    "accepted", "inspected", "problem_found", "rectified", "clue", "case_filed",
    "case_decided", "case_closed", "reviewed",
)  # fmt: skip

LOOP_PATHS = fact_query(
    "loop_paths",
    LOOP,
    """
    select origin_type,
           accepted_at is not null as accepted, first_inspected_date is not null as inspected,
           problem_found_date is not null as problem_found,
           rectified_date is not null as rectified, clue_received_date is not null as clue,
           case_filed_date is not null as case_filed,
           case_decided_date is not null as case_decided,
           case_closed_date is not null as case_closed, reviewed_date is not null as reviewed,
           is_open, count(*) as loops
    from {t} where {where} group by all order by all
    """,
    date_column="origin_date",
    needs=(
        "origin_type", "accepted_at", "first_inspected_date", "problem_found_date",
        "rectified_date", "clue_received_date", "case_filed_date", "case_decided_date",
        "case_closed_date", "reviewed_date", "is_open",
    ),
)  # fmt: skip

LOOP_OVERDUE = fact_query(
    "loop_overdue",
    LOOP,
    """
    select loop_id, origin_type, origin_ref, department_code, county_code, town_code,
           origin_date, due_date, stage
    from {t}
    where {where} and is_open and is_overdue
    order by coalesce(due_date, origin_date) limit 100
    """,
    date_column="origin_date",
    window="until",
    needs=("loop_id", "origin_type", "origin_ref", "due_date", "stage", "is_open", "is_overdue"),
)

GRID_MAP = fact_query(
    "grid_map",
    TICKETS,
    """
    select g.grid_code, g.longitude as lon, g.latitude as lat, count(*) as tickets
    from {t} as t join marts.dim_grid g on g.grid_code = t.grid_code
    where {where} and g.longitude is not null and g.latitude is not null
    group by all
    """,
    date_column="t.received_date",
    county="t.county_code",
    town="t.town_code",
    department="t.department_code",
    needs=("grid_code",),
    also=(("dim_grid", ("grid_code", "longitude", "latitude")),),
)
