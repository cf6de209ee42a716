with

source as (
    select * from {{ source('drones', 'findings') }}
),

latest as (
    {{ latest_state('source', 'finding_id', 'updated_at') }}
),

final as (
    select
        finding_id,
        flight_id,
        detected_at,
        finding_class,
        confidence,
        lat,
        lon,
        county_code,
        town_code,
        routed_dept_code as routed_department_code,
        status,
        status_at,
        reviewed_at,
        pushed_at,
        signed_at,
        handled_at,
        verified_at,
        closed_at,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
