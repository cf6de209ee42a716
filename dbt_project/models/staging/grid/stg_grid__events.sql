{{ config(materialized='incremental', unique_key=['event_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('grid', 'events') }}
),

latest as (
    {{ latest_state('source', 'event_id', 'updated_at') }}
),

final as (
    select
        event_id,
        grid_code,
        town_code,
        county_code,
        reporter_kind,
        reporter_name,
        event_type,
        latitude,
        longitude,
        reported_at,
        handled_in_grid,
        escalated_to,
        escalated_at,
        dept_code as department_code,
        handled_at,
        closed_at,
        status,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
