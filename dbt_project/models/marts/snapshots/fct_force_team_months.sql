{#- 执法队伍月末快照: every enforcement team as it stood on each month's snapshot day. -#}
with

teams as (
    {{ state_at_month_ends(source('organisation', 'teams'), 'team_id') }}
),

final as (
    select
        month_start,
        as_of_date,
        team_id,
        team_name,
        department_code,
        domain_code,
        level as team_level,
        county_code,
        cast(null as varchar) as town_code,
        valid_from,
        valid_to,
        merged_into_team_id,
        valid_from <= as_of_date and (valid_to is null or valid_to > as_of_date) as is_active
    from teams
)

select * from final
