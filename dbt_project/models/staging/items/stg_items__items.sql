with

source as (
    select * from {{ source('items', 'items') }}
),

latest as (
    {{ latest_state('source', 'item_code', 'updated_at') }}
),

final as (
    select
        item_code,
        item_name,
        item_type,
        department_code,
        domain_code,
        list_type,
        legal_basis,
        penalty_min,
        penalty_max,
        exercise_level,
        delegated_to_town,
        is_sanguo,
        is_dormant,
        listed_date,
        version_date,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
