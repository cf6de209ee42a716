with

source as (
    select * from {{ source('complaints', 'ticket_events') }}
),

latest as (
    {{ latest_state('source', 'ticket_no, seq', '_partition_date') }}
),

final as (
    select
        ticket_no,
        seq,
        event_type,
        event_at,
        dept_code as department_code,
        note,
        updated_at,
        _partition_date as landed_date
    from latest
)

select * from final
