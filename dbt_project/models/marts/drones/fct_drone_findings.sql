with

findings as (
    select * from {{ ref('stg_drones__findings') }}
),

final as (
    select
        finding_id,
        flight_id,
        detected_at,
        cast(detected_at as date) as detected_date,
        finding_class,
        confidence,
        county_code,
        town_code,
        routed_department_code,
        status,
        reviewed_at,
        pushed_at,
        signed_at,
        handled_at,
        verified_at,
        closed_at,
        reviewed_at is not null as is_reviewed,
        pushed_at is not null as is_confirmed,
        date_diff('minute', detected_at, closed_at) / 60.0 as hours_to_close,
        updated_at
    from findings
)

select * from final
