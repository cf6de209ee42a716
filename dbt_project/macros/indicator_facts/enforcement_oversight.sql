{#- Fact models read by the catalogue rows of enforcement (clues, cases) and oversight. -#}
{% macro indicator_facts_enforcement_oversight() -%}
    {{ return(['fct_cases', 'fct_clues', 'fct_case_month_ends', 'fct_oversight_reviews',
               'fct_file_audits', 'fct_oversight_flags']) }}
{%- endmacro %}
