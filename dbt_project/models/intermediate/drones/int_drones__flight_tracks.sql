{#- 飞行轨迹汇总: the telemetry received for each sortie — how many track points and the
    highest point reached — so the sortie fact can tell complete uploads from partial ones. -#}
with

track_points as (
    select * from {{ ref('stg_drones__track_points') }}
),

final as (
    select
        flight_id,
        count(*) as track_point_count,
        cast(max(altitude_m) as double) as max_altitude_m
    from track_points
    group by flight_id
)

select * from final
