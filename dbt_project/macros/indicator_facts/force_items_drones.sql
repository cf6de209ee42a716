{#- Fact models read by the catalogue rows of force, item lists and drones. -#}
{% macro indicator_facts_force_items_drones() -%}
    {{ return([]) }}
{%- endmacro %}
