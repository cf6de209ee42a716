{#- 执法力量与办案量月度事实: per month, one row per member of staff on the snapshot day and
    per case decided in the month — so workload per front-line officer (人均办案量 = cases
    decided ÷ front-line staff) is a ratio over one fact, at every slice of place and
    department. -#}
with

month_ends as (
    select * from {{ ref('int_calendar__month_ends') }}
),

staff_months as (
    select * from {{ ref('fct_force_staff_months') }}
),

cases as (
    select case_no, department_code, county_code, town_code, decided_date
    from {{ ref('fct_cases') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

staff_rows as (
    select
        month_start,
        as_of_date,
        'STAFF' as record_kind,
        staff_id as record_id,
        department_code,
        county_code,
        town_code,
        coalesce(is_frontline, false) as is_frontline
    from staff_months
    where is_on_staff
),

case_rows as (
    -- a case counts in the month its decision was made (作出处罚决定)
    select
        month_ends.month_start,
        month_ends.as_of_date,
        'CASE_DECIDED' as record_kind,
        cases.case_no as record_id,
        cases.department_code,
        cases.county_code,
        cases.town_code,
        false as is_frontline
    from cases
    inner join month_ends
        on month_ends.month_start = cast(date_trunc('month', cases.decided_date) as date)
),

unioned as (
    select * from staff_rows
    union all
    select * from case_rows
),

final as (
    select
        unioned.month_start,
        unioned.as_of_date,
        unioned.record_kind,
        unioned.record_id,
        unioned.department_code,
        departments.domain_code as team_domain_code,
        unioned.county_code,
        unioned.town_code,
        unioned.is_frontline
    from unioned
    left join departments using (department_code)
)

select * from final
