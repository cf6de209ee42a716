{#- 指标目录月末快照: the catalogue as it stood on each month's snapshot day, one row per
    category and cockpit showing it, so the catalogue can count itself (META_CATEGORIES,
    META_COCKPITS) with the same machinery as every other register. -#}
with

catalog as (
    select * from {{ ref('catalog') }}
),

month_ends as (
    select * from {{ ref('int_calendar__month_ends') }}
),

category_cockpits as (
    select
        category_code,
        area,
        measure,
        trim(unnest(string_split(cockpits, ';'))) as cockpit_code
    from catalog
),

final as (
    select
        month_ends.month_start,
        month_ends.as_of_date,
        category_cockpits.category_code,
        category_cockpits.area,
        category_cockpits.measure,
        category_cockpits.cockpit_code,
        cast(null as varchar) as county_code,
        cast(null as varchar) as town_code
    from month_ends
    cross join category_cockpits
    where category_cockpits.cockpit_code <> ''
)

select * from final
