-- The staff counted on the teams' rows add up, month by month, to the staff on the payroll
-- whose team is on the team register that month.
with

teams as (
    select month_start, sum(staff_on_staff) as staff_on_teams
    from {{ ref('fct_force_team_months') }}
    group by month_start
),

staff as (
    select staff_months.month_start, count(*) as staff_on_staff
    from {{ ref('fct_force_staff_months') }} as staff_months
    inner join {{ ref('fct_force_team_months') }} as team_months
        on team_months.month_start = staff_months.month_start
        and team_months.team_id = staff_months.team_id
    where staff_months.is_on_staff
    group by staff_months.month_start
)

select teams.month_start, teams.staff_on_teams, staff.staff_on_staff
from teams
full join staff using (month_start)
where coalesce(teams.staff_on_teams, 0) <> coalesce(staff.staff_on_staff, 0)
