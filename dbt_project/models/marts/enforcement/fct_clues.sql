{#- 线索事实: one row per clue handed to the clue centre, with its assessment and case. -#}
with

clues as (
    select * from {{ ref('stg_enforcement__clues') }}
),

final as (
    select
        clue_id,
        clue_source,
        source_ref,
        received_at,
        cast(received_at as date) as received_date,
        entity_uscc,
        department_code,
        county_code,
        town_code,
        assessment,
        assessed_at,
        cast(assessed_at as date) as assessed_date,
        case_no,
        status,
        assessment = 'FILED' as is_filed,
        assessed_at is not null as is_assessed,
        date_diff('day', cast(received_at as date), cast(assessed_at as date)) as days_to_assessment,
        updated_at
    from clues
)

select * from final
