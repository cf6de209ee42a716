"""综合飞一次: the city drone platform (docks, drones, sorties, track points, AI findings).

The platform exports five tables. The fleet registry (``docks``, ``drones``) is tiny: a row
on the day something changes (commissioning, maintenance, relocation, retirement) and a full
sync of the register on the 1st of each month, so a backfill starting on any month knows the
fleet. ``flights`` has one row per sortie, uploaded after landing. ``track_points`` is the
telemetry of each sortie, one point per second of flight: the high-volume table, immutable,
keyed by sortie and sequence number. ``findings`` are the AI recognitions; every status change
of a finding (detected, confirmed or false alarm, pushed, signed, handled, re-flight verified,
closed) is a new state row exported on the day it happens, carrying every milestone reached so
far, so the latest state of a finding tells its whole story.

Seed figures the rows must reproduce (``docs/domain.md`` §7): on 2022-06-30, 23 drones are
ACTIVE and the patrol areas of the docks in service sum to 700 km²; on 2022-06-20 the drones
detected 84 distinct WATERLOGGING findings.
"""

from __future__ import annotations

from sources.contracts import (
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    Column,
    DateOrder,
    TableContract,
)
from sources.reference import county_codes, department_codes, town_codes

SYSTEM = "drones"

DRONE_MODELS = frozenset({"DJI_M300_RTK", "DJI_M30T", "DJI_DOCK_M30"})
DRONE_STATUSES = frozenset({"ACTIVE", "MAINTENANCE", "RETIRED"})
ROUTE_KINDS = frozenset({"ROUTINE", "TASK", "EMERGENCY"})
DISPATCHERS = frozenset({"CITY", "COUNTY"})
FINDING_CLASSES = frozenset({
    "WATERLOGGING", "ILLEGAL_BUILDING", "DUMPING", "OPEN_BURNING", "ROAD_OCCUPATION",
    "ILLEGAL_SAND_MINING", "DEFORESTATION", "RIVER_POLLUTION", "ILLEGAL_PARKING",
    "STREET_VENDING", "CONSTRUCTION_DUST", "ILLEGAL_ADVERTISING",
})
FINDING_STATUSES = frozenset({
    "DETECTED", "CONFIRMED", "FALSE_ALARM", "PUSHED", "SIGNED", "HANDLED", "VERIFIED", "CLOSED",
})
# A finding must be signed by the routed department within this many hours of being pushed.
SIGN_DEADLINE_HOURS = 2
MAX_TRACK_POINTS = 20_000  # a sortie lasts at most a few hours, one point per second


def _lat(description: str, required: bool = True) -> Column:
    return Column("lat", "float", description, required=required,
                  minimum=LATITUDE_RANGE[0], maximum=LATITUDE_RANGE[1])


def _lon(description: str, required: bool = True) -> Column:
    return Column("lon", "float", description, required=required,
                  minimum=LONGITUDE_RANGE[0], maximum=LONGITUDE_RANGE[1])


def _updated(what: str) -> Column:
    return Column("updated_at", "timestamp", f"Time this state of the {what} was recorded",
                  required=True)


DOCKS = TableContract(
    system=SYSTEM,
    entity="docks",
    description="Drone docks (机巢) and their patrol areas, one state row per dock version.",
    columns=(
        Column("dock_id", "string", "Dock number (机巢编号)", required=True),
        Column("dock_name", "string", "Dock name (机巢名称)"),
        Column("county_code", "string", "County of the dock", required=True,
               codes=county_codes()),
        Column("town_code", "string", "Town/subdistrict of the dock", required=True,
               codes=town_codes()),
        _lat("Latitude of the dock (WGS-84)"),
        _lon("Longitude of the dock (WGS-84)"),
        Column("patrol_area_km2", "float",
               "Area the dock's drone patrols, km²; docks' areas do not overlap (巡查面积)",
               required=True, minimum=0, maximum=200),
        Column("commissioned_date", "date", "Day the dock went into service (启用日期)",
               required=True),
        Column("decommissioned_date", "date", "Day the dock left service (停用日期)"),
        _updated("dock"),
    ),
    key=("dock_id",),
    version_column="updated_at",
    rows_every_day=False,  # a small fleet does not fly (or change) every day
    date_orders=(DateOrder("commissioned_date", "decommissioned_date"),),
    formats=("csv",),
)

DRONES = TableContract(
    system=SYSTEM,
    entity="drones",
    description="Drones (无人机) and their status, one state row per drone version.",
    columns=(
        Column("drone_id", "string", "Drone number (无人机编号)", required=True),
        Column("model", "string", "Airframe model (机型)", required=True, codes=DRONE_MODELS),
        Column("dock_id", "string", "Dock the drone flies from (所属机巢)", required=True),
        Column("status", "string", "Status in this row (设备状态)", required=True,
               codes=DRONE_STATUSES),
        Column("commissioned_date", "date", "Day the drone went into service (启用日期)",
               required=True),
        Column("retired_date", "date", "Day the drone was retired (报废日期)"),
        _updated("drone"),
    ),
    key=("drone_id",),
    version_column="updated_at",
    rows_every_day=False,  # a small fleet does not fly (or change) every day
    date_orders=(DateOrder("commissioned_date", "retired_date"),),
    formats=("jsonl",),
)

FLIGHTS = TableContract(
    system=SYSTEM,
    entity="flights",
    description="Sorties (飞行架次), one row per sortie, uploaded after landing.",
    columns=(
        Column("flight_id", "string", "Sortie number (架次编号)", required=True),
        Column("drone_id", "string", "Drone that flew (无人机编号)", required=True),
        Column("dock_id", "string", "Dock it took off from (机巢编号)", required=True),
        Column("county_code", "string", "County of the dock", required=True,
               codes=county_codes()),
        Column("route_kind", "string", "Routine patrol, task or emergency (航线类型)",
               required=True, codes=ROUTE_KINDS),
        Column("dispatched_by", "string", "City or county dispatch (调度层级)", required=True,
               codes=DISPATCHERS),
        Column("purpose", "string", "What the sortie was for (任务名称)"),
        Column("takeoff_at", "timestamp", "Take-off time (起飞时间)", required=True),
        Column("landing_at", "timestamp", "Landing time (降落时间)", required=True),
        Column("distance_km", "float", "Distance flown, km (飞行里程)", required=True,
               minimum=0, maximum=300),
        Column("area_km2", "float", "Area swept by the camera, km² (巡查面积)", minimum=0,
               maximum=200),
        Column("point_count", "int", "Track points uploaded for the sortie (轨迹点数)",
               minimum=0, maximum=MAX_TRACK_POINTS),
        _updated("sortie"),
    ),
    key=("flight_id",),
    version_column="updated_at",
    rows_every_day=False,  # a small fleet does not fly (or change) every day
    formats=("csv",),
)

TRACK_POINTS = TableContract(
    system=SYSTEM,
    entity="track_points",
    description="Flight telemetry (飞行轨迹), one point per second of each sortie; immutable.",
    columns=(
        Column("flight_id", "string", "Sortie number (架次编号)", required=True),
        Column("seq", "int", "Point number within the sortie, from 1", required=True,
               minimum=1, maximum=MAX_TRACK_POINTS),
        Column("recorded_at", "timestamp", "Time of the fix", required=True),
        _lat("Latitude (WGS-84)"),
        _lon("Longitude (WGS-84)"),
        Column("altitude_m", "float", "Height above the dock, m", required=True, minimum=0,
               maximum=500),
        Column("speed_mps", "float", "Ground speed, m/s", required=True, minimum=0, maximum=30),
    ),
    key=("flight_id", "seq"),
    rows_every_day=False,
    formats=("csv",),
)

FINDINGS = TableContract(
    system=SYSTEM,
    entity="findings",
    description="AI recognitions from drone footage (识别事件), one state row per status change.",
    columns=(
        Column("finding_id", "string", "Finding number (事件编号)", required=True),
        Column("flight_id", "string", "Sortie that made the finding (架次编号)", required=True),
        Column("detected_at", "timestamp", "Time of the recognition (识别时间)", required=True),
        Column("finding_class", "string", "Recognised class (事件类型)", required=True,
               codes=FINDING_CLASSES),
        Column("confidence", "float", "Model confidence (置信度)", required=True, minimum=0,
               maximum=1),
        _lat("Latitude of the finding (WGS-84)"),
        _lon("Longitude of the finding (WGS-84)"),
        Column("county_code", "string", "County of the finding", required=True,
               codes=county_codes()),
        Column("town_code", "string", "Town of the finding", required=True, codes=town_codes()),
        Column("routed_dept_code", "string",
               "Department the finding is pushed to (处置部门); empty until pushed",
               codes=department_codes()),
        Column("status", "string", "Status reached in this row (事件状态)", required=True,
               codes=FINDING_STATUSES),
        Column("status_at", "timestamp", "Time the status was reached", required=True),
        Column("reviewed_at", "timestamp", "Confirmed or rejected by the review desk (研判)"),
        Column("pushed_at", "timestamp", "Pushed to the routed department (推送)"),
        Column("signed_at", "timestamp", "Signed for by the department (签收)"),
        Column("handled_at", "timestamp", "Reported handled by the department (处置)"),
        Column("verified_at", "timestamp", "Verified by a re-flight (复飞核验)"),
        Column("closed_at", "timestamp", "Closed (闭环)"),
        _updated("finding"),
    ),
    key=("finding_id",),
    version_column="updated_at",
    rows_every_day=False,  # a small fleet does not fly (or change) every day
    formats=("csv",),
)

# Tables the simulator hands to the engine as rows; track points and the findings' state rows
# (millions at full scale) travel as polars frames to the frame writer.
ROW_CONTRACTS = (DOCKS, DRONES, FLIGHTS)
FRAME_CONTRACTS = (TRACK_POINTS, FINDINGS)
CONTRACTS = (DOCKS, DRONES, FLIGHTS, TRACK_POINTS, FINDINGS)
