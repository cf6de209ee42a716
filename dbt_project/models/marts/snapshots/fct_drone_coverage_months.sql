{#- 无人机巡查覆盖月末快照: per snapshot month, the patrol area of every dock (机巢巡查范围)
    and the land area of every county, so the share of the city (and of each county) that
    drones cover is a ratio over one fact. The city's area is the sum of its counties'. -#}
with

fleet_months as (
    select * from {{ ref('fct_drone_fleet_months') }}
),

month_ends as (
    select * from {{ ref('int_calendar__month_ends') }}
),

counties as (
    select geo_code as county_code, area_km2
    from {{ ref('dim_geography') }}
    where geo_level = 'county'
),

dock_rows as (
    select
        month_start,
        as_of_date,
        'DOCK_PATROL' as area_kind,
        asset_id as area_id,
        county_code,
        -- no town: land areas are published for few towns, so the share is a county figure
        cast(null as varchar) as town_code,
        is_in_service,
        patrol_area_km2 as area_km2
    from fleet_months
    where asset_kind = 'DOCK'
),

county_rows as (
    select
        month_ends.month_start,
        month_ends.as_of_date,
        'COUNTY_LAND' as area_kind,
        counties.county_code as area_id,
        counties.county_code,
        cast(null as varchar) as town_code,
        true as is_in_service,
        cast(counties.area_km2 as double) as area_km2
    from month_ends
    cross join counties
),

final as (
    select * from dock_rows
    union all
    select * from county_rows
)

select * from final
