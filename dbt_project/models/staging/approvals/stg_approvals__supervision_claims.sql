{{ config(materialized='incremental', unique_key=['claim_id'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('approvals', 'supervision_claims') }}
),

latest as (
    {{ latest_state('source', 'claim_id', 'updated_at') }}
),

final as (
    select
        claim_id,
        application_id,
        entity_uscc,
        item_code,
        approve_dept_code,
        supervise_dept_code,
        pushed_at,
        claim_deadline,
        claimed_at,
        returned_at,
        first_inspection_due,
        status,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
