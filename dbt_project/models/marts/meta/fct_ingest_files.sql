{#- 数据接入: one row per landed export file and its load, so data operations can count files,
    rows and the share quarantined per source system and day. -#}
with

ingest_files as (
    select * from {{ ref('stg_meta__ingest_files') }}
),

final as (
    select
        source_file,
        table_name,
        split_part(table_name, '_', 1) as source_system,
        partition_date,
        encoding,
        landed_rows,
        loaded_rows,
        quarantined_rows,
        cast(null as varchar) as county_code,
        cast(null as varchar) as town_code
    from ingest_files
)

select * from final
