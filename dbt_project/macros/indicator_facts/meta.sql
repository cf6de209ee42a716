{#- Fact models read by the catalogue rows of the meta categories (catalogue, cockpits, data operations). -#}
{% macro indicator_facts_meta() -%}
    {{ return(['fct_catalog_months', 'fct_ingest_files', 'fct_indicator_slices']) }}
{%- endmacro %}
