{#- 下钻查询: for every category, the generated queries that list the fact rows behind a value's
    numerator and denominator, with the catalogue's own expressions and filters. A value is
    identified by its key in indicators.values; the queries take that key as named parameters
    ($period_grain, $period_start, $geo_level, $geo_code, $department_code), so the cockpit and
    auditors run the same text for any value. `total_sql` aggregates the rows back to the
    numerator (or denominator) the indicator layer computed. -#}
with

catalog as not materialized (
    select * from {{ ref('catalog') }}
),

parts as (
    select
        category_code,
        'numerator' as part,
        measure,
        fact_model,
        date_column,
        slice_by_department,
        numerator_expr as amount_expr,
        numerator_filter as row_filter,
        -- a share's numerator is the slice's; its denominator is the city's, all departments
        false as is_city_total
    from catalog
    union all
    select
        category_code,
        'denominator' as part,
        measure,
        fact_model,
        date_column,
        slice_by_department,
        case when measure = 'share' then numerator_expr else denominator_expr end,
        case when measure = 'share' then numerator_filter else denominator_filter end,
        measure = 'share' as is_city_total
    from catalog
    where measure in ('ratio', 'mean', 'share')
),

conditions as (
    select
        *,
        case
            when measure = 'cumulative' then
                date_column || ' >= date_trunc(''year'', $period_start) and cast(date_trunc($period_grain, '
                || date_column || ') as date) <= $period_start'
            else 'cast(date_trunc($period_grain, ' || date_column || ') as date) = $period_start'
        end as period_condition,
        case
            when is_city_total then '$geo_level is not null and $geo_code is not null'
            else '($geo_level = ''city'' or ($geo_level = ''county'' and county_code = $geo_code)'
                || ' or ($geo_level = ''town'' and town_code = $geo_code))'
        end as geo_condition,
        case
            when is_city_total then '$department_code is not null'
            when slice_by_department then '($department_code = ''ALL'' or department_code = $department_code)'
            else '$department_code = ''ALL'''
        end as department_condition,
        case measure
            when 'distinct_count' then 'count(distinct drill_amount)'
            when 'median' then 'quantile_cont(drill_amount, 0.5)'
            when 'p90' then 'quantile_cont(drill_amount, 0.9)'
            else 'coalesce(sum(drill_amount), 0)'
        end as aggregate_expr
    from parts
),

final as (
    select
        category_code,
        part,
        aggregate_expr,
        'select (' || amount_expr || ') as drill_amount, facts.* from marts.' || fact_model
            || ' as facts where (' || row_filter || ') and ' || date_column || ' is not null'
            || ' and ' || period_condition || ' and ' || geo_condition
            || ' and ' || department_condition
            || ' and (' || amount_expr || ') is not null'
            || ' order by ' || date_column as rows_sql,
        'select ' || aggregate_expr || ' as total from (select (' || amount_expr
            || ') as drill_amount from marts.' || fact_model || ' as facts where ('
            || row_filter || ') and ' || date_column || ' is not null'
            || ' and ' || period_condition || ' and ' || geo_condition
            || ' and ' || department_condition || ')' as total_sql
    from conditions
)

select * from final
