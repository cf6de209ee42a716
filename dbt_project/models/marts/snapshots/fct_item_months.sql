{#- 三张清单月末快照: every catalogued item with the list it was on at each snapshot day, the
    "1+5" domain of its department and whether it was exercised (a case filed or an inspection
    recorded under it) in the 12 months up to the snapshot day. -#}
with

items as (
    {{ state_at_month_ends(source('items', 'items'), 'item_code') }}
),

departments as (
    select department_code, domain_code as department_domain_code from {{ ref('dim_department') }}
),

use_months as (
    select * from {{ ref('int_items__item_use_months') }}
),

used_in_last_12_months as (
    -- the snapshot month and the 11 before it: the 12 months up to the snapshot day
    select distinct items.month_start, items.item_code
    from items
    inner join use_months
        on use_months.item_code = items.item_code
        and use_months.month_start <= items.month_start
        and use_months.month_start > items.month_start - interval 12 month
),

final as (
    select
        items.month_start,
        items.as_of_date,
        items.item_code,
        items.item_type,
        items.department_code,
        items.domain_code,
        items.list_type,
        items.exercise_level,
        items.delegated_to_town,
        items.is_sanguo,
        items.is_dormant,
        items.listed_date,
        cast(null as varchar) as county_code,
        cast(null as varchar) as town_code,
        items.listed_date <= items.as_of_date as is_listed,
        items.listed_date <= items.as_of_date and items.list_type = 'COMPREHENSIVE'
            as is_comprehensive,
        departments.department_domain_code as team_domain_code,
        used_in_last_12_months.item_code is not null as is_used_12m
    from items
    left join departments on departments.department_code = items.department_code
    left join used_in_last_12_months
        on used_in_last_12_months.month_start = items.month_start
        and used_in_last_12_months.item_code = items.item_code
)

select * from final
