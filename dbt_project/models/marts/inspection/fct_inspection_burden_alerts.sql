{#- 30日多头检查预警: one row per entity and day on which an on-site inspection came while
    another department had been on site on a different day within the previous 30 days
    (the alert day and the 29 days before it). The Quzhou command centre's "重复检查监测"
    model raises such alerts; each row says how many departments and visit days the 30-day
    window held.

    Incremental: an entity's alerts depend on its own visits only, so a daily run re-derives
    the alerts of the entities named by any version of a task that landed since this table's
    last run (the old version too: a task moved to another entity takes its alerts away from
    the first), and replaces all their rows (delete+insert by entity). An entity left with no
    alert is written as one row without an alert day, so its old rows go, and the post-hook
    removes that row. tests/test_incremental.py proves it equals a full rebuild. -#}
{{ config(
    materialized='incremental', unique_key='entity_uscc',
    incremental_strategy='delete+insert', on_schema_change='fail',
    post_hook="delete from {{ this }} where alert_date is null"
) }}

with

departments_on_site as (
    select * from {{ ref('int_inspection__departments_on_site') }}
),

task_versions as not materialized (
    select * from {{ source('inspection', 'tasks') }}
),

{%- if is_incremental() %}

touched_entities as (
    {{ entities_of_new_task_versions('task_versions') }}
),

{%- endif %}

visits as (
    select distinct
        entity_uscc,
        inspected_date,
        department_code,
        county_code,
        town_code
    from departments_on_site
    where inspect_mode = 'ONSITE'
        and entity_uscc is not null
        and inspected_date is not null
        {%- if is_incremental() %}
        and entity_uscc in (select entity_uscc from touched_entities)
        {%- endif %}
),

triggering_days as (
    select distinct
        current_visit.entity_uscc,
        current_visit.inspected_date as alert_date
    from visits as current_visit
    inner join visits as earlier_visit
        on earlier_visit.entity_uscc = current_visit.entity_uscc
        and earlier_visit.inspected_date >= current_visit.inspected_date - 29
        and earlier_visit.inspected_date < current_visit.inspected_date
        and earlier_visit.department_code <> current_visit.department_code
),

windows as (
    select
        triggering_days.entity_uscc,
        triggering_days.alert_date,
        arg_max(visits.county_code, visits.inspected_date) as county_code,
        arg_max(visits.town_code, visits.inspected_date) as town_code,
        count(distinct visits.department_code) as departments_in_window,
        count(distinct visits.inspected_date) as visit_days_in_window,
        min(visits.inspected_date) as window_first_visit_date
    from triggering_days
    inner join visits
        on visits.entity_uscc = triggering_days.entity_uscc
        and visits.inspected_date between triggering_days.alert_date - 29
            and triggering_days.alert_date
    group by triggering_days.entity_uscc, triggering_days.alert_date
),

alerts as (
    select
        entity_uscc || ':' || strftime(alert_date, '%Y-%m-%d') as alert_id,
        entity_uscc,
        alert_date,
        county_code,
        town_code,
        departments_in_window,
        visit_days_in_window,
        window_first_visit_date
    from windows
    {%- if is_incremental() %}
    union all
    -- the touched entities without any alert now: one row each, removed by the post-hook
    select
        null, entity_uscc, null, null, null, null, null, null
    from touched_entities
    where entity_uscc not in (select entity_uscc from windows)
    {%- endif %}
),

final as (
    select
        *,
        -- the newest task version this run has seen: the next run starts after it
        {{ batch_loaded_at('task_versions') }} as _batch_loaded_at,
        {{ written_at() }} as _written_at
    from alerts
)

select * from final
