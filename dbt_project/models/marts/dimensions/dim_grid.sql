{#- 网格维度: the grids of the base-level governance layer, each in its town. -#}
with

cells as (
    select * from {{ ref('stg_grid__cells') }}
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
        valid_from
    from cells
)

select * from final
