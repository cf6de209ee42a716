with

tasks as (
    select * from {{ ref('stg_inspection__tasks') }}
),

final as (
    select
        task_id,
        plan_id,
        entity_uscc,
        county_code,
        town_code,
        department_code,
        joint_department_codes,
        is_joint,
        task_source,
        trigger_ref,
        inspect_mode,
        inspected_date,
        result_code,
        finding_count,
        result_code in ('RECTIFY', 'CLUE') as has_findings,
        result_code = 'RECTIFY' as is_rectification_ordered,
        rectify_deadline,
        rectified_date,
        coalesce(rectified_date <= rectify_deadline, false) as is_rectified_on_time,
        updated_at,
        landed_date
    from tasks
)

select * from final
