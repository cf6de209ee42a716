-- Every county sits on the map at the centroid of its grids: it has a position, and that
-- position lies inside the box its grids span.
with

counties as (
    select geo_code, lon, lat from {{ ref('dim_geography') }} where geo_level = 'county'
),

grid_boxes as (
    select
        county_code,
        min(longitude) as min_lon,
        max(longitude) as max_lon,
        min(latitude) as min_lat,
        max(latitude) as max_lat
    from {{ ref('dim_grid') }}
    group by county_code
)

select counties.geo_code, counties.lon, counties.lat
from counties
left join grid_boxes on grid_boxes.county_code = counties.geo_code
where counties.lon is null
    or counties.lat is null
    or counties.lon not between grid_boxes.min_lon and grid_boxes.max_lon
    or counties.lat not between grid_boxes.min_lat and grid_boxes.max_lat
