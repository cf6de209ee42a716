{#- 办案环节事实: one row per stage event of a case, placed in the case's county and town. -#}
with

events as (
    select * from {{ ref('stg_enforcement__case_events') }}
),

cases as (
    select case_no, county_code, town_code, procedure from {{ ref('stg_enforcement__cases') }}
),

final as (
    select
        events.case_no,
        events.seq,
        events.stage,
        events.event_at,
        cast(events.event_at as date) as event_date,
        events.department_code,
        events.handler_post,
        cases.county_code,
        cases.town_code,
        cases.procedure,
        events.updated_at
    from events
    inner join cases using (case_no)
)

select * from final
