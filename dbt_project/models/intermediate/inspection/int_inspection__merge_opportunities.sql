{#- 综合查一次 merge opportunities: pairs of planned on-site inspections of the same entity in
    the same calendar month, led by different departments and made on different days — two
    separate visits that one joint visit could have replaced.

    Planned means the task belongs to an inspection plan (fixed, dynamic, 双随机 or superior
    deployment): such visits can be scheduled together. Tasks triggered by a warning, a
    complaint, a drone finding or a licence keep their own deadlines and are left out, and so
    are remote (非现场) checks, which cost the entity no visit. Each pair appears once, the
    earlier visit first.

    Incremental by entity, as fct_inspection_burden_alerts: a daily run re-derives the pairs
    of the entities named by a task version loaded since its last run and replaces their
    rows; an entity left without pairs is written as one row without a task, which the
    post-hook removes. -#}
{{ config(
    materialized='incremental', unique_key='entity_uscc',
    incremental_strategy='delete+insert', on_schema_change='fail',
    post_hook="delete from {{ this }} where task_id is null"
) }}

with

task_states as (
    select * from {{ ref('stg_inspection__tasks') }}
),

task_versions as not materialized (
    select * from {{ source('inspection', 'tasks') }}
),

{%- if is_incremental() %}

touched_entities as (
    {{ entities_of_new_task_versions('task_versions') }}
),

{%- endif %}

planned_visits as (
    select
        task_id,
        entity_uscc,
        department_code,
        inspected_date,
        cast(date_trunc('month', inspected_date) as date) as month_start,
        county_code,
        town_code
    from task_states
    where plan_id is not null
        and inspect_mode = 'ONSITE'
        and entity_uscc is not null
        and inspected_date is not null
        {%- if is_incremental() %}
        and entity_uscc in (select entity_uscc from touched_entities)
        {%- endif %}
),

pairs as (
    select
        earlier.entity_uscc,
        earlier.month_start,
        earlier.task_id,
        earlier.department_code,
        earlier.inspected_date,
        later.task_id as paired_task_id,
        later.department_code as paired_department_code,
        later.inspected_date as paired_inspected_date,
        date_diff('day', earlier.inspected_date, later.inspected_date) as days_apart,
        later.county_code,
        later.town_code
    from planned_visits as earlier
    inner join planned_visits as later
        on earlier.entity_uscc = later.entity_uscc
        and earlier.month_start = later.month_start
        and earlier.department_code <> later.department_code
        and earlier.inspected_date < later.inspected_date
),

entity_pairs as (
    select
        entity_uscc,
        month_start,
        task_id,
        department_code,
        inspected_date,
        paired_task_id,
        paired_department_code,
        paired_inspected_date,
        days_apart,
        county_code,
        town_code
    from pairs
    {%- if is_incremental() %}
    union all
    -- the touched entities without any pair now: one row each, removed by the post-hook
    select entity_uscc, null, null, null, null, null, null, null, null, null, null
    from touched_entities
    where entity_uscc not in (select entity_uscc from pairs)
    {%- endif %}
),

final as (
    select
        *,
        -- the newest task version this run has seen: the next run starts after it
        {{ batch_loaded_at('task_versions') }} as _batch_loaded_at
    from entity_pairs
)

select * from final
