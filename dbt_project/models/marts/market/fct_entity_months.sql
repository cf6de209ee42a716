{#- 市场主体月末快照: every market entity registered on a month's snapshot day, or taken off
    the register (注销/吊销) during that month, with the state it was in, whether it was new
    or left that month, and whether a sensing device on its premises was online (非现场监测).
    The legal representative's name, ID number and phone stay in raw.

    Incremental (~10M rows at full scale): a daily run re-derives every month from the
    earliest one a newly landed register or device row changes (a version counts from the
    month of its `updated_at`; the latest month always, as its snapshot day moves), reading
    one month more for the previous month's state. Rows of that range that no longer qualify
    are written too, so they replace what an earlier run wrote, and the post-hook removes
    them. `landed_date` (the entity row's landing day) gives the next run's cutoff. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
{{ config(
    materialized='incremental', unique_key=['entity_uscc', 'month_start'],
    incremental_strategy='delete+insert', on_schema_change='fail',
    post_hook="delete from {{ this }} where not (is_registered or is_deregistered_in_month)"
) }}

{%- set from_month = none %}
{%- if is_incremental() %}
{%- set from_month = "(select month_start - interval 1 month from first_changed_month)" %}
{%- endif %}

with

{%- if is_incremental() %}

first_changed_month as (
    select cast(least(
        (select min(date_trunc('month', updated_at)) from {{ source('market', 'entities') }}
         where _partition_date >= {{ landed_cutoff() }}),
        (select min(date_trunc('month', updated_at)) from {{ source('warnings', 'sensors') }}
         where _partition_date >= {{ landed_cutoff() }}),
        (select max(month_start) from {{ this }})
    ) as date) as month_start
),

{%- endif %}

entity_states as (
    {{ state_at_month_ends(source('market', 'entities'), 'uscc', from_month=from_month) }}
),

sensor_states as (
    {{ state_at_month_ends(source('warnings', 'sensors'), 'sensor_id', from_month=from_month) }}
),

monitored as (
    -- devices on an entity's premises that were installed and online on the snapshot day
    select
        month_start,
        entity_uscc,
        count(*) as online_devices
    from sensor_states
    where entity_uscc is not null
        and status = 'ACTIVE'
        and installed_date <= as_of_date
    group by month_start, entity_uscc
),

registered as (
    select
        month_start,
        as_of_date,
        uscc as entity_uscc,
        entity_type,
        industry_code,
        county_code,
        town_code,
        registered_date,
        status,
        status_date,
        is_key_supervision,
        status in ('OPERATING', 'ABNORMAL') as is_registered,
        cast(date_trunc('month', registered_date) as date) = month_start as is_new_in_month,
        _partition_date as landed_date
    from entity_states
),

with_previous as (
    select
        *,
        -- on the register at the previous snapshot day; before the first snapshot, an
        -- entity established earlier is taken to have been on it
        coalesce(
            lag(is_registered) over (partition by entity_uscc order by month_start),
            registered_date < month_start
        ) as was_registered
    from registered
),

flagged as (
    select
        *,
        not is_registered
            and cast(date_trunc('month', status_date) as date) = month_start
            and (was_registered or is_new_in_month) as is_deregistered_in_month
    from with_previous
),

final as (
    select
        flagged.month_start,
        flagged.as_of_date,
        flagged.entity_uscc,
        flagged.entity_type,
        flagged.industry_code,
        flagged.county_code,
        flagged.town_code,
        flagged.registered_date,
        flagged.status,
        flagged.status_date,
        flagged.is_registered,
        flagged.status = 'ABNORMAL' as is_abnormal,
        flagged.is_key_supervision,
        flagged.is_registered and flagged.is_key_supervision as is_key_registered,
        flagged.is_new_in_month,
        flagged.is_deregistered_in_month,
        case when flagged.is_new_in_month then 1 else 0 end
            - case when flagged.is_deregistered_in_month then 1 else 0 end as net_change,
        coalesce(monitored.online_devices, 0) as online_devices,
        coalesce(monitored.online_devices, 0) > 0 as is_remotely_monitored,
        flagged.landed_date,
        {{ written_at() }} as _written_at
    from flagged
    left join monitored using (month_start, entity_uscc)
    {%- if is_incremental() %}
    where flagged.month_start >= (select month_start from first_changed_month)
    {%- else %}
    where flagged.is_registered or flagged.is_deregistered_in_month
    {%- endif %}
)

select * from final
