{#- 行政处罚案件事实: one row per case in its latest state, with its lifecycle (stage dates,
    deadlines, on-time flags), its "1+5" domain and whether it was handled at town level. -#}
with

cases as (
    select * from {{ ref('stg_enforcement__cases') }}
),

lifecycle as (
    select * from {{ ref('int_enforcement__case_lifecycle') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

town_coverage as (
    select town_code, covered_from_date from {{ ref('int_enforcement__town_coverage') }}
),

month_ends as (
    select max(as_of_date) as data_as_of_date from {{ ref('int_calendar__month_ends') }}
),

joined as (
    select
        cases.*,
        departments.domain_code as team_domain_code,
        lifecycle.is_extended,
        lifecycle.decision_deadline_date,
        lifecycle.is_decided_within_90_days,
        lifecycle.is_decided_on_time,
        lifecycle.served_date,
        lifecycle.fine_due_date,
        lifecycle.days_to_decision,
        lifecycle.days_to_closing,
        town_coverage.covered_from_date,
        month_ends.data_as_of_date
    from cases
    inner join lifecycle on lifecycle.case_no = cases.case_no
    left join departments on departments.department_code = cases.department_code
    left join town_coverage on town_coverage.town_code = cases.town_code
    cross join month_ends
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
        is_decided_within_90_days,
        updated_at,
        landed_date,
        team_domain_code,
        team_code,
        item_code,
        review_tier,
        review_tier in ('COUNTY', 'CITY', 'COLLECTIVE') as is_legally_reviewed,
        is_extended,
        decision_deadline_date,
        is_decided_on_time,
        served_date,
        fine_paid,
        paid_date,
        fine_due_date,
        coalesce(fine_due_date <= data_as_of_date, false) as is_fine_due,
        case when decision_type = 'PENALTY' and fine_paid then fine_amount else 0 end
            as fine_collected_amount,
        days_to_closing,
        coalesce(team_domain_code = 'ZHZF' and filed_date >= covered_from_date, false)
            as is_town_level
    from joined
)

select * from final
