with

source as (
    select * from {{ source('grid', 'cells') }}
),

latest as (
    {{ latest_state('source', 'grid_code', 'updated_at') }}
),

final as (
    select
        grid_code,
        grid_name,
        town_code,
        county_code,
        latitude,
        longitude,
        grid_workers,
        valid_from,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
