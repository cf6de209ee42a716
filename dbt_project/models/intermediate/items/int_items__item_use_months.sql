{#- 事项实施情况: for each enforcement item and month, the cases filed and the inspections
    recorded under it (a checklist line citing the item). An item exercised in the last 12
    months is "used" (实施); a delegated item never used is a paper delegation. -#}
with

cases as (
    select item_code, filed_date from {{ ref('stg_enforcement__cases') }}
),

checklist_lines as (
    select task_id, item_code from {{ ref('stg_inspection__checklist_lines') }}
),

tasks as (
    select task_id, inspected_date from {{ ref('stg_inspection__tasks') }}
),

case_uses as (
    select
        item_code,
        cast(date_trunc('month', filed_date) as date) as month_start,
        count(*) as case_count,
        0 as inspection_count
    from cases
    where item_code is not null and filed_date is not null
    group by all
),

inspection_uses as (
    -- one inspection per task and item, however many checklist lines cite the item
    select
        checklist_lines.item_code,
        cast(date_trunc('month', tasks.inspected_date) as date) as month_start,
        0 as case_count,
        count(distinct checklist_lines.task_id) as inspection_count
    from checklist_lines
    inner join tasks using (task_id)
    where checklist_lines.item_code is not null and tasks.inspected_date is not null
    group by all
),

uses as (
    select * from case_uses
    union all
    select * from inspection_uses
),

final as (
    select
        item_code,
        month_start,
        cast(sum(case_count) as bigint) as case_count,
        cast(sum(inspection_count) as bigint) as inspection_count
    from uses
    group by item_code, month_start
)

select * from final
