with

source as (
    select * from {{ source('organisation', 'squads') }}
),

latest as (
    {{ latest_state('source', 'squad_id', 'updated_at') }}
),

final as (
    select
        squad_id,
        squad_name,
        team_id,
        kind,
        county_code,
        town_code,
        covered_town_codes,
        established_date,
        integrated_date,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
