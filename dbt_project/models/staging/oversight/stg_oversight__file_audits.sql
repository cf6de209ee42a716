with

source as (
    select * from {{ source('oversight', 'file_audits') }}
),

latest as (
    {{ latest_state('source', 'audit_id', 'updated_at') }}
),

final as (
    select
        audit_id,
        case_no,
        audit_batch,
        audit_date,
        score,
        grade,
        problem_count,
        county_code,
        dept_code as department_code,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
