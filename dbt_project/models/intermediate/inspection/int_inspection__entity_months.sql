{#- One row per inspected entity and month: how many distinct days inspectors came, in how
    many visits, from how many departments. Several departments on one day (a joint
    inspection, 综合查一次) count as one day: that is the burden the reform set out to cut. -#}
with

tasks as not materialized (
    select * from {{ ref('stg_inspection__tasks') }}
),

departments_on_site as (
    select
        task_id,
        entity_uscc,
        inspected_date,
        department_code
    from tasks
    union all
    select
        task_id,
        entity_uscc,
        inspected_date,
        trim(joint_code) as department_code
    from tasks, unnest(string_split(coalesce(joint_department_codes, ''), ';')) as joint(joint_code)
    where trim(joint_code) <> ''
),

locations as (
    select
        entity_uscc,
        cast(date_trunc('month', inspected_date) as date) as month_start,
        arg_max(county_code, inspected_date) as county_code,
        arg_max(town_code, inspected_date) as town_code,
        count(*) as inspection_tasks,
        count(distinct inspected_date) as inspection_days
    from tasks
    group by 1, 2
),

department_counts as (
    select
        entity_uscc,
        cast(date_trunc('month', inspected_date) as date) as month_start,
        count(distinct department_code) as departments_on_site
    from departments_on_site
    group by 1, 2
),

final as (
    select
        locations.entity_uscc,
        locations.month_start,
        locations.county_code,
        locations.town_code,
        locations.inspection_tasks,
        locations.inspection_days,
        department_counts.departments_on_site
    from locations
    inner join department_counts using (entity_uscc, month_start)
)

select * from final
