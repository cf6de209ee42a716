{#- 指标覆盖: where each category has values — per grain and geographic level, whether any
    department slices exist, the first and last period and how many values. A tile chosen at a
    town reads the nearest level its category is computed at, and the data-operations page
    lists each category's last period: both from these few hundred rows, not a scan of
    `values`. -#}
with

indicator_values as (
    select category_code, period_grain, geo_level, department_code, period_start
    from {{ ref('values') }}
),

final as (
    select
        category_code,
        period_grain,
        geo_level,
        bool_or(department_code <> 'ALL') as has_departments,
        min(period_start) as first_period,
        max(period_start) as last_period,
        count(*) as value_rows
    from indicator_values
    group by category_code, period_grain, geo_level
)

select * from final
