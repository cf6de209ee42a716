{#- 预警处置事实: one row per early warning in its latest state, with the time each step
    of raised → dispatched → handled → closed took. -#}
with

alerts as (
    select * from {{ ref('stg_warnings__alerts') }}
),

final as (
    select
        warning_id,
        sensor_id,
        warning_type,
        severity,
        county_code,
        town_code,
        entity_uscc,
        measured_value,
        threshold_value,
        raised_at,
        cast(raised_at as date) as raised_date,
        dispatched_at,
        dispatch_dept_code as department_code,
        handled_at,
        closed_at,
        disposal,
        status,
        disposal = 'FALSE_ALARM' as is_false_alarm,
        handled_at is not null as is_handled,
        date_diff('second', raised_at, dispatched_at) / 60.0 as minutes_to_dispatch,
        date_diff('second', raised_at, handled_at) / 3600.0 as hours_to_handle,
        updated_at
    from alerts
)

select * from final
