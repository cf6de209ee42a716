"""12345 政务服务便民热线: the city hotline's tickets (工单) and their event stream.

A citizen's call, web form, app or WeChat message, or letter becomes a ticket. The hotline
dispatches it to a department, which must sign for it (签收), handle it, answer the citizen,
and have it closed after a return visit (回访) with a satisfaction rating; an unhappy citizen
can have it reopened (重办). ``tickets`` is exported as state rows: one row per ticket and day
on which its state changed, carrying every field known that evening, so the latest
``updated_at`` of a ticket is its current state. ``ticket_events`` is the immutable event log
behind it (one row per step, keyed by ticket and sequence number); a county sub-system that
syncs late delivers some events a few days after they happened.

Deadlines follow the 12345 norms: the handling deadline ``due_at`` is 24 hours after receipt
for urgent tickets, 7 days for general and 15 days for complex ones; the department must sign
within ``SIGN_LIMIT_HOURS`` of dispatch (``sign_due_at``).
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

SYSTEM = "complaints"

CHANNELS = frozenset({"PHONE", "WEB", "APP", "WECHAT", "LETTER"})
CATEGORIES = frozenset({
    "NOISE", "COOKING_FUMES", "ILLEGAL_CONSTRUCTION", "ROAD_OCCUPATION", "FOOD_SAFETY",
    "ENVIRONMENT_POLLUTION", "PROPERTY", "TRAFFIC", "CONSUMER_RIGHTS", "WATERLOGGING",
    "LABOUR", "SANITATION", "PUBLIC_FACILITIES", "HEALTH", "SAFETY_HAZARD", "OTHER",
})
PRIORITIES = frozenset({"URGENT", "GENERAL", "COMPLEX"})
STATUSES = frozenset({
    "RECEIVED", "DISPATCHED", "SIGNED", "HANDLED", "ANSWERED", "CLOSED", "REOPENED",
})
EVENT_TYPES = frozenset({
    "RECEIVE", "DISPATCH", "RETURN", "SIGN", "EXTEND", "HANDLE", "ANSWER", "CLOSE", "REOPEN",
})
DUE_HOURS = {"URGENT": 24, "GENERAL": 7 * 24, "COMPLEX": 15 * 24}
SIGN_LIMIT_HOURS = {"URGENT": 2, "GENERAL": 24, "COMPLEX": 24}


def _stamp(name: str, description: str, required: bool = False) -> Column:
    return Column(name, "timestamp", description, required=required)


TICKETS = TableContract(
    system=SYSTEM,
    entity="tickets",
    description="12345 hotline tickets (12345工单), one state row per ticket and day it changed.",
    columns=(
        Column("ticket_no", "string", "Ticket number (工单编号)", required=True),
        Column("channel", "string", "How it came in (受理渠道)", required=True, codes=CHANNELS),
        Column("category", "string", "Matter complained about (诉求分类)", required=True,
               codes=CATEGORIES),
        Column("priority", "string", "Urgent, general or complex (紧急程度)", required=True,
               codes=PRIORITIES),
        Column("content", "string", "Summary of the request (诉求摘要)", required=True),
        Column("county_code", "string", "County of the matter", required=True,
               codes=county_codes()),
        Column("town_code", "string", "Town of the matter", required=True, codes=town_codes()),
        Column("grid_code", "string", "Grid of the matter (网格编码)"),
        Column("latitude", "float", "Latitude of the matter (WGS-84)",
               minimum=LATITUDE_RANGE[0], maximum=LATITUDE_RANGE[1]),
        Column("longitude", "float", "Longitude of the matter (WGS-84)",
               minimum=LONGITUDE_RANGE[0], maximum=LONGITUDE_RANGE[1]),
        Column("reporter_phone", "string", "Caller's phone (personal data); empty if anonymous"),
        Column("dept_code", "string", "Department the ticket is assigned to (承办部门)",
               codes=department_codes()),
        _stamp("received_at", "Received by the hotline (受理时间)", required=True),
        _stamp("due_at", "Handling deadline (办理时限)", required=True),
        _stamp("dispatched_at", "Dispatched to the department (派单时间)"),
        _stamp("sign_due_at", "Deadline for signing (签收时限)"),
        _stamp("signed_at", "Signed for by the department (签收时间)"),
        _stamp("handled_at", "Handled by the department (办理完成)"),
        _stamp("answered_at", "Answer given to the citizen (答复时间)"),
        _stamp("closed_at", "Closed after the return visit (办结时间)"),
        Column("status", "string", "Status reached in this row (工单状态)", required=True,
               codes=STATUSES),
        Column("satisfaction", "int", "Rating at the return visit, 1-5 (满意度); empty if none",
               minimum=1, maximum=5),
        Column("is_repeat", "bool", "Same caller, same matter within 30 days (重复诉求)",
               required=True),
        Column("to_clue", "bool", "Transferred to enforcement as a clue (转执法线索)",
               required=True),
        _stamp("updated_at", "Time this state of the ticket was recorded", required=True),
    ),
    key=("ticket_no",),
    version_column="updated_at",
    date_orders=(
        DateOrder("received_at", "due_at"),
        DateOrder("received_at", "dispatched_at"),
        DateOrder("dispatched_at", "sign_due_at"),
        DateOrder("dispatched_at", "signed_at"),
        DateOrder("signed_at", "handled_at"),
        DateOrder("handled_at", "answered_at"),
        DateOrder("answered_at", "closed_at"),
        DateOrder("received_at", "closed_at"),
    ),
    formats=("csv",),
)

TICKET_EVENTS = TableContract(
    system=SYSTEM,
    entity="ticket_events",
    description="Steps of 12345 tickets (工单流转记录), one immutable row per step.",
    columns=(
        Column("ticket_no", "string", "Ticket number (工单编号)", required=True),
        Column("seq", "int", "Step number within the ticket, from 1", required=True,
               minimum=1, maximum=99),
        Column("event_type", "string", "Step (环节)", required=True, codes=EVENT_TYPES),
        _stamp("event_at", "Time of the step", required=True),
        Column("dept_code", "string", "Department acting; empty for the hotline itself",
               codes=department_codes()),
        Column("note", "string", "Note entered with the step (处理意见)"),
        _stamp("updated_at", "Time the step reached the export", required=True),
    ),
    key=("ticket_no", "seq"),
    date_orders=(DateOrder("event_at", "updated_at"),),
    formats=("csv",),
)

# High-volume tables: the simulator writes them from polars frames (``simulator.frames``).
FRAME_CONTRACTS = (TICKETS, TICKET_EVENTS)
CONTRACTS = (TICKETS, TICKET_EVENTS)
