-- The workload fact counts every case decided in a snapshot month once, in that month: its
-- CASE_DECIDED rows per month equal the cases fct_cases says were decided in the month.
with

workload as (
    select month_start, count(*) as cases_decided
    from {{ ref('fct_force_workload_months') }}
    where record_kind = 'CASE_DECIDED'
    group by month_start
),

cases as (
    select cast(date_trunc('month', decided_date) as date) as month_start, count(*) as cases_decided
    from {{ ref('fct_cases') }}
    where decided_date is not null
    group by 1
),

months as (
    select month_start from {{ ref('int_calendar__month_ends') }}
)

select months.month_start, workload.cases_decided as in_workload, cases.cases_decided as in_cases
from months
left join workload using (month_start)
left join cases using (month_start)
where coalesce(workload.cases_decided, 0) <> coalesce(cases.cases_decided, 0)
