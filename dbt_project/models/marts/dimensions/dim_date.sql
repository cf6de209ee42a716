{#- One row per day the landing zone covers (日期维度), from the first to the last export
    day any system sent. -#}
with

landed as (
    select * from {{ ref('stg_meta__ingest_files') }}
),

bounds as (
    select min(partition_date) as first_day, max(partition_date) as last_day
    from landed
),

days as (
    select cast(day as date) as date_day
    from bounds, generate_series(bounds.first_day, bounds.last_day, interval 1 day) as t(day)
),

final as (
    select
        date_day,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(last_day(date_day) as date) as month_end,
        cast(year(date_day) as integer) as year_number,
        cast(month(date_day) as integer) as month_number,
        cast(isodow(date_day) as integer) as iso_weekday,
        isodow(date_day) >= 6 as is_weekend,
        month(date_day) in (6, 7) as is_flood_season
    from days
)

select * from final
