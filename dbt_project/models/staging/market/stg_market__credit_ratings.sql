{{ config(materialized='incremental', unique_key=['uscc', 'rating_month'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

source as not materialized (
    select * from {{ source('market', 'credit_ratings') }}
),

latest as (
    {{ latest_state('source', 'uscc, rating_month', 'updated_at') }}
),

final as (
    select
        uscc,
        rating_month,
        credit_class,
        score,
        rated_at,
        updated_at,
        _partition_date as landed_date,
        {{ batch_loaded_at('source') }} as _batch_loaded_at
    from latest
)

select * from final
