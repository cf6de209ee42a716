{#- Fact models read by the catalogue rows of approval, operation (entities, warnings) and credit. -#}
{% macro indicator_facts_approval_operation_credit() -%}
    {{ return(['fct_approvals', 'fct_supervision_claims', 'fct_warnings', 'fct_entity_months',
               'fct_credit_months']) }}
{%- endmacro %}
