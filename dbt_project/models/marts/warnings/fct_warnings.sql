{#- 预警处置事实: one row per early warning in its latest state, with the time each step
    of raised → dispatched → handled → closed took, the "1+5" domain of the department it
    went to, and whether it was handled within its severity's time limit.

    Handling limit (处置时限): the operation centre hands an orange or red warning's
    inspection on with a due day 1-3 days out and a blue or yellow one's 3-7 days out
    (sources/simulator/warnings.py, ``due_days``); the limit is the shortest of each:
    24 hours for orange and red (urgent), 72 hours for blue and yellow. -#}
with

alerts as (
    select * from {{ ref('stg_warnings__alerts') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

days as (
    -- the end of the last landed day: a limit that ran out after it has not run out yet
    select max(date_day) + interval 1 day as data_as_of from {{ ref('dim_date') }}
),

limited as (
    select
        *,
        severity in ('ORANGE', 'RED') as is_severe,
        case when severity in ('ORANGE', 'RED') then 24 else 72 end as handle_limit_hours
    from alerts
),

final as (
    select
        limited.warning_id,
        limited.sensor_id,
        limited.warning_type,
        limited.severity,
        limited.is_severe,
        limited.county_code,
        limited.town_code,
        limited.entity_uscc,
        limited.measured_value,
        limited.threshold_value,
        limited.raised_at,
        cast(limited.raised_at as date) as raised_date,
        limited.dispatched_at,
        limited.dispatch_dept_code as department_code,
        departments.domain_code as team_domain_code,
        limited.handled_at,
        limited.closed_at,
        limited.disposal,
        limited.status,
        limited.disposal = 'FALSE_ALARM' as is_false_alarm,
        limited.handled_at is not null as is_handled,
        date_diff('second', limited.raised_at, limited.dispatched_at) / 60.0 as minutes_to_dispatch,
        date_diff('second', limited.raised_at, limited.handled_at) / 3600.0 as hours_to_handle,
        limited.handle_limit_hours,
        limited.raised_at + to_hours(limited.handle_limit_hours) as handle_due_at,
        coalesce(limited.handled_at <= limited.raised_at + to_hours(limited.handle_limit_hours), false)
            as is_handled_on_time,
        limited.handled_at is not null
            or limited.raised_at + to_hours(limited.handle_limit_hours) < days.data_as_of
            as is_handle_due,
        limited.updated_at
    from limited
    left join departments on departments.department_code = limited.dispatch_dept_code
    cross join days
)

select * from final
