with

source as (
    select * from {{ source('drones', 'docks') }}
),

latest as (
    {{ latest_state('source', 'dock_id', 'updated_at') }}
),

final as (
    select
        dock_id,
        dock_name,
        county_code,
        town_code,
        lat,
        lon,
        patrol_area_km2,
        commissioned_date,
        decommissioned_date,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
