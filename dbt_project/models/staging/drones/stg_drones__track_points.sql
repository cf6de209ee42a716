{{ config(materialized='incremental', unique_key=['flight_id', 'seq'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
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
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
