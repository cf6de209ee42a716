with

source as (
    select * from {{ source('oversight', 'flags') }}
),

latest as (
    {{ latest_state('source', 'flag_id', 'updated_at') }}
),

final as (
    select
        flag_id,
        flag_type,
        object_type,
        object_ref,
        dept_code as department_code,
        county_code,
        raised_date,
        rectify_deadline,
        rectified_date,
        verified_date,
        status,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
