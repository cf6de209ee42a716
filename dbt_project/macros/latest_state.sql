{#- Keep the latest state row of each record: highest version, ties broken by the most
    recently landed file and line, so the choice is deterministic on any re-run.

    The large staging models are incremental tables rather than views: as views, every
    reader (and every test) re-derived the latest state over the whole history, which at
    full scale was most of a daily run. In an incremental run only the keys with a raw row
    loaded since the table's last batch (``_batch_loaded_at``) are re-derived, each from all
    of its raw rows, and replace their old rows (delete+insert on the key), so the result is
    the one a full refresh gives. The watermark is the load time, not the landing day, so a
    backfill of old days is taken in too. -#}
{% macro latest_state(relation, key, version_column) -%}
    select *
    from {{ relation }}
    {%- if is_incremental() %}
    semi join (
        select distinct {{ key }}
        from {{ relation }}
        where _loaded_at > (
            select coalesce(max(_batch_loaded_at), timestamp '1900-01-01') from {{ this }}
        )
    ) as touched using ({{ key }})
    {%- endif %}
    qualify row_number() over (
        partition by {{ key }}
        order by {{ version_column }} desc, _partition_date desc, _source_file desc, _source_line desc
    ) = 1
{%- endmacro %}

{#- The load time of the newest raw row an incremental staging table has taken in: every
    row loaded up to then has been considered, so the next run starts after it. -#}
{% macro batch_loaded_at(relation) -%}
    (select max(_loaded_at) from {{ relation }})
{%- endmacro %}
