{#- 办案环节事实: one row per stage event of a case, placed in the case's county and town.
    Incremental by landing day. A case touched since the last run (an event of it landed, or
    its case row did: a re-sent defective row) has all its events re-derived, so
    `is_first_at_stage` is computed over the case's whole history, never over part of it. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
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

case_events as (
    select events.*, cases.county_code, cases.town_code, cases.procedure, cases.case_landed_date
    from events
    inner join cases using (case_no)
),

{%- if is_incremental() %}

touched_cases as (
    select distinct case_no
    from case_events
    where landed_date >= {{ landed_cutoff() }}
        or case_landed_date >= {{ landed_cutoff() }}
),

{%- endif %}

final as (
    select
        case_no,
        seq,
        stage,
        event_at,
        cast(event_at as date) as event_date,
        department_code,
        handler_post,
        county_code,
        town_code,
        procedure,
        updated_at,
        greatest(landed_date, case_landed_date) as landed_date,
        row_number() over (partition by case_no, stage order by seq) = 1 as is_first_at_stage,
        {{ written_at() }} as _written_at
    from case_events
    {%- if is_incremental() %}
    where case_no in (select case_no from touched_cases)
    {%- endif %}
)

select * from final
