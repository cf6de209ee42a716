with

cases as (
    select * from {{ ref('stg_enforcement__cases') }}
),

durations as (
    select
        *,
        date_diff('day', filed_date, decided_date) as days_to_decision
    from cases
),

final as (
    select
        case_no,
        clue_id,
        clue_source,
        department_code,
        county_code,
        town_code,
        entity_uscc,
        procedure,
        case_status,
        filed_date,
        decided_date,
        closed_date,
        decision_type,
        fine_amount,
        days_to_decision,
        coalesce(days_to_decision <= 90, false) as is_decided_within_90_days,
        updated_at,
        landed_date
    from durations
)

select * from final
