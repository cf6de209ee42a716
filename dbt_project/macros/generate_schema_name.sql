{#- Schemas are named exactly as configured (staging, marts, indicators), not prefixed with the
    target schema, so auditors find `marts.fct_cases` where the documentation says it is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
