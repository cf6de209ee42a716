{#- 在办案件月末快照: one row per case and month-end snapshot day on which the case was
    open (filed, not yet decided), with its age and whether it was past its decision
    deadline that day (an extension counts from the day it was approved). -#}
with

cases as (
    select * from {{ ref('fct_cases') }}
),

lifecycle as (
    select case_no, extended_at from {{ ref('int_enforcement__case_lifecycle') }}
),

month_ends as (
    select * from {{ ref('int_calendar__month_ends') }}
),

limits as (
    -- 《行政处罚法》第六十条 and the case-handling system's extended limit (as in the lifecycle)
    select 90 as decision_limit_days, 180 as extended_limit_days
),

open_cases as (
    select
        month_ends.month_start,
        month_ends.as_of_date,
        cases.case_no,
        cases.department_code,
        cases.team_domain_code,
        cases.county_code,
        cases.town_code,
        cases.procedure,
        cases.filed_date,
        -- extended by the snapshot day (a case without a logged extension keeps its flag)
        coalesce(cast(lifecycle.extended_at as date) <= month_ends.as_of_date,
            lifecycle.extended_at is null and cases.is_extended) as is_extended
    from cases
    inner join lifecycle using (case_no)
    inner join month_ends
        on cases.filed_date <= month_ends.as_of_date
        and (cases.decided_date is null or cases.decided_date > month_ends.as_of_date)
),

final as (
    select
        open_cases.month_start,
        open_cases.as_of_date,
        open_cases.case_no,
        open_cases.department_code,
        open_cases.team_domain_code,
        open_cases.county_code,
        open_cases.town_code,
        open_cases.procedure,
        open_cases.filed_date,
        open_cases.is_extended,
        open_cases.filed_date + case when open_cases.is_extended
            then limits.extended_limit_days else limits.decision_limit_days end
            as decision_deadline_date,
        date_diff('day', open_cases.filed_date, open_cases.as_of_date) as age_days,
        open_cases.as_of_date > open_cases.filed_date + case when open_cases.is_extended
            then limits.extended_limit_days else limits.decision_limit_days end
            as is_past_deadline
    from open_cases
    cross join limits
)

select * from final
