{#- 部门维: the departments of the organisation system's register, in their latest state. The
    register exports official (Chinese) names only; the English name comes from the reference
    translation table and falls back to the Chinese name for a department it lacks. -#}
with

departments as (
    select * from {{ ref('stg_organisation__departments') }}
),

translations as (
    select * from {{ ref('stg_reference__departments') }}
),

named as (
    select
        departments.department_code,
        departments.department_name as name_zh,
        coalesce(translations.name_en, departments.department_name) as name_en,
        departments.domain_code,
        departments.is_enforcement_team
    from departments
    left join translations
        on departments.department_code = translations.department_code
),

final as (
    select
        department_code,
        name_zh,
        name_en,
        domain_code,
        is_enforcement_team
    from named
)

select * from final
