{{ config(materialized='incremental', unique_key=['application_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('approvals', 'applications') }}
),

latest as (
    {{ latest_state('source', 'application_id', 'updated_at') }}
),

final as (
    select
        application_id,
        item_code,
        item_name,
        apply_type,
        applicant_uscc,
        applicant_name,
        county_code,
        town_code,
        dept_code as department_code,
        channel,
        applied_at,
        accepted_at,
        promised_date,
        decided_at,
        result,
        certificate_no,
        satisfaction,
        status,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
