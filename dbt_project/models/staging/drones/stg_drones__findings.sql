{{ config(materialized='incremental', unique_key=['finding_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('drones', 'findings') }}
),

latest as (
    {{ latest_state('source', 'finding_id', 'updated_at') }}
),

final as (
    select
        finding_id,
        flight_id,
        detected_at,
        finding_class,
        confidence,
        lat,
        lon,
        county_code,
        town_code,
        routed_dept_code as routed_department_code,
        status,
        status_at,
        reviewed_at,
        pushed_at,
        signed_at,
        handled_at,
        verified_at,
        closed_at,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
