"""执法力量: the organisation system (departments, enforcement teams, their squads and staff).

The city's establishment office (编办) keeps the register of departments (部门) with the "1+5"
domain each belongs to, of enforcement teams (执法队伍), of the squads and town-level units
under them (中队, "大镇带小乡" units) and of the enforcement staff with their certificates. It
exports a full snapshot on its first export day and afterwards one state row per record and
day on which the record changed: a team merged into the "1+5" system comes again with
``valid_to`` and ``merged_into_team_id`` set, a squad again with its integration date, an
officer again when posted down to a town (下沉), re-certified or leaving. Departments rarely
change, so after the snapshot their daily files are mostly empty. Old files are never edited;
the latest ``updated_at`` of a key is its current state. The register holds official
(Chinese) names only; English names are a translation table in the product's reference data
(``sources/reference/departments.csv``), not part of any export.

Validity dates are half-open: a team is active on days ``valid_from <= d < valid_to``, a person
is on the staff on days ``hired_date <= d < left_date``.
"""

from __future__ import annotations

from sources.contracts import Column, DateOrder, TableContract
from sources.reference import county_codes, department_codes, town_codes

SYSTEM = "organisation"

# The "1+5" system: the comprehensive bureau plus five professional domains. Every team,
# including one of a department whose team was later merged, belongs to one of them.
ONE_PLUS_FIVE = frozenset({"ZHZF", "SCJG", "STHJ", "JTYS", "WSJK", "YJGL"})
TEAM_LEVELS = frozenset({"CITY", "COUNTY", "TOWN"})
STAFF_LEVELS = frozenset({"CITY", "COUNTY", "TOWN"})
# SQUAD: a squad (中队) of a team posted in a town; TOWN_UNIT: a big town's integrated team
# that also covers neighbouring small townships (大镇带小乡, 一支队伍管执法).
SQUAD_KINDS = frozenset({"SQUAD", "TOWN_UNIT"})
POSTS = frozenset(
    {"DIRECTOR", "DEPUTY_DIRECTOR", "SECTION_CHIEF", "LEGAL_REVIEWER", "SQUAD_LEADER", "OFFICER"}
)

DEPARTMENTS = TableContract(
    system=SYSTEM,
    entity="departments",
    description='Departments (部门) in the establishment register with their "1+5" domain, one '
    "state row per department version.",
    columns=(
        Column(
            "department_code",
            "string",
            "Department code in the establishment register",
            required=True,
            codes=department_codes(),
        ),
        Column("department_name", "string", "Official name of the department (部门名称)",
               required=True),
        Column(
            "domain_code",
            "string",
            'Which of the "1+5" domains the department belongs to (所属执法领域)',
            required=True,
            codes=ONE_PLUS_FIVE,
        ),
        Column(
            "is_enforcement_team",
            "bool",
            'The department leads one of the six "1+5" enforcement teams itself',
            required=True,
        ),
        Column("valid_from", "date", "Day this entry of the register took effect", required=True),
        Column(
            "updated_at",
            "timestamp",
            "Time this state of the department was recorded",
            required=True,
        ),
    ),
    key=("department_code",),
    version_column="updated_at",
    rows_every_day=False,
    formats=("csv",),
)

TEAMS = TableContract(
    system=SYSTEM,
    entity="teams",
    description="Enforcement teams (执法队伍), one state row per team version.",
    columns=(
        Column("team_id", "string", "Team number in the establishment register", required=True),
        Column("team_name", "string", "Official name of the team (队伍名称)", required=True),
        Column(
            "department_code",
            "string",
            "Department the team belongs to (主管部门)",
            required=True,
            codes=department_codes(),
        ),
        Column(
            "domain_code",
            "string",
            'Which of the "1+5" domains the team enforces for',
            required=True,
            codes=ONE_PLUS_FIVE,
        ),
        Column("level", "string", "Level of the team (层级)", required=True, codes=TEAM_LEVELS),
        Column(
            "county_code",
            "string",
            "County of a county-level team; empty for a city-level team",
            codes=county_codes(),
        ),
        Column("valid_from", "date", "Day the team was established (成立日期)", required=True),
        Column("valid_to", "date", "Day the team ceased to exist (撤并日期); empty while active"),
        Column(
            "merged_into_team_id",
            "string",
            "Team that took over a merged team's staff and duties (并入队伍)",
        ),
        Column(
            "updated_at", "timestamp", "Time this state of the team was recorded", required=True
        ),
    ),
    key=("team_id",),
    version_column="updated_at",
    rows_every_day=False,
    date_orders=(DateOrder("valid_from", "valid_to"),),
    formats=("csv",),
)

SQUADS = TableContract(
    system=SYSTEM,
    entity="squads",
    description="Squads and town units under the teams (中队、大镇带小乡单元), one state row per "
    "version.",
    columns=(
        Column("squad_id", "string", "Squad number in the establishment register", required=True),
        Column("squad_name", "string", "Name of the squad or unit (中队名称)", required=True),
        Column("team_id", "string", "Team the squad belongs to (所属队伍)", required=True),
        Column("kind", "string", "Squad or town unit (类型)", required=True, codes=SQUAD_KINDS),
        Column(
            "county_code", "string", "County of the squad", required=True, codes=county_codes()
        ),
        Column(
            "town_code",
            "string",
            "Town the squad is based in; the leading big town of a unit",
            required=True,
            codes=town_codes(),
        ),
        Column(
            "covered_town_codes",
            "string",
            "Small townships a town unit also covers, ';'-separated (带管乡镇)",
        ),
        Column("established_date", "date", "Day the squad was set up (成立日期)", required=True),
        Column(
            "integrated_date",
            "date",
            'Day the squad was integrated into the "1+5" system (整合日期); empty before',
        ),
        Column(
            "updated_at", "timestamp", "Time this state of the squad was recorded", required=True
        ),
    ),
    key=("squad_id",),
    version_column="updated_at",
    rows_every_day=False,
    date_orders=(DateOrder("established_date", "integrated_date"),),
    formats=("csv",),
)

STAFF = TableContract(
    system=SYSTEM,
    entity="staff",
    description="Enforcement staff (执法人员), one state row per version of a person's post.",
    columns=(
        Column("staff_id", "string", "Staff number (工号)", required=True),
        Column("staff_name", "string", "Name (personal data)", required=True),
        Column("id_no", "string", "Resident ID number (personal data)"),
        Column("phone", "string", "Mobile phone (personal data)"),
        Column("team_id", "string", "Team the person works in (所属队伍)", required=True),
        Column("squad_id", "string", "Squad or town unit the person is posted to, if any"),
        Column(
            "town_code",
            "string",
            "Town the person is posted to, for town-level posts",
            codes=town_codes(),
        ),
        Column("post", "string", "Post (职务)", required=True, codes=POSTS),
        Column(
            "level", "string", "Level the person works at (工作层级)", required=True,
            codes=STAFF_LEVELS,
        ),
        Column(
            "is_frontline",
            "bool",
            "Works at the front line: posted to a town or a squad (下沉一线)",
            required=True,
        ),
        Column("certificate_no", "string", "Administrative enforcement certificate (执法证号)"),
        Column("cert_valid_to", "date", "Last day the certificate is valid (证件有效期至)"),
        Column(
            "hired_date", "date", "First day on the enforcement staff (入职日期)", required=True
        ),
        Column("left_date", "date", "Day the person left the staff (离职日期); empty while on it"),
        Column(
            "updated_at", "timestamp", "Time this state of the person was recorded", required=True
        ),
    ),
    key=("staff_id",),
    version_column="updated_at",
    rows_every_day=False,
    date_orders=(
        DateOrder("hired_date", "left_date"),
        DateOrder("hired_date", "cert_valid_to"),
    ),
    formats=("csv",),
)

CONTRACTS = (DEPARTMENTS, TEAMS, SQUADS, STAFF)
