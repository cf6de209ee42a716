with

entity_months as (
    select * from {{ ref('int_inspection__entity_months') }}
),

final as (
    select
        entity_uscc,
        month_start,
        county_code,
        town_code,
        inspection_tasks,
        inspection_days,
        departments_on_site
    from entity_months
)

select * from final
