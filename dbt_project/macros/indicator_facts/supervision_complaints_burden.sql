{#- Fact models read by the catalogue rows of supervision, complaints, grid and burden. -#}
{% macro indicator_facts_supervision_complaints_burden() -%}
    {{ return(['fct_inspection_tasks', 'fct_plan_months', 'fct_merge_opportunities',
               'fct_entity_inspection_months', 'fct_entity_department_years',
               'fct_inspection_burden_alerts', 'fct_complaint_tickets', 'fct_grid_events',
               'fct_entity_loop']) }}
{%- endmacro %}
