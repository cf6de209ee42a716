{{ config(materialized='incremental', unique_key=['ticket_no'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('complaints', 'tickets') }}
),

latest as (
    {{ latest_state('source', 'ticket_no', 'updated_at') }}
),

final as (
    select
        ticket_no,
        channel,
        category,
        priority,
        content,
        county_code,
        town_code,
        grid_code,
        latitude,
        longitude,
        reporter_phone,
        dept_code as department_code,
        received_at,
        due_at,
        dispatched_at,
        sign_due_at,
        signed_at,
        handled_at,
        answered_at,
        closed_at,
        status,
        satisfaction,
        is_repeat,
        to_clue,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
