with

source as (
    select * from {{ source('inspection', 'plans') }}
),

latest as (
    {{ latest_state('source', 'plan_id', 'updated_at') }}
),

final as (
    select
        plan_id,
        plan_name,
        plan_kind,
        trigger_type,
        lead_dept_code,
        joint_dept_codes,
        item_codes,
        county_code,
        target_count,
        window_start,
        window_end,
        status,
        approved_date,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
