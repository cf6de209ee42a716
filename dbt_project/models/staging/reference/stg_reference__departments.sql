with

source as (
    select * from {{ ref('departments') }}
),

final as (
    select
        department_code,
        name_zh,
        name_en,
        domain_code,
        is_enforcement_team
    from source
)

select * from final
