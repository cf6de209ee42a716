{#- 市场主体维度: every market entity in its latest registered state. The legal
    representative's name, ID number and phone are personal data and stay in raw. -#}
with

entities as (
    select * from {{ ref('stg_market__entities') }}
),

final as (
    select
        uscc as entity_uscc,
        name as entity_name,
        entity_type,
        industry_code,
        county_code,
        town_code,
        latitude,
        longitude,
        registered_date,
        status,
        status_date,
        is_key_supervision
    from entities
)

select * from final
