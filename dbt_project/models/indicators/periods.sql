{#- 指标期间: the periods that hold indicator values, per grain. The cockpit's period picker and
    its "latest period" default read these few dozen rows instead of scanning every value for
    its distinct periods (a full scan of `values` on every page's first view). -#}
with

indicator_values as (
    select period_grain, period_start, category_code from {{ ref('values') }}
),

final as (
    select
        period_grain,
        period_start,
        count(distinct category_code) as categories,
        count(*) as value_rows
    from indicator_values
    group by period_grain, period_start
)

select * from final
