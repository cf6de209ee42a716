{{ config(materialized='incremental', unique_key=['application_id', 'step_seq'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('approvals', 'steps') }}
),

latest as (
    {{ latest_state('source', 'application_id, step_seq', 'updated_at') }}
),

final as (
    select
        application_id,
        step_seq,
        step_code,
        dept_code as department_code,
        handler_post,
        started_at,
        finished_at,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
