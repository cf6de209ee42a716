{#- 无人机与机巢月末快照: one row per drone and per dock at each snapshot day, so that the
    fleet (drones in service) and its coverage (patrol area of docks in service) are read
    from one fact. -#}
with

drones as (
    {{ state_at_month_ends(source('drones', 'drones'), 'drone_id') }}
),

docks as (
    {{ state_at_month_ends(source('drones', 'docks'), 'dock_id') }}
),

dock_places as (
    select dock_id, county_code, town_code from {{ ref('stg_drones__docks') }}
),

drone_rows as (
    select
        drones.month_start,
        drones.as_of_date,
        'DRONE' as asset_kind,
        drones.drone_id as asset_id,
        drones.dock_id,
        dock_places.county_code,
        dock_places.town_code,
        drones.status = 'ACTIVE' as is_in_service,
        cast(0 as double) as patrol_area_km2
    from drones
    left join dock_places using (dock_id)
),

dock_rows as (
    select
        month_start,
        as_of_date,
        'DOCK' as asset_kind,
        dock_id as asset_id,
        dock_id,
        county_code,
        town_code,
        commissioned_date <= as_of_date
            and (decommissioned_date is null or decommissioned_date > as_of_date) as is_in_service,
        cast(patrol_area_km2 as double) as patrol_area_km2
    from docks
),

final as (
    select * from drone_rows
    union all
    select * from dock_rows
)

select * from final
