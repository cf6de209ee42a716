{#- Keep the latest state row of each record: highest version, ties broken by the most
    recently landed file and line, so the choice is deterministic on any re-run. -#}
{% macro latest_state(relation, key, version_column) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ key }}
        order by {{ version_column }} desc, _partition_date desc, _source_file desc, _source_line desc
    ) = 1
{%- endmacro %}
