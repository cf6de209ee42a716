{{ config(materialized='incremental', unique_key=['case_no'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('enforcement', 'cases') }}
),

latest as (
    {{ latest_state('source', 'case_no', 'updated_at') }}
),

final as (
    select
        case_no,
        clue_id,
        clue_source,
        dept_code as department_code,
        county_code,
        town_code,
        entity_uscc,
        party_name,
        party_id_no,
        party_phone,
        procedure,
        case_status,
        filed_date,
        decided_date,
        closed_date,
        decision_type,
        coalesce(fine_amount, 0) as fine_amount,
        item_code,
        review_tier,
        fine_paid,
        paid_date,
        extended,
        team_code,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
