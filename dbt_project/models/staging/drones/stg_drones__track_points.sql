with

source as (
    select * from {{ source('drones', 'track_points') }}
),

latest as (
    {{ latest_state('source', 'flight_id, seq', '_partition_date') }}
),

final as (
    select
        flight_id,
        seq,
        recorded_at,
        lat,
        lon,
        altitude_m,
        speed_mps,
        _partition_date as landed_date
    from latest
)

select * from final
