with

departments as (
    select * from {{ ref('stg_reference__departments') }}
),

final as (
    select
        department_code,
        name_zh,
        name_en,
        domain_code,
        is_enforcement_team
    from departments
)

select * from final
