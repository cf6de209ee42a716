{#- Large facts are incremental by landing day: a daily run reads only the records whose
    latest state landed on or after the cutoff and replaces those keys (delete+insert). The
    cutoff is the earliest landing day among the files ingested since the fact's last run
    wrote it (``meta.ingest_files`` against the fact's newest ``_written_at``), and never
    later than the last landing day already in the fact (read again, so re-ingesting a day
    is idempotent). A day ingested late (a backfill: older than what the fact holds) thus
    moves the cutoff back to that day, and the records it brought are not missed.
    A full refresh (`python -m pipelines transform --full-refresh`) rebuilds from all days;
    tests/test_incremental.py proves both give the same rows, in day order and for a late day. -#}
{% macro landed_cutoff(landed_column='landed_date') -%}
    (select coalesce(least(
        (select min(partition_date) from {{ source('meta', 'ingest_files') }}
         where loaded_at > (select max(_written_at) from {{ this }})),
        (select max({{ landed_column }}) from {{ this }})
    ), date '1900-01-01'))
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

{#- The entities named by any version of a task loaded since this table's last run (its
    newest ``_batch_loaded_at``): the old versions too, so a task moved to another entity
    changes both. For models whose rows depend on an entity's own tasks only; they replace
    those entities' rows (delete+insert by entity). -#}
{% macro entities_of_new_task_versions(task_versions) -%}
    select distinct entity_uscc
    from {{ task_versions }}
    semi join (
        select distinct task_id
        from {{ task_versions }}
        where _loaded_at > (
            select coalesce(max(_batch_loaded_at), timestamp '1900-01-01') from {{ this }}
        )
    ) as touched using (task_id)
    where entity_uscc is not null
{%- endmacro %}
