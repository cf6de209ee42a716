{#-
  The indicator layer is generated from the catalogue seed: one aggregation pass per
  (fact model, date column), computing every category's numerator and denominator at once
  over GROUPING SETS of geography × department, then unpivoted into one long table.
  No category has hand-written SQL; adding a catalogue row adds an indicator.
-#}

{#- Fact models the catalogue may read. dbt must know a model's dependencies before it can read
    the catalogue, so they are declared here (the core facts) and in macros/indicator_facts/ (one
    file per group of areas); a test checks every catalogued fact is listed. -#}
{% macro indicator_fact_models() -%}
    {%- set core = ['fct_inspection_tasks', 'fct_cases', 'fct_entity_inspection_months',
               'fct_complaint_tickets', 'fct_drone_findings', 'fct_force_team_months',
               'fct_force_squad_months', 'fct_force_staff_months', 'fct_item_months',
               'fct_drone_fleet_months', 'fct_approvals', 'fct_supervision_claims',
               'fct_warnings', 'fct_clues', 'fct_oversight_reviews', 'fct_file_audits',
               'fct_oversight_flags', 'fct_plan_months', 'fct_entity_loop'] -%}
    {%- set grouped = indicator_facts_approval_operation_credit()
        + indicator_facts_supervision_complaints_burden() + indicator_facts_enforcement_oversight()
        + indicator_facts_force_items_drones() + indicator_facts_meta() -%}
    {{ return(core + (grouped | reject('in', core) | unique | list)) }}
{%- endmacro %}

{% macro indicator_catalog_rows() -%}
    {%- set query -%}
        select
            category_code, fact_model, date_column, measure, slice_by_department, grains,
            numerator_expr, numerator_filter,
            coalesce(denominator_expr, '') as denominator_expr,
            coalesce(denominator_filter, '') as denominator_filter
        from {{ ref('catalog') }}
        order by fact_model, date_column, slice_by_department, display_order, category_code
    {%- endset -%}
    {%- if execute -%}
        {{ return(run_query(query).rows) }}
    {%- else -%}
        {{ return([]) }}
    {%- endif -%}
{%- endmacro %}

{#- The slices a category is computed at: city, county and town, for all departments and,
    where the catalogue says the fact has a department, for each department. -#}
{% macro indicator_grouping_sets(period, by_department) -%}
    grouping sets (
        ({{ period }}),
        ({{ period }}, county_code),
        ({{ period }}, county_code, town_code)
        {%- if by_department %},
        ({{ period }}, department_code),
        ({{ period }}, county_code, department_code),
        ({{ period }}, county_code, town_code, department_code)
        {%- endif %}
    )
{%- endmacro %}

{#- One category's numerator (or denominator) over a group: a distinct count counts the
    distinct values of its expression among the rows that pass the filter; median and p90 take
    the (interpolated) quantile of it; every other measure sums it. A sum of the constant 1
    (217 of the first stage's 245 sums) is the count of the rows that pass the filter and is
    computed as one: the same figures, and that stage's query 2.4-2.5 -> 1.9-2.0 s at full
    scale (decimal sums are kept for real expressions, where they make reruns exact). -#}
{% macro indicator_sum(measure, expr, filter) -%}
    {%- if measure == 'distinct_count' -%}
        count(distinct case when {{ filter }} then {{ expr }} end)
    {%- elif measure in ('median', 'p90') -%}
        quantile_cont(case when {{ filter }} then {{ expr }} end, {{ 0.5 if measure == 'median' else 0.9 }})
    {%- elif expr | trim == '1' -%}
        count(case when {{ filter }} then 1 end)
    {%- else -%}
        {#- summed as DECIMAL: exact, so a rerun gives identical values whatever order the
            threads add the rows in (double sums differed in the 16th digit between runs) -#}
        coalesce(sum(cast(case when {{ filter }} then {{ expr }} end as decimal(38, 10))), 0)
    {%- endif -%}
{%- endmacro %}

{#- Quantiles are computed per grouping with plain GROUP BYs: inside GROUPING SETS DuckDB
    was ~6× slower for them (stack-notes); sums and counts share one GROUPING SETS pass. -#}
{% macro indicator_is_quantile(measure) -%}
    {{ return(measure in ('median', 'p90')) }}
{%- endmacro %}

{% macro indicator_aggregate(fact_model, date_column, by_department, grain, categories, shape) -%}
    {%- if shape == 'quantile' -%}
        {{ indicator_aggregate_by_groups(fact_model, date_column, by_department, grain, categories) }}
    {%- else -%}
        {{ indicator_aggregate_grouping_sets(fact_model, date_column, by_department, grain, categories) }}
    {%- endif -%}
{%- endmacro %}

{% macro indicator_measures(categories) -%}
        {%- for category in categories %},
        {{ indicator_sum(category.measure, category.numerator_expr, category.numerator_filter) }}
            as "n_{{ category.category_code }}"
        {%- if category.denominator_expr %},
        {{ indicator_sum(category.measure, category.denominator_expr, category.denominator_filter) }}
            as "d_{{ category.category_code }}"
        {%- endif %}
        {%- endfor %}
{%- endmacro %}

{% macro indicator_aggregate_grouping_sets(fact_model, date_column, by_department, grain, categories) -%}
    {%- set period = "cast(date_trunc('" ~ grain ~ "', " ~ date_column ~ ") as date)" %}
    select
        {{ period }} as period_start,
        case
            when grouping(county_code) = 1 then 'city'
            when grouping(town_code) = 1 then 'county'
            else 'town'
        end as geo_level,
        case
            when grouping(county_code) = 1 then (select geo_code from city)
            when grouping(town_code) = 1 then county_code
            else town_code
        end as geo_code,
        {% if by_department -%}
        case when grouping(department_code) = 1 then 'ALL' else department_code end
        {%- else -%}
        'ALL'
        {%- endif %} as department_code
        {{- indicator_measures(categories) }}
    from {{ ref(fact_model) }}
    where {{ date_column }} is not null
    group by {{ indicator_grouping_sets(period, by_department) }}
    -- a register's city-level records (city teams, the city's catalogue) have no county or
    -- town: they count for the city and form no county or town slice of their own
    having (grouping(county_code) = 1 or county_code is not null)
        and (grouping(town_code) = 1 or town_code is not null)
        {%- if by_department %}
        -- a record no department has taken yet counts for all departments only
        and (grouping(department_code) = 1 or department_code is not null)
        {%- endif %}
{%- endmacro %}

{#- The same slices as indicator_grouping_sets, one GROUP BY each, glued with UNION ALL. -#}
{% macro indicator_aggregate_by_groups(fact_model, date_column, by_department, grain, categories) -%}
    {%- set period = "cast(date_trunc('" ~ grain ~ "', " ~ date_column ~ ") as date)" %}
    {%- set groupings = [
        {'level': 'city', 'geo': '(select geo_code from city)', 'keys': [], 'dept': False},
        {'level': 'county', 'geo': 'county_code', 'keys': ['county_code'], 'dept': False},
        {'level': 'town', 'geo': 'town_code', 'keys': ['county_code', 'town_code'], 'dept': False},
    ] %}
    {%- if by_department %}
    {%- set groupings = groupings + [
        {'level': 'city', 'geo': '(select geo_code from city)', 'keys': [], 'dept': True},
        {'level': 'county', 'geo': 'county_code', 'keys': ['county_code'], 'dept': True},
        {'level': 'town', 'geo': 'town_code', 'keys': ['county_code', 'town_code'], 'dept': True},
    ] %}
    {%- endif %}
    {%- for grouping in groupings %}
    select
        {{ period }} as period_start,
        '{{ grouping.level }}' as geo_level,
        {{ grouping.geo }} as geo_code,
        {{ 'department_code' if grouping.dept else "'ALL'" }} as department_code
        {{- indicator_measures(categories) }}
    from {{ ref(fact_model) }}
    where {{ date_column }} is not null
        {%- for key in grouping['keys'] %} and {{ key }} is not null{% endfor %}
        {%- if grouping.dept %} and department_code is not null{% endif %}
    group by {{ period }}
        {%- for key in grouping['keys'] %}, {{ key }}{% endfor %}
        {%- if grouping.dept %}, department_code{% endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{% macro indicator_long(passes) -%}
    {%- for pass in passes %}
    {%- set pass_index = loop.index %}
    {%- for category in pass.categories %}
    select
        '{{ category.category_code }}' as category_code,
        '{{ pass.grain }}' as period_grain,
        period_start,
        geo_level,
        geo_code,
        department_code,
        cast("n_{{ category.category_code }}" as double) as numerator,
        {% if category.denominator_expr -%}
        cast("d_{{ category.category_code }}" as double)
        {%- else -%}
        cast(null as double)
        {%- endif %} as denominator
    from pass_{{ pass_index }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Facts built from the measured indicators themselves (META_INDICATORS counts indicators):
    their categories are measured in a second stage, after every record-based category. -#}
{% macro indicator_second_stage_facts() -%}
    {{ return(['fct_indicator_slices']) }}
{%- endmacro %}

{#- The aggregation passes of one stage: 'records' (facts built from source records) or
    'indicators' (facts built from the first stage's indicators). -#}
{% macro indicator_passes(stage) -%}
    {%- set passes = [] -%}
    {%- set seen = {} -%}
    {%- set second = indicator_second_stage_facts() -%}
    {%- for row in indicator_catalog_rows()
        if (row.fact_model in second) == (stage == 'indicators') -%}
    {%- for grain in row.grains.split(';') -%}
        {%- set shape = 'quantile' if indicator_is_quantile(row.measure) else 'grouping_sets' -%}
        {%- set pass_key = row.fact_model ~ '|' ~ row.date_column ~ '|' ~ row.slice_by_department ~ '|' ~ grain ~ '|' ~ shape -%}
        {%- if pass_key not in seen -%}
            {%- do seen.update({pass_key: passes | length}) -%}
            {%- do passes.append({
                'fact_model': row.fact_model, 'date_column': row.date_column,
                'by_department': row.slice_by_department, 'grain': grain, 'shape': shape,
                'categories': []}) -%}
        {%- endif -%}
        {%- do passes[seen[pass_key]].categories.append(row) -%}
    {%- endfor -%}
    {%- endfor -%}
    {{ return(passes) }}
{%- endmacro %}

{#- Every category of one stage at every period and slice: numerator and denominator, long. -#}
{% macro indicator_measured_select(stage) -%}
    {%- set passes = indicator_passes(stage) %}
    with

    city as (
        select geo_code from {{ ref('dim_geography') }} where geo_level = 'city'
    ),

    {% for pass in passes %}
    pass_{{ loop.index }} as (
        {{ indicator_aggregate(pass.fact_model, pass.date_column, pass.by_department, pass.grain, pass.categories, pass.shape) }}
    ),
    {% endfor %}

    final as (
        {% if passes %}
        {{ indicator_long(passes) }}
        {% else %}
        select
            null::varchar as category_code, null::varchar as period_grain,
            null::date as period_start, null::varchar as geo_level, null::varchar as geo_code,
            null::varchar as department_code, null::double as numerator,
            null::double as denominator
        where false
        {% endif %}
    )

    select * from final
{%- endmacro %}
