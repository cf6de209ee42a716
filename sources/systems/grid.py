"""一中心四平台一网格: the grid-governance system (基层治理四平台) and its grid events.

Below the ~100 real towns the city is cut into a few thousand grids (网格), each with its
grid workers (网格员). The system exports two tables. ``cells`` is the register of grids: a
full snapshot on its first export day (a grid's code is its town's code plus three digits).
``events`` are the matters grid workers, residents and patrols report in a grid: most are
resolved inside the grid, the rest are escalated to the town or a county department. Every
change of an event (reported, handling, escalated, handled, closed) is a new state row on the
day it happens, carrying every field known by then; the latest ``updated_at`` wins.
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

SYSTEM = "grid"

REPORTER_KINDS = frozenset({"GRID_WORKER", "RESIDENT", "PATROL"})
EVENT_TYPES = frozenset({
    "SAFETY_HAZARD", "FIRE_HAZARD", "ENVIRONMENT", "SANITATION", "DISPUTE",
    "ILLEGAL_CONSTRUCTION", "ROAD", "PUBLIC_ORDER", "FOOD_SAFETY", "FLOOD", "OTHER",
})
ESCALATION_LEVELS = frozenset({"TOWN", "COUNTY"})
EVENT_STATUSES = frozenset({"REPORTED", "HANDLING", "ESCALATED", "CLOSED"})
MAX_GRID_WORKERS = 30


def _lat(description: str, required: bool) -> Column:
    return Column("latitude", "float", description, required=required,
                  minimum=LATITUDE_RANGE[0], maximum=LATITUDE_RANGE[1])


def _lon(description: str, required: bool) -> Column:
    return Column("longitude", "float", description, required=required,
                  minimum=LONGITUDE_RANGE[0], maximum=LONGITUDE_RANGE[1])


CELLS = TableContract(
    system=SYSTEM,
    entity="cells",
    description="Grid register (网格), one state row per grid version.",
    columns=(
        Column("grid_code", "string", "Grid code: town code + 3 digits (网格编码)", required=True),
        Column("grid_name", "string", "Name of the grid (网格名称)", required=True),
        Column("town_code", "string", "Town/subdistrict of the grid", required=True,
               codes=town_codes()),
        Column("county_code", "string", "County of the grid", required=True,
               codes=county_codes()),
        _lat("Latitude of the grid centroid (WGS-84)", required=True),
        _lon("Longitude of the grid centroid (WGS-84)", required=True),
        Column("grid_workers", "int", "Grid workers assigned (网格员人数)", required=True,
               minimum=1, maximum=MAX_GRID_WORKERS),
        Column("valid_from", "date", "Day the grid was set up (设立日期)", required=True),
        Column("updated_at", "timestamp", "Time this state of the grid was recorded",
               required=True),
    ),
    key=("grid_code",),
    version_column="updated_at",
    rows_every_day=False,  # a register: rows on the days grids change
    formats=("csv",),
)

EVENTS = TableContract(
    system=SYSTEM,
    entity="events",
    description="Grid events (网格事件), one state row per event and day it changed.",
    columns=(
        Column("event_id", "string", "Event number (事件编号)", required=True),
        Column("grid_code", "string", "Grid the event was reported in (网格编码)", required=True),
        Column("town_code", "string", "Town of the grid", required=True, codes=town_codes()),
        Column("county_code", "string", "County of the grid", required=True,
               codes=county_codes()),
        Column("reporter_kind", "string", "Who reported it (上报人类型)", required=True,
               codes=REPORTER_KINDS),
        Column("reporter_name", "string", "Reporter (personal data)"),
        Column("event_type", "string", "Kind of matter (事件类型)", required=True,
               codes=EVENT_TYPES),
        _lat("Latitude of the event (WGS-84)", required=False),
        _lon("Longitude of the event (WGS-84)", required=False),
        Column("reported_at", "timestamp", "Reported (上报时间)", required=True),
        Column("handled_in_grid", "bool",
               "Resolved inside the grid (网格内自治); empty until resolved or escalated"),
        Column("escalated_to", "string", "Level escalated to (上报层级); empty if not escalated",
               codes=ESCALATION_LEVELS),
        Column("escalated_at", "timestamp", "Escalated (流转时间)"),
        Column("dept_code", "string", "Department the escalated event went to (承办部门)",
               codes=department_codes()),
        Column("handled_at", "timestamp", "Handling finished (处置完成)"),
        Column("closed_at", "timestamp", "Closed (办结)"),
        Column("status", "string", "Status reached in this row (事件状态)", required=True,
               codes=EVENT_STATUSES),
        Column("updated_at", "timestamp", "Time this state of the event was recorded",
               required=True),
    ),
    key=("event_id",),
    version_column="updated_at",
    date_orders=(
        DateOrder("reported_at", "escalated_at"),
        DateOrder("reported_at", "handled_at"),
        DateOrder("escalated_at", "handled_at"),
        DateOrder("handled_at", "closed_at"),
        DateOrder("reported_at", "closed_at"),
    ),
    formats=("csv",),
)

# High-volume events are written from polars frames (``simulator.frames``); cells from rows.
ROW_CONTRACTS = (CELLS,)
FRAME_CONTRACTS = (EVENTS,)
CONTRACTS = (CELLS, EVENTS)
