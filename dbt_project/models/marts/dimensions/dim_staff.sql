{#- 执法人员维度: enforcement staff by staff number, post and place; no names, ID numbers or
    phones (personal data stays in raw). -#}
with

staff as (
    select * from {{ ref('stg_organisation__staff') }}
),

final as (
    select
        staff_id,
        team_id,
        squad_id,
        town_code,
        post,
        level as staff_level,
        is_frontline,
        certificate_no is not null as has_certificate,
        cert_valid_to,
        hired_date,
        left_date
    from staff
)

select * from final
