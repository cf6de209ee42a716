with

source as (
    select * from {{ source('organisation', 'departments') }}
),

latest as (
    {{ latest_state('source', 'department_code', 'updated_at') }}
),

final as (
    select
        department_code,
        department_name,
        domain_code,
        is_enforcement_team,
        valid_from,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
