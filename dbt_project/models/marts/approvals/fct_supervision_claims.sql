{#- 审管联动认领事实: one row per approval pushed to its supervising department, with
    whether and when it was claimed, the "1+5" domain of the supervisor, and the first
    post-licence inspection it is owed. -#}
with

claims as (
    select * from {{ ref('stg_approvals__supervision_claims') }}
),

applications as (
    select application_id, county_code, town_code from {{ ref('stg_approvals__applications') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

final as (
    select
        claims.claim_id,
        claims.application_id,
        claims.entity_uscc,
        claims.item_code,
        claims.approve_dept_code as approving_department_code,
        claims.supervise_dept_code as department_code,
        departments.domain_code as team_domain_code,
        applications.county_code,
        applications.town_code,
        claims.pushed_at,
        cast(claims.pushed_at as date) as pushed_date,
        claims.claim_deadline,
        claims.claimed_at,
        claims.returned_at,
        claims.first_inspection_due,
        claims.status,
        claims.claimed_at is not null as is_claimed,
        coalesce(claims.claimed_at <= claims.claim_deadline, false) as is_claimed_on_time,
        claims.updated_at
    from claims
    left join applications using (application_id)
    left join departments on departments.department_code = claims.supervise_dept_code
)

select * from final
