{#- Fact models read by the catalogue rows of supervision, complaints, grid and burden. -#}
{% macro indicator_facts_supervision_complaints_burden() -%}
    {{ return([]) }}
{%- endmacro %}
