with

source as (
    select * from {{ source('organisation', 'teams') }}
),

latest as (
    {{ latest_state('source', 'team_id', 'updated_at') }}
),

final as (
    select
        team_id,
        team_name,
        department_code,
        domain_code,
        level,
        county_code,
        valid_from,
        valid_to,
        merged_into_team_id,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
