{#- 线索事实: one row per clue handed to the clue centre, with its assessment and case, its
    "1+5" domain and whether it was assessed within the clue centre's 15-day limit. -#}
with

clues as (
    select * from {{ ref('stg_enforcement__clues') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

limits as (
    -- the clue centre's rule: assess a clue within 15 days of receipt
    -- (sources/systems/enforcement.py: ASSESSMENT_LIMIT_DAYS)
    select 15 as assessment_limit_days
),

joined as (
    select
        clues.*,
        departments.domain_code as team_domain_code,
        cast(clues.received_at as date) as received_date,
        cast(clues.assessed_at as date) as assessed_date,
        limits.assessment_limit_days
    from clues
    left join departments using (department_code)
    cross join limits
),

final as (
    select
        clue_id,
        clue_source,
        source_ref,
        received_at,
        received_date,
        entity_uscc,
        department_code,
        county_code,
        town_code,
        assessment,
        assessed_at,
        assessed_date,
        case_no,
        status,
        assessment = 'FILED' as is_filed,
        assessed_at is not null as is_assessed,
        date_diff('day', received_date, assessed_date) as days_to_assessment,
        updated_at,
        team_domain_code,
        received_date + assessment_limit_days as assessment_due_date,
        coalesce(assessed_date <= received_date + assessment_limit_days, false)
            as is_assessed_on_time
    from joined
)

select * from final
