"""综合查一次: the inspection system (plans, tasks and their records).

The skeleton carries the task records: one row per inspection task as the system exports it
each day. A task that is later rectified arrives again as a newer state row (higher
``updated_at``), never as an edit of an old file.
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

SYSTEM = "inspection"

TASK_SOURCES = frozenset(
    {"PLAN_FIXED", "PLAN_DYNAMIC", "RANDOM", "WARNING", "COMPLAINT", "DRONE", "SUPERIOR"}
)
INSPECT_MODES = frozenset({"ONSITE", "REMOTE"})
RESULT_CODES = frozenset({"COMPLIANT", "RECTIFY", "CLUE"})

TASKS = TableContract(
    system=SYSTEM,
    entity="tasks",
    description="Inspection task records (检查任务与记录), one state row per task version.",
    columns=(
        Column("task_id", "string", "Task number (检查任务编号)", required=True),
        Column("plan_id", "string", "Inspection plan the task belongs to (检查计划编号)"),
        Column(
            "entity_uscc",
            "string",
            "Unified social credit code of the inspected entity",
            required=True,
        ),
        Column("entity_name", "string", "Name of the inspected entity (检查对象名称)"),
        Column(
            "county_code", "string", "County of the entity", required=True, codes=county_codes()
        ),
        Column(
            "town_code",
            "string",
            "Town/subdistrict of the entity",
            required=True,
            codes=town_codes(),
        ),
        Column(
            "dept_code",
            "string",
            "Lead department (牵头部门)",
            required=True,
            codes=department_codes(),
        ),
        Column(
            "joint_dept_codes",
            "string",
            "Other departments in the same visit, ';'-separated (联合检查部门)",
        ),
        Column("is_joint", "bool", "Joint multi-department inspection (综合查一次)", required=True),
        Column(
            "task_source",
            "string",
            "What triggered the task (任务来源)",
            required=True,
            codes=TASK_SOURCES,
        ),
        Column(
            "inspect_mode",
            "string",
            "On-site or remote (现场/非现场)",
            required=True,
            codes=INSPECT_MODES,
        ),
        Column("inspected_date", "date", "Day of the inspection (检查日期)", required=True),
        Column("result_code", "string", "Outcome (检查结果)", required=True, codes=RESULT_CODES),
        Column("finding_count", "int", "Problems found (发现问题数)", minimum=0, maximum=50),
        Column("rectify_deadline", "date", "Rectification deadline (整改期限)"),
        Column("rectified_date", "date", "Rectification verified on (整改完成日期)"),
        Column("inspector_name", "string", "Lead inspector (personal data)"),
        Column(
            "latitude",
            "float",
            "Latitude of the visit (WGS-84)",
            minimum=LATITUDE_RANGE[0],
            maximum=LATITUDE_RANGE[1],
        ),
        Column(
            "longitude",
            "float",
            "Longitude of the visit (WGS-84)",
            minimum=LONGITUDE_RANGE[0],
            maximum=LONGITUDE_RANGE[1],
        ),
        Column(
            "updated_at", "timestamp", "Time this state of the task was recorded", required=True
        ),
    ),
    key=("task_id",),
    version_column="updated_at",
    date_orders=(
        DateOrder("inspected_date", "rectify_deadline"),
        DateOrder("inspected_date", "rectified_date"),
    ),
    formats=("csv",),
)

CONTRACTS = (TASKS,)
