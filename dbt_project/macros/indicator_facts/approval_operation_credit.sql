{#- Fact models read by the catalogue rows of approval, operation (entities, warnings) and credit. -#}
{% macro indicator_facts_approval_operation_credit() -%}
    {{ return([]) }}
{%- endmacro %}
