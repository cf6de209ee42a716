{#- 综合查一次合并机会: one row per entity and month in which planned on-site inspections by
    different departments came on different days — visits one joint inspection could have
    merged (int_inspection__merge_opportunities holds the pairs).

    Incremental by entity, as its pairs are: a daily run re-derives the months of the
    entities named by a task version loaded since its last run and replaces their rows; an
    entity left without any is written as one row without a month, which the post-hook
    removes. -#}
{{ config(
    materialized='incremental', unique_key='entity_uscc',
    incremental_strategy='delete+insert', on_schema_change='fail',
    post_hook="delete from {{ this }} where month_start is null"
) }}

with

task_versions as not materialized (
    select * from {{ source('inspection', 'tasks') }}
),

{%- if is_incremental() %}

touched_entities as (
    {{ entities_of_new_task_versions('task_versions') }}
),

{%- endif %}

pairs as not materialized (
    select * from {{ ref('int_inspection__merge_opportunities') }}
    {%- if is_incremental() %}
    where entity_uscc in (select entity_uscc from touched_entities)
    {%- endif %}
),

pair_tasks as (
    select entity_uscc, month_start, task_id, department_code, inspected_date, county_code,
        town_code
    from pairs
    union
    select entity_uscc, month_start, paired_task_id, paired_department_code,
        paired_inspected_date, county_code, town_code
    from pairs
),

pair_counts as (
    select entity_uscc, month_start, count(*) as merge_pairs
    from pairs
    group by entity_uscc, month_start
),

opportunities as (
    select
        entity_uscc,
        month_start,
        arg_max(county_code, inspected_date) as county_code,
        arg_max(town_code, inspected_date) as town_code,
        count(distinct task_id) as mergeable_tasks,
        count(distinct department_code) as departments,
        count(distinct inspected_date) as visit_days,
        min(inspected_date) as first_visit_date,
        max(inspected_date) as last_visit_date,
        string_agg(distinct task_id, ';' order by task_id) as task_ids
    from pair_tasks
    group by entity_uscc, month_start
),

entity_opportunities as (
    select
        opportunities.entity_uscc || ':' || strftime(opportunities.month_start, '%Y-%m')
            as opportunity_id,
        opportunities.entity_uscc,
        opportunities.month_start,
        opportunities.county_code,
        opportunities.town_code,
        opportunities.mergeable_tasks,
        opportunities.departments,
        opportunities.visit_days,
        -- one joint visit instead of visit_days separate ones
        opportunities.visit_days - 1 as avoidable_visit_days,
        pair_counts.merge_pairs,
        opportunities.first_visit_date,
        opportunities.last_visit_date,
        opportunities.task_ids
    from opportunities
    inner join pair_counts using (entity_uscc, month_start)
    {%- if is_incremental() %}
    union all
    -- the touched entities without any opportunity now: one row each, removed by the
    -- post-hook
    select null, entity_uscc, null, null, null, null, null, null, null, null, null, null, null
    from touched_entities
    where entity_uscc not in (select entity_uscc from opportunities)
    {%- endif %}
),

final as (
    select
        *,
        -- the newest task version this run has seen: the next run starts after it
        {{ batch_loaded_at('task_versions') }} as _batch_loaded_at,
        {{ written_at() }} as _written_at
    from entity_opportunities
)

select * from final
