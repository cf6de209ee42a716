with

source as (
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
        _partition_date as landed_date
    from latest
)

select * from final
