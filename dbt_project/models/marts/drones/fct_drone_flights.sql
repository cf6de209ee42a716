{#- 无人机飞行架次事实: one row per sortie (架次), placed at the dock it took off from, with
    its duration (飞行时长), distance (飞行里程), area swept and the track points received. -#}
with

flights as (
    select * from {{ ref('stg_drones__flights') }}
),

docks as (
    select dock_id, county_code as dock_county_code, town_code as dock_town_code
    from {{ ref('stg_drones__docks') }}
),

tracks as (
    select * from {{ ref('int_drones__flight_tracks') }}
),

joined as (
    select
        flights.*,
        docks.dock_county_code,
        docks.dock_town_code,
        tracks.track_point_count,
        tracks.max_altitude_m
    from flights
    left join docks using (dock_id)
    left join tracks using (flight_id)
),

final as (
    select
        flight_id,
        drone_id,
        dock_id,
        county_code,
        -- the dock's town, when the dock stands in the sortie's county
        case when dock_county_code = county_code then dock_town_code end as town_code,
        route_kind,
        dispatched_by,
        purpose,
        takeoff_at,
        cast(takeoff_at as date) as takeoff_date,
        landing_at,
        date_diff('second', takeoff_at, landing_at) / 3600.0 as flight_hours,
        cast(distance_km as double) as distance_km,
        cast(area_km2 as double) as area_km2,
        cast(point_count as bigint) as point_count,
        coalesce(track_point_count, 0) as track_point_count,
        max_altitude_m,
        updated_at
    from joined
)

select * from final
