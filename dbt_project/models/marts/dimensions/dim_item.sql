{#- 执法事项维度: every catalogued item with the list it is on now (三张清单). -#}
with

items as (
    select * from {{ ref('stg_items__items') }}
),

final as (
    select
        item_code,
        item_name,
        item_type,
        department_code,
        domain_code,
        list_type,
        legal_basis,
        penalty_min,
        penalty_max,
        exercise_level,
        delegated_to_town,
        is_sanguo,
        is_dormant,
        listed_date
    from items
)

select * from final
