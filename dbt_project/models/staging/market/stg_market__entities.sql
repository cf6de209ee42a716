with

source as (
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
        _partition_date as landed_date
    from latest
)

select * from final
