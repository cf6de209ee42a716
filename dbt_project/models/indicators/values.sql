{#- Dependencies dbt cannot see through the catalogue: the second-stage facts. -#}
{%- for fact_model in indicator_second_stage_facts() %}
-- depends_on: {{ ref(fact_model) }}
{%- endfor %}

with

catalog as (
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

completed as (
    select
        measured.category_code,
        measured.period_grain,
        measured.period_start,
        measured.geo_level,
        measured.geo_code,
        measured.department_code,
        case
            -- cumulative: the year to date, each slice on its own
            when catalog.measure = 'cumulative' then sum(measured.numerator) over (
                partition by measured.category_code, measured.period_grain, measured.geo_level,
                    measured.geo_code, measured.department_code, year(measured.period_start)
                order by measured.period_start
            )
            else measured.numerator
        end as numerator,
        case
            -- share: of the city's total (all departments) in the same period
            when catalog.measure = 'share' then max(measured.numerator) filter (
                where measured.geo_level = 'city' and measured.department_code = 'ALL'
            ) over (partition by measured.category_code, measured.period_grain, measured.period_start)
            else measured.denominator
        end as denominator,
        catalog.measure
    from measured
    inner join catalog using (category_code)
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
