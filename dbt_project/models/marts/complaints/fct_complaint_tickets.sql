with

tickets as (
    select * from {{ ref('stg_complaints__tickets') }}
),

final as (
    select
        ticket_no,
        channel,
        category,
        priority,
        county_code,
        town_code,
        grid_code,
        department_code,
        received_at,
        cast(received_at as date) as received_date,
        sign_due_at,
        signed_at,
        coalesce(signed_at <= sign_due_at, false) as is_signed_on_time,
        due_at,
        closed_at,
        coalesce(closed_at <= due_at, false) as is_closed_on_time,
        status,
        satisfaction,
        is_repeat,
        to_clue,
        updated_at
    from tickets
)

select * from final
