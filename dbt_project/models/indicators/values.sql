{#- Dependencies dbt cannot see through the catalogue: the second-stage facts. -#}
{%- for fact_model in indicator_second_stage_facts() %}
-- depends_on: {{ ref(fact_model) }}
{%- endfor %}

with

catalog as not materialized (
    select * from {{ ref('catalog') }}
),

measured_from_records as (
    select * from {{ ref('int_indicators__measured') }}
),

measured_from_indicators as (
    {{ indicator_measured_select('indicators') }}
),

measured as (
    select * from measured_from_records
    union all
    select * from measured_from_indicators
),

with_measure as (
    select measured.*, catalog.measure
    from measured
    inner join catalog using (category_code)
),

-- the windows run over their own categories' rows only: computed over every row (and then
-- discarded for most) they were most of the model's time at full scale (2.6 + 1.5 of 4 s)
cumulative as (
    -- the year to date, each slice on its own
    select
        category_code, period_grain, period_start, geo_level, geo_code, department_code,
        sum(numerator) over (
            partition by category_code, period_grain, geo_level, geo_code, department_code,
                year(period_start)
            order by period_start
        ) as numerator,
        denominator,
        measure
    from with_measure
    where measure = 'cumulative'
),

shares as (
    -- of the city's total (all departments) in the same period
    select
        category_code, period_grain, period_start, geo_level, geo_code, department_code,
        numerator,
        max(numerator) filter (where geo_level = 'city' and department_code = 'ALL') over (
            partition by category_code, period_grain, period_start
        ) as denominator,
        measure
    from with_measure
    where measure = 'share'
),

completed as (
    select * from cumulative
    union all
    select * from shares
    union all
    select
        category_code, period_grain, period_start, geo_level, geo_code, department_code,
        numerator, denominator, measure
    from with_measure
    where measure not in ('cumulative', 'share')
),

valued as (
    select
        completed.* exclude (measure),
        case
            when completed.measure in ('count', 'distinct_count', 'sum', 'cumulative', 'median', 'p90')
                then completed.numerator
            when completed.measure in ('ratio', 'mean', 'share')
                then completed.numerator / nullif(completed.denominator, 0)
        end as value,
        catalog.target,
        catalog.direction,
        catalog.amber_score
    from completed
    inner join catalog using (category_code)
),

raw_scores as (
    select
        *,
        -- CityScore: actual ÷ target, inverted when lower is better
        case
            when target is null or value is null then null
            when direction = 'higher' then value / nullif(target, 0)
            when direction = 'lower' and value = 0 then {{ var('score_cap') }}
            when direction = 'lower' then target / value
        end as uncapped_score
    from valued
    where value is not null
),

scored as (
    select
        *,
        -- capped so one runaway indicator cannot mask the others in an average
        case when uncapped_score is not null then least(uncapped_score, {{ var('score_cap') }}) end
            as score
    from raw_scores
),

final as (
    select
        category_code,
        period_grain,
        period_start,
        geo_level,
        geo_code,
        department_code,
        value,
        numerator,
        denominator,
        target,
        score,
        case
            when score is null then 'none'
            when score >= 1 then 'green'
            when score >= amber_score then 'amber'
            else 'red'
        end as status
    from scored
)

select * from final
