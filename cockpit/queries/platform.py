"""Reform foundations and the drone platform: teams, staff, squads, item lists, the fleet and
its findings.

Register snapshots (``*_months``) hold one row per thing per month, so "in the period" means
the month's snapshot and "over time" means every month up to the period.
"""

from __future__ import annotations

from cockpit.queries import fact_query

TEAMS_MONTHLY = fact_query(
    "teams_monthly",
    "fct_force_team_months",
    """
    select month_start, team_level, count(*) filter (where is_active) as teams
    from {t} where {where} group by all order by month_start, team_level
    """,
    date_column="month_start",
    window="until",
    town=None,
    needs=("team_level", "is_active"),
)

DOMAIN_TEAMS = fact_query(
    "domain_teams",
    "fct_force_team_months",
    """
    select domain_code, count(*) filter (where is_active) as teams
    from {t} where {where} group by 1
    """,
    date_column="month_start",
    town=None,
    needs=("domain_code", "is_active"),
)

STAFF = "fct_force_staff_months"

STAFF_BY_POST = fact_query(
    "staff_by_post",
    STAFF,
    """
    select staff_level, post, count(*) filter (where is_on_staff) as staff,
           count(*) filter (where is_on_staff and is_frontline) as frontline,
           count(*) filter (where is_on_staff and has_certificate) as certified
    from {t} where {where} group by all order by staff_level, post
    """,
    date_column="month_start",
    needs=("staff_level", "post", "is_on_staff", "is_frontline", "has_certificate"),
)

STAFF_BY_COUNTY = fact_query(
    "staff_by_county",
    STAFF,
    """
    select coalesce(county_code, '') as county_code,
           count(*) filter (where is_on_staff) as staff,
           count(*) filter (where is_on_staff and is_frontline) as frontline
    from {t} where {where} group by 1 order by 1
    """,
    date_column="month_start",
    needs=("is_on_staff", "is_frontline"),
)

DOMAIN_STAFF = fact_query(
    "domain_staff",
    STAFF,
    """
    select d.domain_code, count(*) filter (where is_on_staff) as staff,
           count(*) filter (where is_on_staff and is_frontline) as frontline
    from {t} join marts.dim_department d using (department_code)
    where {where} group by 1
    """,
    date_column="month_start",
    needs=("is_on_staff", "is_frontline"),
    also=(("dim_department", ("department_code", "domain_code")),),
)

SQUADS_MONTHLY = fact_query(
    "squads_monthly",
    "fct_force_squad_months",
    """
    select month_start, squad_kind, count(*) filter (where is_integrated) as integrated
    from {t} where {where} group by all order by month_start, squad_kind
    """,
    date_column="month_start",
    window="until",
    department=None,
    needs=("squad_kind", "is_integrated"),
)

ITEMS = "fct_item_months"
_ITEM_COUNTS = """
count(*) filter (where is_listed) as master,
count(*) filter (where is_listed and is_comprehensive) as comprehensive,
count(*) filter (where is_listed and not is_comprehensive) as professional
"""

ITEMS_SUMMARY = fact_query(
    "items_summary",
    ITEMS,
    """
    select """
    + _ITEM_COUNTS
    + """,
           count(*) filter (where is_listed and is_sanguo) as sangao,
           count(*) filter (where is_listed and is_dormant) as dormant,
           count(*) filter (where is_listed and delegated_to_town) as delegated
    from {t} where {where}
    """,
    date_column="month_start",
    county=None,
    town=None,
    needs=("is_listed", "is_comprehensive", "is_sanguo", "is_dormant", "delegated_to_town"),
)

ITEMS_BY_DEPARTMENT = fact_query(
    "items_by_department",
    ITEMS,
    "select department_code, " + _ITEM_COUNTS + " from {t} where {where} group by 1",
    date_column="month_start",
    county=None,
    town=None,
    needs=("is_listed", "is_comprehensive"),
)

ITEMS_BY_DOMAIN = fact_query(
    "items_by_domain",
    ITEMS,
    "select domain_code, " + _ITEM_COUNTS + " from {t} where {where} group by 1",
    date_column="month_start",
    county=None,
    town=None,
    needs=("domain_code", "is_listed", "is_comprehensive"),
)

ITEMS_BY_LEVEL = fact_query(
    "items_by_level",
    ITEMS,
    """
    select exercise_level, item_type, count(*) as items
    from {t} where {where} and is_listed and is_comprehensive group by all
    """,
    date_column="month_start",
    county=None,
    town=None,
    needs=("exercise_level", "item_type", "is_listed", "is_comprehensive"),
)

DOMAIN_ITEMS = fact_query(
    "domain_items",
    ITEMS,
    """
    select case when is_comprehensive then 'ZHZF' else d.domain_code end as domain_code,
           count(*) as items
    from {t} join marts.dim_department d using (department_code)
    where {where} and is_listed group by 1
    """,
    date_column="month_start",
    county=None,
    town=None,
    needs=("is_listed", "is_comprehensive"),
    also=(("dim_department", ("department_code", "domain_code")),),
)

FLEET_MONTHLY = fact_query(
    "fleet_monthly",
    "fct_drone_fleet_months",
    """
    select month_start,
           count(*) filter (where asset_kind = 'DRONE' and is_in_service) as drones,
           count(*) filter (where asset_kind = 'DOCK' and is_in_service) as docks,
           coalesce(sum(patrol_area_km2)
             filter (where asset_kind = 'DOCK' and is_in_service), 0) as area_km2
    from {t} where {where} group by 1 order by 1
    """,
    date_column="month_start",
    window="until",
    department=None,
    needs=("asset_kind", "is_in_service", "patrol_area_km2"),
)

FINDINGS = "fct_drone_findings"
_ROUTED = "routed_department_code"

FINDINGS_BY_CLASS = fact_query(
    "findings_by_class",
    FINDINGS,
    """
    select finding_class, count(*) filter (where is_confirmed) as confirmed,
           count(*) filter (where is_reviewed and not is_confirmed) as false_alarms,
           median(hours_to_close) filter (where is_confirmed) as median_hours
    from {t} where {where} group by 1 order by confirmed desc
    """,
    date_column="detected_date",
    department=_ROUTED,
    needs=("finding_class", "is_confirmed", "is_reviewed", "hours_to_close"),
)

FINDINGS_FUNNEL = fact_query(
    "findings_funnel",
    FINDINGS,
    """
    select count(*) as detected, count(reviewed_at) as reviewed, count(pushed_at) as pushed,
           count(signed_at) as signed, count(handled_at) as handled,
           count(verified_at) as verified,
           count(closed_at) filter (where is_confirmed) as closed
    from {t} where {where}
    """,
    date_column="detected_date",
    department=_ROUTED,
    needs=("reviewed_at", "pushed_at", "signed_at", "handled_at", "verified_at", "closed_at"),
)

FINDINGS_BY_COUNTY = fact_query(
    "findings_by_county",
    FINDINGS,
    """
    select county_code, finding_class, count(*) as confirmed
    from {t} where {where} and is_confirmed group by all
    """,
    date_column="detected_date",
    department=_ROUTED,
    needs=("finding_class", "is_confirmed"),
)

FINDINGS_POINTS = fact_query(
    "findings_points",
    FINDINGS,
    """
    select lon, lat, finding_class, county_code
    from {t} where {where} and is_confirmed and lon is not null and lat is not null
    order by finding_id limit 4000
    """,
    date_column="detected_date",
    department=_ROUTED,
    needs=("lon", "lat", "finding_class", "finding_id", "is_confirmed"),
)

FINDINGS_DAILY = fact_query(
    "findings_daily",
    FINDINGS,
    """
    select detected_date, finding_class, count(*) as confirmed
    from {t} where {where} and is_confirmed group by all order by detected_date
    """,
    date_column="detected_date",
    department=_ROUTED,
    needs=("finding_class", "is_confirmed"),
)
