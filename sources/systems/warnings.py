"""运行监测预警: the early-warning system of the city operation centre.

Sensors in shops, on building sites, at outfalls and on river gauges, and algorithm models
over the city's data (abnormal operation, hazardous chemicals), raise warnings when a reading
crosses its threshold. The operation centre (城市运行中心 / 社会治理中心) dispatches each
warning to a department, which handles it (a false alarm, a fix on the spot, an inspection of
the business behind it, or a clue for a case) and closes it.

``sensors`` is the register of devices and models (感知设备/预警模型): a snapshot on the first
export day and afterwards one state row per device and day on which it changed (installed,
went offline, came back, removed). ``alerts`` are the warnings (预警信息), exported as state
rows: one row per warning and day its state changed, carrying every field known that evening,
so the latest ``updated_at`` of a warning is its current state.

Units of ``measured_value`` and ``threshold_value`` follow the sensor type: mg/m³ for cooking
fumes (GB 18483), dB(A) for noise, µg/m³ PM10 for dust, metres above datum for water level
(警戒水位), mg/L COD for wastewater, %LEL for gas, dB/m obscuration for smoke, and a 0-100 risk
score for models.
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

SYSTEM = "warnings"

SENSOR_TYPES = frozenset({
    "COOKING_FUME",  # 油烟
    "NOISE",  # 噪声
    "DUST",  # 扬尘
    "WATER_LEVEL",  # 水位
    "WASTEWATER",  # 污水排放
    "GAS_LEAK",  # 燃气泄漏
    "FIRE_SMOKE",  # 烟感
    "MODEL",  # 算法模型
})
# ACTIVE 在线, OFFLINE 离线 (no heartbeat), REMOVED 拆除/停用.
SENSOR_STATUSES = frozenset({"ACTIVE", "OFFLINE", "REMOVED"})
WARNING_TYPES = frozenset({
    "FUME_EXCEEDED",  # 油烟超标
    "NOISE_EXCEEDED",  # 噪声超标
    "DUST_EXCEEDED",  # 扬尘超标
    "WATER_LEVEL_HIGH",  # 超警戒水位
    "DISCHARGE_EXCEEDED",  # 污水超标排放
    "GAS_LEAK",  # 燃气泄漏
    "SMOKE_ALARM",  # 烟雾报警
    "ABNORMAL_OPERATION",  # 经营异常 (model)
    "HAZCHEM_RISK",  # 危化品风险 (model)
})
SEVERITIES = frozenset({"BLUE", "YELLOW", "ORANGE", "RED"})  # 蓝/黄/橙/红色预警
# FALSE_ALARM 误报, ON_SITE_FIXED 现场处置, INSPECTION 转检查, CLUE 转执法线索.
DISPOSALS = frozenset({"FALSE_ALARM", "ON_SITE_FIXED", "INSPECTION", "CLUE"})
WARNING_STATUSES = frozenset({"RAISED", "DISPATCHED", "HANDLED", "CLOSED"})
VALUE_RANGE = (0.0, 10_000.0)  # the largest reading of any type (COD mg/L) stays far below


def _stamp(name: str, description: str, required: bool = False) -> Column:
    return Column(name, "timestamp", description, required=required)


def _lat(description: str, required: bool) -> Column:
    return Column("latitude", "float", description, required=required,
                  minimum=LATITUDE_RANGE[0], maximum=LATITUDE_RANGE[1])


def _lon(description: str, required: bool) -> Column:
    return Column("longitude", "float", description, required=required,
                  minimum=LONGITUDE_RANGE[0], maximum=LONGITUDE_RANGE[1])


SENSORS = TableContract(
    system=SYSTEM,
    entity="sensors",
    description="Sensing devices and warning models (感知设备/预警模型), one state row per "
                "device version.",
    columns=(
        Column("sensor_id", "string", "Device or model number (设备编号)", required=True),
        Column("sensor_type", "string", "Kind of device (设备类型)", required=True,
               codes=SENSOR_TYPES),
        Column("sensor_name", "string", "Device name (设备名称)", required=True),
        Column("county_code", "string", "County of the device (所属区县)", required=True,
               codes=county_codes()),
        Column("town_code", "string",
               "Town of the device (所属乡镇街道); empty for county-wide models",
               codes=town_codes()),
        Column("entity_uscc", "string",
               "Credit code of the business it monitors (监测对象统一社会信用代码); empty for "
               "public-space devices and models"),
        _lat("Latitude of the device (WGS-84); empty for models", required=False),
        _lon("Longitude of the device (WGS-84); empty for models", required=False),
        Column("installed_date", "date", "Day the device was installed (安装日期)",
               required=True),
        Column("status", "string", "Device status in this row (设备状态)", required=True,
               codes=SENSOR_STATUSES),
        Column("status_date", "date", "Day the current status began (状态变更日期)",
               required=True),
        _stamp("updated_at", "Time this state of the device was recorded", required=True),
    ),
    key=("sensor_id",),
    version_column="updated_at",
    rows_every_day=False,  # a register: rows on the days devices change
    date_orders=(DateOrder("installed_date", "status_date"),),
    formats=("csv",),
)

ALERTS = TableContract(
    system=SYSTEM,
    entity="alerts",
    description="Early warnings (预警信息), one state row per warning and day it changed.",
    columns=(
        Column("warning_id", "string", "Warning number (预警编号)", required=True),
        Column("sensor_id", "string", "Device or model that raised it (设备编号)",
               required=True),
        Column("warning_type", "string", "What was detected (预警类型)", required=True,
               codes=WARNING_TYPES),
        Column("severity", "string", "Warning level, BLUE lowest to RED (预警等级)",
               required=True, codes=SEVERITIES),
        Column("county_code", "string", "County of the warning (所属区县)", required=True,
               codes=county_codes()),
        Column("town_code", "string", "Town of the warning (所属乡镇街道)", required=True,
               codes=town_codes()),
        Column("entity_uscc", "string",
               "Credit code of the business concerned (涉及主体统一社会信用代码); empty when "
               "a public-space device raised it"),
        _lat("Latitude of the warning (WGS-84)", required=True),
        _lon("Longitude of the warning (WGS-84)", required=True),
        Column("measured_value", "float",
               "Reading that crossed the threshold, in the sensor type's unit (监测值)",
               required=True, minimum=VALUE_RANGE[0], maximum=VALUE_RANGE[1]),
        Column("threshold_value", "float", "Threshold it crossed (预警阈值)", required=True,
               minimum=VALUE_RANGE[0], maximum=VALUE_RANGE[1]),
        _stamp("raised_at", "Raised by the device or model (预警时间)", required=True),
        _stamp("dispatched_at", "Dispatched by the operation centre (派发时间)"),
        Column("dispatch_dept_code", "string", "Department it was dispatched to (处置部门)",
               codes=department_codes()),
        _stamp("handled_at", "Reported handled by the department (处置时间)"),
        Column("disposal", "string", "How it was handled (处置方式); empty until handled",
               codes=DISPOSALS),
        _stamp("closed_at", "Closed by the operation centre (办结时间)"),
        Column("status", "string", "Status reached in this row (预警状态)", required=True,
               codes=WARNING_STATUSES),
        _stamp("updated_at", "Time this state of the warning was recorded", required=True),
    ),
    key=("warning_id",),
    version_column="updated_at",
    rows_every_day=False,  # a quiet day raises no warning in a small run
    date_orders=(
        DateOrder("raised_at", "dispatched_at"),
        DateOrder("dispatched_at", "handled_at"),
        DateOrder("handled_at", "closed_at"),
        DateOrder("raised_at", "closed_at"),
    ),
    formats=("csv",),
)

ROW_CONTRACTS = (SENSORS,)  # the register: row dicts through the row writer
FRAME_CONTRACTS = (ALERTS,)  # high-volume: polars frames through the frame writer
CONTRACTS = (SENSORS, ALERTS)
