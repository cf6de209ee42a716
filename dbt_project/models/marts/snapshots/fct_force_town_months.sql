{#- 乡镇综合执法覆盖月末快照: every town on each snapshot day, with the integrated squads and
    town units covering it (一支队伍管执法) and its front-line enforcement staff. -#}
with

month_ends as (
    select * from {{ ref('int_calendar__month_ends') }}
),

towns as (
    select geo_code as town_code, parent_code as county_code
    from {{ ref('dim_geography') }}
    where geo_level = 'town'
),

cover as (
    select * from {{ ref('int_force__town_unit_cover') }}
),

staff_months as (
    select * from {{ ref('fct_force_staff_months') }}
),

town_months as (
    select month_ends.month_start, month_ends.as_of_date, towns.county_code, towns.town_code
    from month_ends
    cross join towns
),

covering_units as (
    select
        month_start,
        town_code,
        count(*) as covering_unit_count,
        count(*) filter (where squad_kind = 'SQUAD') as covering_squad_count,
        count(*) filter (where squad_kind = 'TOWN_UNIT') as covering_town_unit_count
    from cover
    group by month_start, town_code
),

frontline as (
    select month_start, town_code, count(*) as frontline_staff
    from staff_months
    where is_on_staff and is_frontline and town_code is not null
    group by month_start, town_code
),

final as (
    select
        town_months.month_start,
        town_months.as_of_date,
        town_months.county_code,
        town_months.town_code,
        coalesce(covering_units.covering_unit_count, 0) as covering_unit_count,
        coalesce(covering_units.covering_squad_count, 0) as covering_squad_count,
        coalesce(covering_units.covering_town_unit_count, 0) as covering_town_unit_count,
        coalesce(covering_units.covering_unit_count, 0) > 0 as is_covered,
        coalesce(frontline.frontline_staff, 0) as frontline_staff
    from town_months
    left join covering_units using (month_start, town_code)
    left join frontline using (month_start, town_code)
)

select * from final
