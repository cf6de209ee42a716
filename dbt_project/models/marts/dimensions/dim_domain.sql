{#- 执法领域维度: the enforcement domains of the item catalogue, with how many items each holds
    and how many are on the comprehensive list now. -#}
with

items as (
    select * from {{ ref('stg_items__items') }}
),

final as (
    select
        domain_code,
        count(*) as item_count,
        count(*) filter (where list_type = 'COMPREHENSIVE') as comprehensive_item_count,
        count(distinct department_code) as department_count
    from items
    group by domain_code
)

select * from final
