-- On the last snapshot day the cases open at month end are exactly the undecided cases.
with

snapshot as (
    select case_no from {{ ref('fct_case_month_ends') }}
    where as_of_date = (select max(as_of_date) from {{ ref('int_calendar__month_ends') }})
),

undecided as (
    select case_no from {{ ref('fct_cases') }} where decided_date is null
),

missing as (
    select case_no, 'undecided but not open' as problem from undecided
    where case_no not in (select case_no from snapshot)
),

extra as (
    select case_no, 'open but decided' as problem from snapshot
    where case_no not in (select case_no from undecided)
)

select * from missing
union all
select * from extra
