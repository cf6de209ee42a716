with

source as (
    select * from {{ source('organisation', 'staff') }}
),

latest as (
    {{ latest_state('source', 'staff_id', 'updated_at') }}
),

final as (
    select
        staff_id,
        staff_name,
        id_no,
        phone,
        team_id,
        squad_id,
        town_code,
        post,
        level,
        is_frontline,
        certificate_no,
        cert_valid_to,
        hired_date,
        left_date,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
