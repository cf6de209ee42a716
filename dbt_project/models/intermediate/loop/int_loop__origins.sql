{#- Where a loop instance starts: a licence pushed to its supervisor, a warning sent for
    inspection or enforcement, a 12345 ticket or a drone finding that reached inspection or
    the clue centre. One row per origin record, with the entity and the handoff's deadline.

    The first inspection's deadline (due_date): for a licence, the claim's first-inspection
    day; for a signal sent to inspection, the command centre's response limits — an orange or
    red warning within 3 days of dispatch, a blue or yellow one within 7; a drone finding
    within 7 days of being signed; a 12345 ticket within 10 days of being signed. Signals
    handed straight to the clue centre have no inspection deadline. -#}
with

claims as (
    select * from {{ ref('fct_supervision_claims') }}
),

approvals as (
    select application_id, decided_at from {{ ref('fct_approvals') }}
),

warnings as (
    select * from {{ ref('fct_warnings') }}
),

inspection_limits as (
    -- days from dispatch or signing to the first inspection
    select
        3 as urgent_warning_days,
        7 as warning_days,
        7 as drone_finding_days,
        10 as complaint_days
),

tickets as (
    select * from {{ ref('fct_complaint_tickets') }}
),

findings as (
    select * from {{ ref('fct_drone_findings') }}
),

tasks as (
    select distinct trigger_ref from {{ ref('fct_inspection_tasks') }} where trigger_ref is not null
),

clues as (
    select distinct source_ref from {{ ref('fct_clues') }} where source_ref is not null
),

latest_claims as (
    select *
    from claims
    qualify row_number() over (partition by application_id order by pushed_at desc, claim_id desc) = 1
),

approval_origins as (
    select
        'APPROVAL' as origin_type,
        latest_claims.application_id as origin_ref,
        latest_claims.entity_uscc,
        latest_claims.county_code,
        latest_claims.town_code,
        latest_claims.department_code,
        coalesce(approvals.decided_at, latest_claims.pushed_at) as origin_at,
        latest_claims.claimed_at as accepted_at,
        latest_claims.first_inspection_due as due_date
    from latest_claims
    left join approvals using (application_id)
),

warning_origins as (
    select
        'WARNING' as origin_type,
        warning_id as origin_ref,
        entity_uscc,
        county_code,
        town_code,
        department_code,
        raised_at as origin_at,
        dispatched_at as accepted_at,
        case
            when disposal = 'INSPECTION' and severity in ('ORANGE', 'RED')
                then cast(dispatched_at as date) + inspection_limits.urgent_warning_days
            when disposal = 'INSPECTION'
                then cast(dispatched_at as date) + inspection_limits.warning_days
        end as due_date
    from warnings
    cross join inspection_limits
    where disposal in ('INSPECTION', 'CLUE')
),

ticket_origins as (
    select
        'COMPLAINT' as origin_type,
        ticket_no as origin_ref,
        cast(null as varchar) as entity_uscc,
        county_code,
        town_code,
        department_code,
        received_at as origin_at,
        signed_at as accepted_at,
        -- the deadline of the inspection the ticket asked for (the ticket's own handling
        -- deadline is the 12345 cockpit's)
        case
            when not to_clue then cast(signed_at as date) + inspection_limits.complaint_days
        end as due_date
    from tickets
    cross join inspection_limits
    where to_clue
        or ticket_no in (select trigger_ref from tasks)
),

finding_origins as (
    select
        'DRONE' as origin_type,
        finding_id as origin_ref,
        cast(null as varchar) as entity_uscc,
        county_code,
        town_code,
        routed_department_code as department_code,
        detected_at as origin_at,
        signed_at as accepted_at,
        case
            when finding_id in (select trigger_ref from tasks)
                then cast(signed_at as date) + inspection_limits.drone_finding_days
        end as due_date
    from findings
    cross join inspection_limits
    where finding_id in (select trigger_ref from tasks)
        or finding_id in (select source_ref from clues)
),

final as (
    select * from approval_origins
    union all
    select * from warning_origins
    union all
    select * from ticket_origins
    union all
    select * from finding_origins
)

select * from final
