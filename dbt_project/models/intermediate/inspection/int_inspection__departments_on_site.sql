{#- 到场部门: one row per inspection task and department that took part in it — the lead
    department and each partner of a joint visit (综合查一次) — so that burden rules can ask
    which departments came to an entity on which day. -#}
with

tasks as not materialized (
    select * from {{ ref('stg_inspection__tasks') }}
),

lead_departments as (
    select
        task_id,
        entity_uscc,
        county_code,
        town_code,
        inspected_date,
        inspect_mode,
        department_code,
        true as is_lead
    from tasks
),

joint_departments as (
    select
        tasks.task_id,
        tasks.entity_uscc,
        tasks.county_code,
        tasks.town_code,
        tasks.inspected_date,
        tasks.inspect_mode,
        trim(joint.joint_code) as department_code,
        false as is_lead
    from tasks,
        unnest(string_split(coalesce(tasks.joint_department_codes, ''), ';')) as joint(joint_code)
    where trim(joint.joint_code) <> ''
),

all_departments as (
    select * from lead_departments
    union all
    select * from joint_departments
),

final as (
    -- a department named twice on one task (lead and partner) took part once
    select
        task_id,
        department_code,
        entity_uscc,
        county_code,
        town_code,
        inspected_date,
        inspect_mode,
        bool_or(is_lead) as is_lead
    from all_departments
    group by task_id, department_code, entity_uscc, county_code, town_code, inspected_date,
        inspect_mode
)

select * from final
