{#- 执法队伍维度: every enforcement team in its latest state (merged teams keep their row). -#}
with

teams as (
    select * from {{ ref('stg_organisation__teams') }}
),

final as (
    select
        team_id,
        team_name,
        department_code,
        domain_code,
        level as team_level,
        county_code,
        valid_from,
        valid_to,
        merged_into_team_id
    from teams
)

select * from final
