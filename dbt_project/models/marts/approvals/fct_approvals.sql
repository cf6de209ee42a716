{#- 审批办件事实: one row per licence application in its latest state. -#}
with

applications as (
    select * from {{ ref('stg_approvals__applications') }}
),

final as (
    select
        application_id,
        item_code,
        item_name,
        apply_type,
        applicant_uscc as entity_uscc,
        county_code,
        town_code,
        department_code,
        channel,
        channel in ('ONLINE', 'MOBILE') as is_online,
        applied_at,
        cast(applied_at as date) as applied_date,
        accepted_at,
        promised_date,
        decided_at,
        cast(decided_at as date) as decided_date,
        result,
        result = 'GRANTED' as is_granted,
        case when decided_at is not null then cast(decided_at as date) <= promised_date end
            as is_decided_on_time,
        case when decided_at is not null then date_diff('day', cast(applied_at as date), cast(decided_at as date)) end
            as days_to_decision,
        satisfaction,
        status,
        updated_at
    from applications
)

select * from final
