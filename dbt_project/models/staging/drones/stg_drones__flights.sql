with

source as (
    select * from {{ source('drones', 'flights') }}
),

latest as (
    {{ latest_state('source', 'flight_id', 'updated_at') }}
),

final as (
    select
        flight_id,
        drone_id,
        dock_id,
        county_code,
        route_kind,
        dispatched_by,
        purpose,
        takeoff_at,
        landing_at,
        distance_km,
        area_km2,
        point_count,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
