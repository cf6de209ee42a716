with

source as (
    select * from {{ source('approvals', 'supervision_claims') }}
),

latest as (
    {{ latest_state('source', 'claim_id', 'updated_at') }}
),

final as (
    select
        claim_id,
        application_id,
        entity_uscc,
        item_code,
        approve_dept_code,
        supervise_dept_code,
        pushed_at,
        claim_deadline,
        claimed_at,
        returned_at,
        first_inspection_due,
        status,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
