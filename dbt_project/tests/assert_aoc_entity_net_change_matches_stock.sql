-- A month's net change of market entities (established − closed or revoked) is the change
-- in the register's stock since the month before, in every town.
with

entity_months as (
    select * from {{ ref('fct_entity_months') }}
),

towns as (
    select
        month_start,
        town_code,
        count(*) filter (where is_registered) as stock,
        sum(net_change) as net_change
    from entity_months
    group by month_start, town_code
),

months as (
    select distinct month_start from entity_months
),

town_months as (
    -- every town in every month, so a town whose last entity left still compares
    select months.month_start, all_towns.town_code
    from months
    cross join (select distinct town_code from entity_months) as all_towns
),

compared as (
    select
        town_months.month_start,
        town_months.town_code,
        coalesce(towns.stock, 0) as stock,
        coalesce(towns.net_change, 0) as net_change,
        lag(coalesce(towns.stock, 0)) over (
            partition by town_months.town_code order by town_months.month_start
        ) as previous_stock
    from town_months
    left join towns using (month_start, town_code)
)

select *
from compared
where previous_stock is not null
    and stock - previous_stock <> net_change
