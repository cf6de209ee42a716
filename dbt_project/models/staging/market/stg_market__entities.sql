{{ config(materialized='incremental', unique_key=['uscc'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('market', 'entities') }}
),

latest as (
    {{ latest_state('source', 'uscc', 'updated_at') }}
),

final as (
    select
        uscc,
        name,
        entity_type,
        industry_code,
        county_code,
        town_code,
        address,
        latitude,
        longitude,
        legal_rep_name,
        legal_rep_id_no,
        phone,
        registered_date,
        status,
        status_date,
        is_key_supervision,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
