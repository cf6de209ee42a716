{#- 行政复议与诉讼事实: one row per reconsideration or lawsuit against a penalty decision. -#}
with

reviews as (
    select * from {{ ref('stg_oversight__reviews') }}
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
        updated_at
    from reviews
)

select * from final
