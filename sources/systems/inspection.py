"""综合查一次: the inspection system (plans, tasks and their records, checklist lines).

Three tables. ``plans`` is the plan register (检查计划): fixed yearly plans of each county and
department, monthly 双随机 draws, city-deployed campaigns and the online dynamic plans the
platform launches from a pattern of warnings, complaints or drone findings; a plan moves
DRAFT → APPROVED → RUNNING → FINISHED, each state a new row. ``tasks`` carries the task
records: one row per inspection task as the system exports it each day; a task that is later
rectified arrives again as a newer state row (higher ``updated_at``), never as an edit of an
old file. ``checklist_lines`` (检查表明细) are the lines of each inspection's checklist, dumped
as Parquet by the platform's extract job: one immutable row per line, written with the task's
inspection row.
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

TASK_SOURCES = frozenset({
    "PLAN_FIXED", "PLAN_DYNAMIC", "RANDOM", "WARNING", "COMPLAINT", "DRONE", "SUPERIOR",
    "APPROVAL",
})
INSPECT_MODES = frozenset({"ONSITE", "REMOTE"})
RESULT_CODES = frozenset({"COMPLIANT", "RECTIFY", "CLUE"})
PLAN_KINDS = frozenset({"FIXED", "DYNAMIC", "RANDOM", "SUPERIOR"})
PLAN_TRIGGERS = frozenset({"WARNING", "COMPLAINT", "DRONE", "SUPERIOR"})
PLAN_STATUSES = frozenset({"DRAFT", "APPROVED", "RUNNING", "FINISHED"})
LINE_RESULTS = frozenset({"PASS", "FAIL", "NOT_APPLICABLE"})
MAX_CHECKLIST_LINES = 12

PLANS = TableContract(
    system=SYSTEM,
    entity="plans",
    description="Inspection plans (检查计划), one state row per plan and day its status changed.",
    columns=(
        Column("plan_id", "string", "Plan number (检查计划编号)", required=True),
        Column("plan_name", "string", "Plan title (计划名称)", required=True),
        Column("plan_kind", "string", "Fixed, dynamic, random or superior (计划类型)",
               required=True, codes=PLAN_KINDS),
        Column("trigger_type", "string",
               "What launched a dynamic plan (动态计划触发类型); empty for other kinds",
               codes=PLAN_TRIGGERS),
        Column("lead_dept_code", "string", "Lead department (牵头部门)", required=True,
               codes=department_codes()),
        Column("joint_dept_codes", "string",
               "Other departments of the plan, ';'-separated (联合部门)"),
        Column("item_codes", "string",
               "Inspection items checked, ';'-separated (检查事项编码, item catalogue)",
               required=True),
        Column("county_code", "string", "County of the plan; empty for a city-wide plan",
               codes=county_codes()),
        Column("target_count", "int", "Entities the plan means to inspect (计划检查户数)",
               required=True, minimum=1, maximum=100_000),
        Column("window_start", "date", "First day of the plan's window (计划开始日期)",
               required=True),
        Column("window_end", "date", "Last day of the plan's window (计划结束日期)",
               required=True),
        Column("status", "string", "Status reached in this row (计划状态)", required=True,
               codes=PLAN_STATUSES),
        Column("approved_date", "date", "Day the plan was approved (审批日期); empty in draft"),
        Column("updated_at", "timestamp", "Time this state of the plan was recorded",
               required=True),
    ),
    key=("plan_id",),
    version_column="updated_at",
    date_orders=(
        DateOrder("approved_date", "window_start"),
        DateOrder("window_start", "window_end"),
    ),
    formats=("csv",),
    rows_every_day=False,  # a register: rows on the days plans change
)

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
            "trigger_ref",
            "string",
            "Number of the warning, 12345 ticket, drone finding or approval that asked for "
            "the task (触发记录编号); empty for planned and random tasks",
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

CHECKLIST_LINES = TableContract(
    system=SYSTEM,
    entity="checklist_lines",
    description="Checklist lines of inspections (检查表明细), one immutable row per line.",
    columns=(
        Column("task_id", "string", "Task the checklist belongs to (检查任务编号)",
               required=True),
        Column("line_no", "int", "Line number within the checklist, from 1 (序号)",
               required=True, minimum=1, maximum=MAX_CHECKLIST_LINES),
        Column("item_code", "string", "Inspection item the line checks (检查事项编码)",
               required=True),
        Column("check_point", "string", "What was checked (检查要点)", required=True),
        Column("line_result", "string", "Passed, failed or not applicable (检查结论)",
               required=True, codes=LINE_RESULTS),
        Column("finding_text", "string", "Problem found (问题描述); empty unless failed"),
        Column("updated_at", "timestamp", "Time the inspection was recorded", required=True),
    ),
    key=("task_id", "line_no"),
    formats=("parquet",),
)

# Tables the simulator writes from row dicts, and from typed polars frames (``frames``).
ROW_CONTRACTS = (PLANS, TASKS)
FRAME_CONTRACTS = (CHECKLIST_LINES,)
CONTRACTS = (TASKS, PLANS, CHECKLIST_LINES)
