-- The "1+5" domain splits of a count add up to the count itself at every slice: each case
-- belongs to exactly one domain.
with

values_ as (
    select * from {{ ref('values') }}
    where period_grain = 'month'
),

splits as (
    select
        regexp_extract(category_code, '^(.*)_(ZHZF|SCJG|STHJ|JTYS|WSJK|YJGL)$', 1) as base_code,
        period_start, geo_level, geo_code, department_code,
        sum(value) as split_total,
        count(*) as domains
    from values_
    where category_code similar to 'ENF_CASES_FILED_(ZHZF|SCJG|STHJ|JTYS|WSJK|YJGL)'
    group by all
),

compared as (
    select splits.*, values_.value as base_value
    from splits
    left join values_
        on values_.category_code = splits.base_code
        and values_.period_start = splits.period_start
        and values_.geo_level = splits.geo_level
        and values_.geo_code = splits.geo_code
        and values_.department_code = splits.department_code
)

select * from compared
where domains <> 6 or base_value is null or abs(split_total - base_value) > 1e-9
