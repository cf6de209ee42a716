{#-
  The indicator layer is generated from the catalogue seed: one aggregation pass per
  (fact model, date column), computing every category's numerator and denominator at once
  over GROUPING SETS of geography × department, then unpivoted into one long table.
  No category has hand-written SQL; adding a catalogue row adds an indicator.
-#}

{#- Fact models the catalogue may read. dbt must know a model's dependencies before it can read
    the catalogue, so they are declared here; a test checks every catalogued fact is listed. -#}
{% macro indicator_fact_models() -%}
    {{ return(['fct_inspection_tasks', 'fct_cases', 'fct_entity_inspection_months',
               'fct_complaint_tickets', 'fct_drone_findings']) }}
{%- endmacro %}

{% macro indicator_catalog_rows() -%}
    {%- set query -%}
        select
            category_code, fact_model, date_column, measure, slice_by_department,
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

{% macro indicator_aggregate(fact_model, date_column, by_department, categories) -%}
    select
        cast(date_trunc('month', {{ date_column }}) as date) as period_start,
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
        {%- for category in categories %},
        coalesce(sum(case when {{ category.numerator_filter }} then {{ category.numerator_expr }} end), 0)
            as "n_{{ category.category_code }}"
        {%- if category.denominator_expr %},
        coalesce(sum(case when {{ category.denominator_filter }} then {{ category.denominator_expr }} end), 0)
            as "d_{{ category.category_code }}"
        {%- endif %}
        {%- endfor %}
    from {{ ref(fact_model) }}
    where {{ date_column }} is not null
    group by {{ indicator_grouping_sets("cast(date_trunc('month', " ~ date_column ~ ") as date)", by_department) }}
{%- endmacro %}

{% macro indicator_long(passes) -%}
    {%- for pass in passes %}
    {%- set pass_index = loop.index %}
    {%- for category in pass.categories %}
    select
        '{{ category.category_code }}' as category_code,
        'month' as period_grain,
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

{% macro indicator_passes() -%}
    {%- set passes = [] -%}
    {%- set seen = {} -%}
    {%- for row in indicator_catalog_rows() -%}
        {%- set pass_key = row.fact_model ~ '|' ~ row.date_column ~ '|' ~ row.slice_by_department -%}
        {%- if pass_key not in seen -%}
            {%- do seen.update({pass_key: passes | length}) -%}
            {%- do passes.append({
                'fact_model': row.fact_model, 'date_column': row.date_column,
                'by_department': row.slice_by_department, 'categories': []}) -%}
        {%- endif -%}
        {%- do passes[seen[pass_key]].categories.append(row) -%}
    {%- endfor -%}
    {{ return(passes) }}
{%- endmacro %}
