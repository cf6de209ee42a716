{#- Fact models read by the catalogue rows of enforcement (clues, cases) and oversight. -#}
{% macro indicator_facts_enforcement_oversight() -%}
    {{ return([]) }}
{%- endmacro %}
