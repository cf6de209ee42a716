{#- 无人机识别事件事实: one row per AI finding of a drone sortie in its latest state, with its
    lifecycle (识别 → 研判 → 推送 → 签收 → 处置 → 复飞核验 → 闭环), its map position and the
    "1+5" domain of the department it was routed to. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
{{ config(materialized='incremental', unique_key='finding_id',
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

findings as (
    select * from {{ ref('stg_drones__findings') }}
    {{ where_landed_since_last_run() }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

joined as (
    select
        findings.*,
        departments.domain_code as team_domain_code
    from findings
    left join departments on departments.department_code = findings.routed_department_code
),

final as (
    select
        finding_id,
        flight_id,
        detected_at,
        cast(detected_at as date) as detected_date,
        finding_class,
        confidence,
        county_code,
        town_code,
        routed_department_code,
        status,
        reviewed_at,
        pushed_at,
        signed_at,
        handled_at,
        verified_at,
        closed_at,
        reviewed_at is not null as is_reviewed,
        pushed_at is not null as is_confirmed,
        date_diff('minute', detected_at, closed_at) / 60.0 as hours_to_close,
        updated_at,
        -- map position; a fix outside the province's box (the ingest contract's
        -- LATITUDE_RANGE / LONGITUDE_RANGE, sources/contracts.py) is no position at all
        case
            when lat between 27.0 and 31.5 and lon between 117.5 and 123.5
                then cast(lon as double)
        end as lon,
        case
            when lat between 27.0 and 31.5 and lon between 117.5 and 123.5
                then cast(lat as double)
        end as lat,
        team_domain_code,
        cast(pushed_at as date) as pushed_date,
        cast(closed_at as date) as closed_date,
        -- the routed department must sign within 2 hours of the push (SIGN_DEADLINE_HOURS,
        -- sources/systems/drones.py)
        pushed_at + interval 2 hour as sign_due_at,
        coalesce(signed_at <= pushed_at + interval 2 hour, false) as is_signed_on_time,
        pushed_at is not null and closed_at is not null as is_closed,
        landed_date,
        {{ written_at() }} as _written_at
    from joined
)

select * from final
