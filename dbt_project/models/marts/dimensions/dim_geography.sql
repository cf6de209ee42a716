{#- 行政区划维: the city, its counties and towns, each with a map position (lon/lat, WGS-84)
    computed as the centroid of the grids it holds (网格中心点均值), not typed in. -#}
with

geography as (
    select * from {{ ref('stg_reference__geography') }}
),

grids as (
    select * from {{ ref('dim_grid') }}
),

located_grids as (
    -- grids with a usable centre; the mean of their centres places a division on the map
    select town_code, county_code, latitude, longitude
    from grids
    where latitude between -90 and 90 and longitude between -180 and 180
),

town_centroids as (
    select town_code as geo_code, avg(longitude) as lon, avg(latitude) as lat
    from located_grids
    group by town_code
),

county_centroids as (
    select county_code as geo_code, avg(longitude) as lon, avg(latitude) as lat
    from located_grids
    where county_code is not null
    group by county_code
),

city_centroid as (
    select city.geo_code, avg(located_grids.longitude) as lon, avg(located_grids.latitude) as lat
    from geography as city
    cross join located_grids
    where city.geo_level = 'city'
    group by city.geo_code
),

centroids as (
    select geo_code, lon, lat, 'town' as geo_level from town_centroids
    union all
    select geo_code, lon, lat, 'county' as geo_level from county_centroids
    union all
    select geo_code, lon, lat, 'city' as geo_level from city_centroid
),

final as (
    select
        geography.geo_code,
        geography.geo_level,
        geography.parent_code,
        geography.name_zh,
        geography.name_en,
        geography.division_type,
        geography.area_km2,
        geography.population_2020,
        cast(centroids.lon as double) as lon,
        cast(centroids.lat as double) as lat
    from geography
    left join centroids
        on centroids.geo_code = geography.geo_code
        and centroids.geo_level = geography.geo_level
)

select * from final
