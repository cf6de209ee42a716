{{ config(materialized='incremental', unique_key=['sensor_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('warnings', 'sensors') }}
),

latest as (
    {{ latest_state('source', 'sensor_id', 'updated_at') }}
),

final as (
    select
        sensor_id,
        sensor_type,
        sensor_name,
        county_code,
        town_code,
        entity_uscc,
        latitude,
        longitude,
        installed_date,
        status,
        status_date,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
