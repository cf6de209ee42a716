{#- 办案环节事实: one row per stage event of a case, placed in the case's county and town.
    Incremental by landing day; an event whose case row lands later (a re-sent defective
    row) is picked up on the day its case lands. -#}
{{ config(materialized='incremental', unique_key=['case_no', 'seq'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

events as (
    select * from {{ ref('stg_enforcement__case_events') }}
),

cases as (
    select case_no, county_code, town_code, procedure, landed_date as case_landed_date
    from {{ ref('stg_enforcement__cases') }}
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
        events.updated_at,
        greatest(events.landed_date, cases.case_landed_date) as landed_date
    from events
    inner join cases using (case_no)
    {%- if is_incremental() %}
    where events.landed_date >= {{ landed_cutoff() }}
        or cases.case_landed_date >= {{ landed_cutoff() }}
    {%- endif %}
)

select * from final
