{#- The days a monthly snapshot is taken: the last day of each month the landing zone
    covers, or the last landed day for a month still running. -#}
with

days as (
    select * from {{ ref('dim_date') }}
),

final as (
    select
        month_start,
        max(date_day) as as_of_date
    from days
    group by month_start
)

select * from final
