{#- 无人机维度: every drone with its dock and the dock's place. -#}
with

drones as (
    select * from {{ ref('stg_drones__drones') }}
),

docks as (
    select dock_id, dock_name, county_code, town_code, patrol_area_km2
    from {{ ref('stg_drones__docks') }}
),

final as (
    select
        drones.drone_id,
        drones.model,
        drones.dock_id,
        docks.dock_name,
        docks.county_code,
        docks.town_code,
        docks.patrol_area_km2,
        drones.status,
        drones.commissioned_date,
        drones.retired_date
    from drones
    left join docks using (dock_id)
)

select * from final
