{#- 信用分类月度事实: one row per market entity and month with the credit-risk class in force
    that month (企业信用风险分类), how it moved from the month before, and how the entity was
    inspected that month.

    The classification rates a month's entities in a nightly run on the 1st-3rd of the
    following month, so the class in force in a month is the one rated for the month before
    (the latest rating of that month: staging keeps each entity-month's latest state).

    Incremental (the fact holds ~10M rows at full scale, and a day changes few of them): a
    daily run re-derives every month from the earliest one a newly landed rating falls in
    (a rating run classes every entity; and always the latest month, whose snapshot day
    moves with each landed day), the months of an entity in which a newly landed
    inspection falls (a late task used to rewrite the whole month before: 350k rows for a
    few), and every month of an entity whose register row landed anew (its county and town
    are the register's latest). `landed_date` is the newest landing day of what a row was
    derived from; the last one in the fact is the cutoff of the next run. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
{{ config(materialized='incremental', unique_key=['entity_uscc', 'month_start'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

ratings as not materialized (
    select * from {{ ref('stg_market__credit_ratings') }}
),

month_ends as not materialized (
    select * from {{ ref('int_calendar__month_ends') }}
),

entities as (
    select entity_uscc, county_code, town_code from {{ ref('dim_entity') }}
),

register_landings as (
    select uscc as entity_uscc, landed_date as entity_landed_date
    from {{ ref('stg_market__entities') }}
),

tasks as not materialized (
    select * from {{ ref('fct_inspection_tasks') }}
),

{%- if is_incremental() %}

-- what landed since the last run: the months it changes for every entity, the months it
-- changes for one entity (its inspections), and the entities whose every month changes
-- (their place)
first_changed_month as (
    select least(
        (select min(cast(rating_month + interval 1 month as date)) from ratings
         where landed_date >= {{ landed_cutoff() }}),
        (select max(month_start) from {{ this }}),
        (select max(month_start) from month_ends)
    ) as month_start
),

inspected_months as (
    select distinct entity_uscc, cast(date_trunc('month', inspected_date) as date) as month_start
    from tasks
    where landed_date >= {{ landed_cutoff() }}
),

moved_entities as (
    select entity_uscc from register_landings
    where entity_landed_date >= {{ landed_cutoff() }}
),

-- entities whose rows are re-derived in some month before the first changed one: all their
-- ratings and inspections are read (their previous class needs the month before)
reread_entities as (
    select entity_uscc from moved_entities
    union
    select entity_uscc from inspected_months
),

{%- endif %}

scoped_ratings as (
    select * from ratings
    {%- if is_incremental() %}
    -- from two rating months before the first changed month: enough for the lag below
    where rating_month >= (select month_start - interval 2 month from first_changed_month)
        or uscc in (select entity_uscc from reread_entities)
    {%- endif %}
),

sequenced as (
    select
        uscc as entity_uscc,
        rating_month,
        cast(rating_month + interval 1 month as date) as month_start,
        credit_class,
        score,
        rated_at,
        landed_date as rating_landed_date,
        lag(rating_month) over (partition by uscc order by rating_month) as previous_rating_month,
        lag(credit_class) over (partition by uscc order by rating_month) as previous_rated_class
    from scoped_ratings
),

classed as (
    select
        *,
        -- the class in force the month before: only if the entity was rated for the month
        -- before this one's rating month (no gap in its ratings)
        case
            when previous_rating_month = cast(rating_month - interval 1 month as date)
                then previous_rated_class
        end as previous_class
    from sequenced
    {%- if is_incremental() %}
    where month_start >= (select month_start from first_changed_month)
        or entity_uscc in (select entity_uscc from moved_entities)
        or (entity_uscc, month_start) in (select (entity_uscc, month_start) from inspected_months)
    {%- endif %}
),

inspections as (
    -- 任务来源: a fixed plan's visit or a 双随机 draw is proactive; warnings, complaints,
    -- drone findings, superior deployment, approvals and the dynamic plans they launch are
    -- triggers (sources/systems/inspection.py TASK_SOURCES)
    select
        entity_uscc,
        cast(date_trunc('month', inspected_date) as date) as month_start,
        count(*) as inspection_tasks,
        count(*) filter (
            where inspect_mode = 'ONSITE' and task_source in ('PLAN_FIXED', 'RANDOM')
        ) as untriggered_onsite_tasks,
        count(*) filter (where task_source = 'RANDOM') as random_tasks,
        max(landed_date) as tasks_landed_date
    from tasks
    {%- if is_incremental() %}
    where inspected_date >= (select month_start from first_changed_month)
        or entity_uscc in (select entity_uscc from reread_entities)
    {%- endif %}
    group by entity_uscc, cast(date_trunc('month', inspected_date) as date)
),

final as (
    select
        classed.entity_uscc,
        classed.month_start,
        month_ends.as_of_date,
        entities.county_code,
        entities.town_code,
        classed.rating_month,
        classed.credit_class,
        classed.score,
        classed.rated_at,
        classed.previous_class,
        coalesce(classed.credit_class > classed.previous_class, false) as is_downgraded,
        coalesce(classed.credit_class < classed.previous_class, false) as is_upgraded,
        coalesce(inspections.inspection_tasks, 0) as inspection_tasks,
        coalesce(inspections.untriggered_onsite_tasks, 0) as untriggered_onsite_tasks,
        coalesce(inspections.random_tasks, 0) as random_tasks,
        coalesce(inspections.inspection_tasks, 0) > 0 as is_inspected,
        coalesce(inspections.untriggered_onsite_tasks, 0) > 0 as is_inspected_without_trigger,
        coalesce(inspections.random_tasks, 0) > 0 as is_randomly_sampled,
        greatest(
            classed.rating_landed_date,
            register_landings.entity_landed_date,
            inspections.tasks_landed_date
        ) as landed_date,
        {{ written_at() }} as _written_at
    from classed
    inner join month_ends using (month_start)
    left join entities using (entity_uscc)
    left join register_landings using (entity_uscc)
    left join inspections using (entity_uscc, month_start)
)

select * from final
