{#- The rows of a model its key and completeness tests still have to see.

    An incremental mart (delete+insert on its key) changes only the rows a run writes, and
    each carries that run's start (``_written_at``). Once a run's tests all passed, every
    row written up to then has been tested: the pipeline then records, per mart, the newest
    ``_written_at`` so covered (``meta.dbt_rows_tested``, pipelines/tested_rows.py), and
    later runs test only the rows written since: not_null_columns reads just those, and
    unique_combination reads every row of the keys they hold (a new row may repeat an old
    one's key). A run whose tests failed records nothing, so its rows are tested again by
    the next run; a full refresh writes every row anew. A model that is not an incremental
    mart with ``_written_at`` is tested whole. At full scale this spares the daily run most
    of its scans of the 10M-row month facts. -#}
{% macro untested_rows(model) -%}
    {#- a predicate on the model's rows, or none when the whole model is to be tested; a test
        with a ``where`` config gets its model as a subquery: tested whole -#}
    {%- if not execute or model is string -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('schema', 'equalto', model.schema)
        | selectattr('alias', 'equalto', model.identifier) | first -%}
    {%- if node is not defined or node is none
        or node.config.materialized != 'incremental' or '_written_at' not in node.columns -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return("_written_at > coalesce((select max(written_until) from meta.dbt_rows_tested "
        ~ "where table_schema = '" ~ model.schema ~ "' and table_name = '" ~ model.identifier
        ~ "'), timestamp '-infinity')") }}
{%- endmacro %}

{#- The ledger untested_rows reads, created before any model runs so every test can use it. -#}
{% macro create_tested_rows_ledger() -%}
    create schema if not exists meta;
    create table if not exists meta.dbt_rows_tested (
        table_schema varchar, table_name varchar, written_until timestamp, recorded_at timestamp
    );
{%- endmacro %}
