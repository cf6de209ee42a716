{#- 行政复议与诉讼事实: one row per reconsideration or lawsuit against a penalty decision. -#}
with

reviews as (
    select * from {{ ref('stg_oversight__reviews') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

joined as (
    select
        reviews.*,
        departments.domain_code as team_domain_code
    from reviews
    left join departments using (department_code)
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
        cast(null as varchar) as town_code,
        department_code,
        status,
        outcome in ('REVOKED', 'CHANGED', 'CONFIRMED_ILLEGAL') as is_overturned,
        updated_at,
        team_domain_code,
        -- decided on the merits (维持、撤销、变更、确认违法), not withdrawn (撤回) or settled (调解)
        outcome in ('UPHELD', 'REVOKED', 'CHANGED', 'CONFIRMED_ILLEGAL') as is_adjudicated
    from joined
)

select * from final
