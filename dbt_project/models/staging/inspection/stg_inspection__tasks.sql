{{ config(materialized='incremental', unique_key=['task_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('inspection', 'tasks') }}
),

latest as (
    {{ latest_state('source', 'task_id', 'updated_at') }}
),

final as (
    select
        task_id,
        plan_id,
        entity_uscc,
        entity_name,
        county_code,
        town_code,
        dept_code as department_code,
        joint_dept_codes as joint_department_codes,
        is_joint,
        task_source,
        trigger_ref,
        inspect_mode,
        inspected_date,
        result_code,
        coalesce(finding_count, 0) as finding_count,
        rectify_deadline,
        rectified_date,
        inspector_name,
        latitude,
        longitude,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
