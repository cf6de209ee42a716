{#- 综合查一次合并机会: one row per entity and month in which planned on-site inspections by
    different departments came on different days — visits one joint inspection could have
    merged (int_inspection__merge_opportunities holds the pairs). -#}
with

pairs as not materialized (
    select * from {{ ref('int_inspection__merge_opportunities') }}
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

final as (
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
)

select * from final
