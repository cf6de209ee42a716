{{ config(materialized='incremental', unique_key=['case_no', 'seq'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('enforcement', 'case_events') }}
),

latest as (
    {{ latest_state('source', 'case_no, seq', '_partition_date') }}
),

final as (
    select
        case_no,
        seq,
        stage,
        event_at,
        dept_code as department_code,
        handler_post,
        note,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
