{#- The first stage of the indicator layer: every category whose fact is built from source
    records, at every period and slice, generated from the catalogue (macros/indicators.sql).
    Dependencies dbt cannot see through the catalogue are declared here. -#}
{%- for fact_model in indicator_fact_models() if fact_model not in indicator_second_stage_facts() %}
-- depends_on: {{ ref(fact_model) }}
{%- endfor %}

{{ indicator_measured_select('records') }}
