{{ config(materialized='incremental', unique_key=['task_id', 'line_no'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
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
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
