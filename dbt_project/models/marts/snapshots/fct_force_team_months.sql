{#- 执法队伍月末快照: every enforcement team as it stood on each month's snapshot day, with its
    "1+5" domain and the staff on its payroll that day. -#}
with

teams as (
    {{ state_at_month_ends(source('organisation', 'teams'), 'team_id') }}
),

departments as (
    select department_code, domain_code as department_domain_code from {{ ref('dim_department') }}
),

staff_months as (
    select * from {{ ref('fct_force_staff_months') }}
),

team_staff as (
    select
        month_start,
        team_id,
        count(*) as staff_on_staff,
        count(*) filter (where is_frontline) as frontline_staff
    from staff_months
    where is_on_staff and team_id is not null
    group by month_start, team_id
),

final as (
    select
        month_start,
        as_of_date,
        team_id,
        team_name,
        department_code,
        domain_code,
        level as team_level,
        county_code,
        cast(null as varchar) as town_code,
        valid_from,
        valid_to,
        merged_into_team_id,
        valid_from <= as_of_date and (valid_to is null or valid_to > as_of_date) as is_active,
        department_domain_code as team_domain_code,
        coalesce(team_staff.staff_on_staff, 0) as staff_on_staff,
        coalesce(team_staff.frontline_staff, 0) as frontline_staff
    from teams
    left join departments using (department_code)
    left join team_staff using (month_start, team_id)
)

select * from final
