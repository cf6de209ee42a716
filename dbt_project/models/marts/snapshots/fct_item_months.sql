{#- 三张清单月末快照: every catalogued item with the list it was on at each snapshot day. -#}
with

items as (
    {{ state_at_month_ends(source('items', 'items'), 'item_code') }}
),

final as (
    select
        month_start,
        as_of_date,
        item_code,
        item_type,
        department_code,
        domain_code,
        list_type,
        exercise_level,
        delegated_to_town,
        is_sanguo,
        is_dormant,
        listed_date,
        cast(null as varchar) as county_code,
        cast(null as varchar) as town_code,
        listed_date <= as_of_date as is_listed,
        listed_date <= as_of_date and list_type = 'COMPREHENSIVE' as is_comprehensive
    from items
)

select * from final
