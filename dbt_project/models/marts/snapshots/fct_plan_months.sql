{#- 检查计划月末快照: every inspection plan as it stood on each month's snapshot day, so that
    plans launched so far (cumulative) and plans running are counted on a day. -#}
with

plans as (
    {{ state_at_month_ends(source('inspection', 'plans'), 'plan_id') }}
),

final as (
    select
        month_start,
        as_of_date,
        plan_id,
        plan_kind,
        trigger_type,
        lead_dept_code as department_code,
        county_code,
        cast(null as varchar) as town_code,
        target_count,
        window_start,
        window_end,
        status,
        approved_date,
        coalesce(approved_date <= as_of_date, false) as is_launched,
        coalesce(approved_date <= as_of_date, false)
            and window_start <= as_of_date and window_end >= as_of_date as is_running
    from plans
)

select * from final
