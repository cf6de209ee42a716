with

source as (
    select * from {{ ref('quzhou_geography') }}
),

final as (
    select
        cast(code as varchar) as geo_code,
        level as geo_level,
        cast(parent_code as varchar) as parent_code,
        name_zh,
        name_en,
        type as division_type,
        area_km2,
        population_2020
    from source
    -- a division without an official code cannot be referenced by any export
    where code is not null
)

select * from final
