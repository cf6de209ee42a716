{#- 网格事件事实: one row per grid event (一中心四平台一网格) in its latest state — resolved inside
    the grid (网格内自治) or escalated to the town or county, and closed or not. The reporter's
    name and the exact position stay in the build database (personal data); the grid locates
    the event.

    Incremental by landing day (macros/incremental.sql): 2M rows at full scale, of which a
    day changes a few thousand. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
{{ config(materialized='incremental', unique_key='event_id',
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

events as (
    select * from {{ ref('stg_grid__events') }}
    {{ where_landed_since_last_run() }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

final as (
    select
        events.event_id,
        events.grid_code,
        events.county_code,
        events.town_code,
        events.event_type,
        events.reporter_kind,
        events.reported_at,
        cast(events.reported_at as date) as reported_date,
        events.handled_in_grid as is_handled_in_grid,
        events.escalated_to,
        events.escalated_at,
        events.department_code,
        departments.domain_code as team_domain_code,
        events.handled_at,
        events.closed_at,
        cast(events.closed_at as date) as closed_date,
        events.closed_at is not null as is_closed,
        date_diff('second', events.reported_at, events.closed_at) / 3600.0 as hours_to_close,
        events.status,
        events.updated_at,
        events.landed_date,
        {{ written_at() }} as _written_at
    from events
    left join departments on departments.department_code = events.department_code
)

select * from final
