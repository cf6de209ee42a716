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

{#- The time of the dbt run that wrote a row (``_written_at``) of an incremental mart: rows a
    daily run rewrites carry its time, rows it left alone an earlier run's. Publishing copies
    only the rows whose time the last snapshot does not hold (pipelines/publish.py), so the
    10M-row month facts are patched, not copied whole, each day. -#}
{% macro written_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
