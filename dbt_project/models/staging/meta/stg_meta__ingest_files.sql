with

source as (
    select * from {{ source('meta', 'ingest_files') }}
),

final as (
    select
        table_name,
        source_file,
        partition_date,
        encoding,
        landed as landed_rows,
        loaded as loaded_rows,
        quarantined as quarantined_rows,
        run_id,
        loaded_at
    from source
)

select * from final
