{{ config(materialized='incremental', unique_key=['clue_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('enforcement', 'clues') }}
),

latest as (
    {{ latest_state('source', 'clue_id', 'updated_at') }}
),

final as (
    select
        clue_id,
        clue_source,
        source_ref,
        received_at,
        entity_uscc,
        dept_code as department_code,
        county_code,
        town_code,
        assessment,
        assessed_at,
        case_no,
        status,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
