{{ config(materialized='incremental', unique_key=['warning_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('warnings', 'alerts') }}
),

latest as (
    {{ latest_state('source', 'warning_id', 'updated_at') }}
),

final as (
    select
        warning_id,
        sensor_id,
        warning_type,
        severity,
        county_code,
        town_code,
        entity_uscc,
        latitude,
        longitude,
        measured_value,
        threshold_value,
        raised_at,
        dispatched_at,
        dispatch_dept_code,
        handled_at,
        disposal,
        closed_at,
        status,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
