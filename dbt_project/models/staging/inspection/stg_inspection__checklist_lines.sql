with

source as (
    select * from {{ source('inspection', 'checklist_lines') }}
),

latest as (
    {{ latest_state('source', 'task_id, line_no', '_partition_date') }}
),

final as (
    select
        task_id,
        line_no,
        item_code,
        check_point,
        line_result,
        finding_text,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
