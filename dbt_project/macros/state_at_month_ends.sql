{#- The state each record of a register was in at each month's snapshot day: the latest
    version recorded by the end of that day (same-version copies from several files are
    one version). Registers (teams, staff, items, drones) change state over time, and the
    seed figures are about what held on a day, not about the latest state. `from_month`
    (a SQL date expression) leaves out the months before it, for an incremental model. -#}
{% macro state_at_month_ends(relation, key, version_column='updated_at', from_month=none) -%}
    select month_ends.month_start, month_ends.as_of_date, versions.*
    from (
        select
            *,
            lead({{ version_column }}) over (
                partition by {{ key }} order by {{ version_column }}
            ) as superseded_at
        from {{ relation }}
        qualify row_number() over (
            partition by {{ key }}, {{ version_column }}
            order by _partition_date desc, _source_file desc, _source_line desc
        ) = 1
    ) as versions
    inner join {{ ref('int_calendar__month_ends') }} as month_ends
        on versions.{{ version_column }} < month_ends.as_of_date + interval 1 day
        and (
            versions.superseded_at is null
            or versions.superseded_at >= month_ends.as_of_date + interval 1 day
        )
        {%- if from_month is not none %}
        and month_ends.month_start >= {{ from_month }}
        {%- endif %}
{%- endmacro %}
