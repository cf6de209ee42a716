{#- 同一部门年度现场检查: one row per entity, department and calendar year with the distinct
    days the department came on site (as lead or as a partner of a joint visit). Jiashan's
    rule caps one department at 2 on-site inspections of one enterprise a year; the day of the
    third visit is when the cap was broken. -#}
with

departments_on_site as (
    select * from {{ ref('int_inspection__departments_on_site') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

on_site_days as (
    select
        entity_uscc,
        department_code,
        inspected_date,
        cast(year(inspected_date) as integer) as inspection_year,
        count(distinct task_id) as tasks,
        max(county_code) as county_code,
        max(town_code) as town_code
    from departments_on_site
    where inspect_mode = 'ONSITE'
        and entity_uscc is not null
        and inspected_date is not null
    group by entity_uscc, department_code, inspected_date
),

numbered as (
    select
        *,
        row_number() over (
            partition by entity_uscc, department_code, inspection_year order by inspected_date
        ) as visit_no
    from on_site_days
),

years as (
    select
        entity_uscc,
        department_code,
        inspection_year,
        arg_max(county_code, inspected_date) as county_code,
        arg_max(town_code, inspected_date) as town_code,
        count(*) as onsite_days,
        sum(tasks) as onsite_tasks,
        min(inspected_date) as first_onsite_date,
        max(inspected_date) as last_onsite_date,
        min(inspected_date) filter (where visit_no = 3) as third_onsite_date
    from numbered
    group by entity_uscc, department_code, inspection_year
),

final as (
    select
        years.entity_uscc,
        years.department_code,
        departments.domain_code as team_domain_code,
        years.inspection_year,
        make_date(years.inspection_year, 1, 1) as year_start,
        years.county_code,
        years.town_code,
        years.onsite_days,
        cast(years.onsite_tasks as bigint) as onsite_tasks,
        years.first_onsite_date,
        years.last_onsite_date,
        years.third_onsite_date,
        years.onsite_days > 2 as is_over_cap
    from years
    left join departments using (department_code)
)

select * from final
