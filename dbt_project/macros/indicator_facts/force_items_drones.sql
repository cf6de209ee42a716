{#- Fact models read by the catalogue rows of force, item lists and drones. -#}
{% macro indicator_facts_force_items_drones() -%}
    {{ return(['fct_force_workload_months', 'fct_force_town_months', 'fct_drone_flights',
               'fct_drone_coverage_months']) }}
{%- endmacro %}
