{#- 指标切片: one row per indicator (a category at one slice) measured from records in a
    month, placed in the county and town it describes, so META_INDICATORS counts the
    indicators the city, a county or a town has. Its rows are one per indicator and month
    (its key test, _meta__models.yml), so the catalogue counts rows rather than distinct
    keys: the same figure, at full scale 0.07 s instead of 1.1-1.5 s at every run's end. -#}
with

measured as (
    select * from {{ ref('int_indicators__measured') }}
),

geography as (
    select * from {{ ref('dim_geography') }}
),

monthly as (
    select * from measured where period_grain = 'month'
),

final as (
    select
        monthly.period_start as month_start,
        monthly.category_code,
        monthly.geo_level,
        monthly.geo_code,
        monthly.department_code,
        monthly.category_code || '|' || monthly.geo_code || '|' || monthly.department_code
            as indicator_key,
        case
            when monthly.geo_level = 'county' then monthly.geo_code
            when monthly.geo_level = 'town' then geography.parent_code
        end as county_code,
        case when monthly.geo_level = 'town' then monthly.geo_code end as town_code
    from monthly
    inner join geography on geography.geo_code = monthly.geo_code
)

select * from final
