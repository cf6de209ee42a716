-- 综合查一次 merge pairs: two planned on-site tasks of one entity, in one month, led by
-- different departments on different days, the earlier first; and every task of a pair is
-- flagged mergeable in fct_inspection_tasks and counted in its fct_merge_opportunities row.
with

pairs as (
    select * from {{ ref('int_inspection__merge_opportunities') }}
),

tasks as (
    select * from {{ ref('fct_inspection_tasks') }}
),

opportunities as (
    select * from {{ ref('fct_merge_opportunities') }}
),

bad_pairs as (
    select pairs.task_id, pairs.paired_task_id, 'pair rule broken' as problem
    from pairs
    inner join tasks as earlier on earlier.task_id = pairs.task_id
    inner join tasks as later on later.task_id = pairs.paired_task_id
    where earlier.entity_uscc <> later.entity_uscc
        or date_trunc('month', earlier.inspected_date) <> date_trunc('month', later.inspected_date)
        or earlier.department_code = later.department_code
        or earlier.inspected_date >= later.inspected_date
        or not (earlier.is_planned and later.is_planned and earlier.is_onsite and later.is_onsite)
        or not (earlier.is_mergeable and later.is_mergeable)
),

unpaired_mergeable as (
    select tasks.task_id, null as paired_task_id, 'mergeable without a pair' as problem
    from tasks
    where tasks.is_mergeable
        and tasks.task_id not in (select task_id from pairs)
        and tasks.task_id not in (select paired_task_id from pairs)
),

miscounted as (
    select opportunities.opportunity_id as task_id, null as paired_task_id,
        'opportunity count differs from its mergeable tasks' as problem
    from opportunities
    left join (
        select entity_uscc, cast(date_trunc('month', inspected_date) as date) as month_start,
            count(*) as mergeable_tasks
        from tasks
        where is_mergeable
        group by all
    ) as counted using (entity_uscc, month_start)
    where counted.mergeable_tasks is distinct from opportunities.mergeable_tasks
)

select * from bad_pairs
union all
select * from unpaired_mergeable
union all
select * from miscounted
