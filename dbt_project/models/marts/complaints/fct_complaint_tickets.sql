{#- 12345 工单事实: one row per hotline ticket in its latest state, with its deadlines met or
    missed, the hours it took to close and the "1+5" domain of the department handling it. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
{{ config(materialized='incremental', unique_key='ticket_no',
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

tickets as (
    select * from {{ ref('stg_complaints__tickets') }}
    {{ where_landed_since_last_run() }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

final as (
    select
        tickets.ticket_no,
        tickets.channel,
        tickets.category,
        tickets.priority,
        tickets.county_code,
        tickets.town_code,
        tickets.grid_code,
        tickets.department_code,
        departments.domain_code as team_domain_code,
        tickets.received_at,
        cast(tickets.received_at as date) as received_date,
        tickets.sign_due_at,
        tickets.signed_at,
        coalesce(tickets.signed_at <= tickets.sign_due_at, false) as is_signed_on_time,
        tickets.due_at,
        tickets.closed_at,
        cast(tickets.closed_at as date) as closed_date,
        date_diff('second', tickets.received_at, tickets.closed_at) / 3600.0 as hours_to_close,
        coalesce(tickets.closed_at <= tickets.due_at, false) as is_closed_on_time,
        tickets.status,
        tickets.satisfaction,
        tickets.is_repeat,
        tickets.to_clue,
        tickets.updated_at,
        tickets.landed_date,
        {{ written_at() }} as _written_at
    from tickets
    left join departments on departments.department_code = tickets.department_code
)

select * from final
