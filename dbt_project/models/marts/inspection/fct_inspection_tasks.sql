{#- 检查任务事实: one row per inspection task in its latest state, with its "1+5" domain, its
    checklist totals and whether it was one of the planned visits a joint inspection could
    have merged (综合查一次合并机会). -#}
with

tasks as (
    select * from {{ ref('stg_inspection__tasks') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

checklist_lines as (
    select * from {{ ref('stg_inspection__checklist_lines') }}
),

merge_pairs as not materialized (
    select * from {{ ref('int_inspection__merge_opportunities') }}
),

checklists as (
    select
        task_id,
        count(*) as checklist_lines,
        count(*) filter (where line_result in ('PASS', 'FAIL')) as checklist_lines_applicable,
        count(*) filter (where line_result = 'FAIL') as checklist_lines_failed
    from checklist_lines
    group by task_id
),

mergeable_tasks as (
    select task_id from merge_pairs
    union
    select paired_task_id as task_id from merge_pairs
),

final as (
    select
        tasks.task_id,
        tasks.plan_id,
        tasks.entity_uscc,
        tasks.county_code,
        tasks.town_code,
        tasks.department_code,
        departments.domain_code as team_domain_code,
        tasks.joint_department_codes,
        tasks.is_joint,
        tasks.task_source,
        tasks.trigger_ref,
        tasks.inspect_mode,
        tasks.inspected_date,
        tasks.result_code,
        tasks.finding_count,
        tasks.result_code in ('RECTIFY', 'CLUE') as has_findings,
        tasks.result_code = 'RECTIFY' as is_rectification_ordered,
        tasks.rectify_deadline,
        tasks.rectified_date,
        coalesce(tasks.rectified_date <= tasks.rectify_deadline, false) as is_rectified_on_time,
        tasks.plan_id is not null as is_planned,
        tasks.inspect_mode = 'ONSITE' as is_onsite,
        coalesce(checklists.checklist_lines, 0) as checklist_lines,
        coalesce(checklists.checklist_lines_applicable, 0) as checklist_lines_applicable,
        coalesce(checklists.checklist_lines_failed, 0) as checklist_lines_failed,
        mergeable_tasks.task_id is not null as is_mergeable,
        tasks.updated_at,
        tasks.landed_date
    from tasks
    left join departments on departments.department_code = tasks.department_code
    left join checklists on checklists.task_id = tasks.task_id
    left join mergeable_tasks on mergeable_tasks.task_id = tasks.task_id
)

select * from final
