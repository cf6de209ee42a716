{#- 市场主体月末快照: every market entity registered on a month's snapshot day, or taken off
    the register (注销/吊销) during that month, with the state it was in, whether it was new
    or left that month, and whether a sensing device on its premises was online (非现场监测).
    The legal representative's name, ID number and phone stay in raw. -#}
with

entity_states as (
    {{ state_at_month_ends(source('market', 'entities'), 'uscc') }}
),

sensor_states as (
    {{ state_at_month_ends(source('warnings', 'sensors'), 'sensor_id') }}
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
        cast(date_trunc('month', registered_date) as date) = month_start as is_new_in_month
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
        coalesce(monitored.online_devices, 0) > 0 as is_remotely_monitored
    from flagged
    left join monitored using (month_start, entity_uscc)
    where flagged.is_registered or flagged.is_deregistered_in_month
)

select * from final
