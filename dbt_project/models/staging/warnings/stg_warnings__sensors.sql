with

source as (
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
        _partition_date as landed_date
    from latest
)

select * from final
