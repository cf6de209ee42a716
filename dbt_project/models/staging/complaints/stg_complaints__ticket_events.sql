{{ config(materialized='incremental', unique_key=['ticket_no', 'seq'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('complaints', 'ticket_events') }}
),

latest as (
    {{ latest_state('source', 'ticket_no, seq', '_partition_date') }}
),

final as (
    select
        ticket_no,
        seq,
        event_type,
        event_at,
        dept_code as department_code,
        note,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
