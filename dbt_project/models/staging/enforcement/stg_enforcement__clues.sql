with

source as (
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
        _partition_date as landed_date
    from latest
)

select * from final
