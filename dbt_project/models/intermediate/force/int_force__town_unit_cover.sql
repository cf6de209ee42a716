{#- 乡镇执法力量覆盖: which integrated squads (中队) and "big town leads small township" units
    (大镇带小乡执法单元) cover each town at each snapshot day — the seat town of each, and the
    towns a unit also serves (covered_town_codes). -#}
with

squads as (
    {{ state_at_month_ends(source('organisation', 'squads'), 'squad_id') }}
),

integrated as (
    -- integrated into the comprehensive force by the snapshot day (as fct_force_squad_months)
    select month_start, squad_id, kind as squad_kind, town_code, covered_town_codes
    from squads
    where integrated_date <= as_of_date
),

seats as (
    select month_start, squad_id, squad_kind, town_code, true as is_seat
    from integrated
    where town_code is not null
),

served as (
    select
        month_start,
        squad_id,
        squad_kind,
        trim(unnest(string_split(covered_town_codes, ';'))) as town_code,
        false as is_seat
    from integrated
    where covered_town_codes is not null and covered_town_codes <> ''
),

unioned as (
    select * from seats
    union all
    select * from served
),

final as (
    -- a town named both as seat and as served counts once per unit
    select
        month_start,
        town_code,
        squad_id,
        any_value(squad_kind) as squad_kind,
        bool_or(is_seat) as is_seat
    from unioned
    where town_code <> ''
    group by month_start, town_code, squad_id
)

select * from final
