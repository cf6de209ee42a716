with

geography as (
    select * from {{ ref('stg_reference__geography') }}
),

final as (
    select
        geo_code,
        geo_level,
        parent_code,
        name_zh,
        name_en,
        division_type,
        area_km2,
        population_2020
    from geography
)

select * from final
