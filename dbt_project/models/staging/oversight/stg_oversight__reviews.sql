with

source as (
    select * from {{ source('oversight', 'reviews') }}
),

latest as (
    {{ latest_state('source', 'review_id', 'updated_at') }}
),

final as (
    select
        review_id,
        case_no,
        review_type,
        filed_date,
        decided_date,
        outcome,
        county_code,
        dept_code as department_code,
        status,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
