{#- 中队与乡镇执法单元月末快照: squads and town units, and whether they were integrated
    into the comprehensive force (一支队伍管执法) by the snapshot day. -#}
with

squads as (
    {{ state_at_month_ends(source('organisation', 'squads'), 'squad_id') }}
),

final as (
    select
        month_start,
        as_of_date,
        squad_id,
        team_id,
        kind as squad_kind,
        county_code,
        town_code,
        established_date,
        integrated_date,
        established_date <= as_of_date as is_established,
        coalesce(integrated_date <= as_of_date, false) as is_integrated,
        covered_town_codes
    from squads
)

select * from final
