{#- 乡镇综合执法覆盖: one row per town with an integrated squad (中队) or "大镇带小乡" unit
    (片区执法队) of the comprehensive bureau based in it or covering it, and the first day one
    was integrated into the "1+5" system: from that day the town's comprehensive-enforcement
    cases are handled at town level (一支队伍管执法, 执法力量下沉). -#}
with

squads as (
    select * from {{ ref('stg_organisation__squads') }}
),

teams as (
    select team_id, domain_code from {{ ref('stg_organisation__teams') }}
),

comprehensive_units as (
    select
        squads.squad_id,
        squads.kind,
        squads.county_code,
        squads.town_code,
        squads.covered_town_codes,
        squads.integrated_date
    from squads
    inner join teams using (team_id)
    where teams.domain_code = 'ZHZF'
        and squads.integrated_date is not null
),

unit_towns as (
    -- the town a unit is based in, and the small townships it also covers (带管乡镇)
    select squad_id, kind, town_code, integrated_date
    from comprehensive_units
    union all
    select squad_id, kind, unnest(string_split(covered_town_codes, ';')) as town_code,
        integrated_date
    from comprehensive_units
    where covered_town_codes is not null and covered_town_codes <> ''
),

final as (
    select
        town_code,
        left(town_code, 6) as county_code,
        min(integrated_date) as covered_from_date,
        count(distinct squad_id) filter (where kind = 'SQUAD') as squad_count,
        count(distinct squad_id) filter (where kind = 'TOWN_UNIT') as town_unit_count
    from unit_towns
    group by town_code
)

select * from final
