{#- Large facts are incremental by landing day: a daily run reads only the records whose
    latest state landed on or after the last landing day already in the fact (the last day is
    read again, so re-ingesting a day is idempotent) and replaces those keys (delete+insert).
    A full refresh (`python -m pipelines transform --full-refresh`) rebuilds from all days;
    tests/test_incremental.py proves both give the same rows. -#}
{% macro landed_cutoff(landed_column='landed_date') -%}
    (select coalesce(max({{ landed_column }}), date '1900-01-01') from {{ this }})
{%- endmacro %}

{% macro where_landed_since_last_run(landed_column='landed_date') -%}
    {%- if is_incremental() %}
    where {{ landed_column }} >= {{ landed_cutoff(landed_column) }}
    {%- endif -%}
{%- endmacro %}
