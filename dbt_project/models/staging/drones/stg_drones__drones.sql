with

source as (
    select * from {{ source('drones', 'drones') }}
),

latest as (
    {{ latest_state('source', 'drone_id', 'updated_at') }}
),

final as (
    select
        drone_id,
        model,
        dock_id,
        status,
        commissioned_date,
        retired_date,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
