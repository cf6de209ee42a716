{#- 执法人员月末快照: who was on the staff on each month's snapshot day, where, and whether
    on the front line. No names, ID or phone numbers: the staff number is the key. -#}
with

staff as (
    {{ state_at_month_ends(source('organisation', 'staff'), 'staff_id') }}
),

teams as (
    select * from {{ ref('stg_organisation__teams') }}
),

geography as (
    select * from {{ ref('dim_geography') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

placed as (
    select
        staff.*,
        teams.department_code,
        departments.domain_code as team_domain_code,
        coalesce(town.parent_code, teams.county_code) as resolved_county_code
    from staff
    left join teams using (team_id)
    left join departments on departments.department_code = teams.department_code
    left join geography as town
        on staff.town_code = town.geo_code and town.geo_level = 'town'
),

final as (
    select
        month_start,
        as_of_date,
        staff_id,
        team_id,
        squad_id,
        department_code,
        resolved_county_code as county_code,
        town_code,
        post,
        level as staff_level,
        is_frontline,
        certificate_no is not null as has_certificate,
        hired_date,
        left_date,
        hired_date <= as_of_date and (left_date is null or left_date > as_of_date) as is_on_staff,
        cert_valid_to,
        -- 持证: a certificate still valid on the snapshot day
        certificate_no is not null and coalesce(cert_valid_to >= as_of_date, false)
            as has_valid_certificate,
        team_domain_code
    from placed
)

select * from final
