{#- 案卷评查事实: one row per audited case file. -#}
with

audits as (
    select * from {{ ref('stg_oversight__file_audits') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

joined as (
    select
        audits.*,
        departments.domain_code as team_domain_code
    from audits
    left join departments using (department_code)
),

final as (
    select
        audit_id,
        case_no,
        audit_batch,
        audit_date,
        cast(score as double) as score,
        grade,
        problem_count,
        county_code,
        cast(null as varchar) as town_code,
        department_code,
        grade in ('EXCELLENT', 'GOOD', 'PASS') as is_passed,
        updated_at,
        team_domain_code
    from joined
)

select * from final
