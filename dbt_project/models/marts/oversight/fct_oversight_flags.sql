{#- 监督预警事实: one row per oversight flag, with whether it was rectified and verified. -#}
with

flags as (
    select * from {{ ref('stg_oversight__flags') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

joined as (
    select
        flags.*,
        departments.domain_code as team_domain_code
    from flags
    left join departments using (department_code)
),

final as (
    select
        flag_id,
        flag_type,
        object_type,
        object_ref,
        department_code,
        county_code,
        cast(null as varchar) as town_code,
        raised_date,
        rectify_deadline,
        rectified_date,
        verified_date,
        status,
        rectified_date is not null as is_rectified,
        coalesce(rectified_date <= rectify_deadline, false) as is_rectified_on_time,
        verified_date is not null as is_verified,
        updated_at,
        team_domain_code
    from joined
)

select * from final
