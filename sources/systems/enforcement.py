"""统一处罚办案: the unified case-handling system (clue centre, cases and their stages).

Three tables. ``clues`` is the clue centre (线索中心): every suspected violation handed over by
another system (an inspection task, a 12345 ticket, a drone finding, an early warning, a grid
event) or registered locally (a superior's instruction, an officer's own patrol) is received,
then assessed: filed as a case, not filed, transferred to another authority, or merged into a
case already open. It is exported as state rows (received, then assessed). ``cases`` are the
administrative penalty cases, exported as JSON Lines state rows: a case arrives on its filing
day and again on each day its state changed (the 90-day limit extended, decided, fine paid,
closed), each time as a new row with a later ``updated_at`` carrying every field known by then.
``case_events`` is the immutable log of the case's procedural stages (办案环节), one row per
stage, keyed by case and sequence number.

The decision deadline is 90 days from filing (《行政处罚法》第六十条); an approved extension
(``extended``) allows ``EXTENDED_LIMIT_DAYS``. A fine is due within 15 days of service.
"""

from __future__ import annotations

from sources.contracts import Column, DateOrder, TableContract
from sources.reference import county_codes, department_codes, town_codes
from sources.systems.organisation import POSTS

SYSTEM = "enforcement"

CLUE_SOURCES = frozenset(
    {"INSPECTION", "COMPLAINT", "DRONE", "WARNING", "SUPERIOR", "GRID", "PATROL"}
)
ASSESSMENTS = frozenset({"FILED", "NOT_FILED", "TRANSFERRED", "MERGED"})
CLUE_STATUSES = frozenset({"RECEIVED", "ASSESSED"})
PROCEDURES = frozenset({"SIMPLE", "GENERAL"})
CASE_STATUSES = frozenset({"FILED", "DECIDED", "CLOSED"})
DECISION_TYPES = frozenset({"PENALTY", "NO_PENALTY", "FIRST_WAIVER", "NOT_ESTABLISHED"})
# 法制审核: none (simple procedure), the county bureau's legal section, the city's, or the
# collective discussion of the bureau's leaders for major penalties (集体讨论).
REVIEW_TIERS = frozenset({"NONE", "COUNTY", "CITY", "COLLECTIVE"})
STAGES = (
    "FILED", "INVESTIGATED", "EXTENDED", "LEGAL_REVIEW", "NOTICE", "HEARING", "DECIDED",
    "SERVED", "EXECUTED", "CLOSED",
)
DECISION_LIMIT_DAYS = 90
EXTENDED_LIMIT_DAYS = 180
PAYMENT_LIMIT_DAYS = 15  # after service (《行政处罚法》第六十七条)
ASSESSMENT_LIMIT_DAYS = 15  # a clue must be assessed within 15 days of receipt


def _updated(what: str) -> Column:
    return Column("updated_at", "timestamp", f"Time this state of the {what} was recorded",
                  required=True)


def _place() -> tuple[Column, Column]:
    return (
        Column("county_code", "string", "County of the violation (违法行为发生地县区)",
               required=True, codes=county_codes()),
        Column("town_code", "string", "Town of the violation (乡镇街道)", required=True,
               codes=town_codes()),
    )


CLUES = TableContract(
    system=SYSTEM,
    entity="clues",
    description="Clues received by the clue centre (线索), one state row per clue version.",
    columns=(
        Column("clue_id", "string", "Clue number (线索编号)", required=True),
        Column("clue_source", "string", "Where the clue came from (线索来源)", required=True,
               codes=CLUE_SOURCES),
        Column("source_ref", "string",
               "Number of the record that raised it (来源编号: task, ticket, finding, event); "
               "empty for clues registered locally"),
        Column("received_at", "timestamp", "Received by the clue centre (接收时间)",
               required=True),
        Column("entity_uscc", "string", "Unified social credit code of the party, if a business"),
        Column("dept_code", "string", "Department the clue was assigned to (承办部门)",
               required=True, codes=department_codes()),
        *_place(),
        Column("assessment", "string", "Outcome of the assessment (线索研判结果)",
               codes=ASSESSMENTS),
        Column("assessed_at", "timestamp", "Assessed on (研判时间)"),
        Column("case_no", "string",
               "Case filed from the clue, or the case it was merged into (案件编号)"),
        Column("status", "string", "State of the clue in this row (线索状态)", required=True,
               codes=CLUE_STATUSES),
        _updated("clue"),
    ),
    key=("clue_id",),
    version_column="updated_at",
    rows_every_day=False,  # clue handovers pause on quiet days
    date_orders=(DateOrder("received_at", "assessed_at"),),
    formats=("csv",),
)

CASES = TableContract(
    system=SYSTEM,
    entity="cases",
    description="Administrative penalty cases (行政处罚案件), one state row per case version.",
    columns=(
        Column("case_no", "string", "Case number (案件编号)", required=True),
        Column("clue_id", "string", "Clue the case was filed from (线索编号)"),
        Column(
            "clue_source",
            "string",
            "Where the clue came from (线索来源)",
            required=True,
            codes=CLUE_SOURCES,
        ),
        Column(
            "dept_code",
            "string",
            "Handling department (办案部门)",
            required=True,
            codes=department_codes(),
        ),
        Column(
            "county_code", "string", "County of the violation", required=True, codes=county_codes()
        ),
        Column("town_code", "string", "Town of the violation", required=True, codes=town_codes()),
        Column("entity_uscc", "string", "Unified social credit code of the party, if a business"),
        Column("party_name", "string", "Name of the party (personal data)"),
        Column("party_id_no", "string", "ID card number of a natural-person party (personal data)"),
        Column("party_phone", "string", "Phone of the party (personal data)"),
        Column(
            "procedure",
            "string",
            "Simple or general procedure (简易/普通程序)",
            required=True,
            codes=PROCEDURES,
        ),
        Column(
            "case_status",
            "string",
            "State of the case in this row (案件状态)",
            required=True,
            codes=CASE_STATUSES,
        ),
        Column("filed_date", "date", "Filing date (立案日期)", required=True),
        Column("decided_date", "date", "Decision date (决定日期)"),
        Column("closed_date", "date", "Closing date (结案日期)"),
        Column("decision_type", "string", "Decision (处理决定种类)", codes=DECISION_TYPES),
        Column(
            "fine_amount",
            "float",
            "Fine and confiscation imposed, yuan (罚没金额)",
            minimum=0,
            maximum=50_000_000,
        ),
        Column("item_code", "string", "Enforcement item applied (执法事项编码, item catalogue)"),
        Column("review_tier", "string",
               "Legal review before the decision (法制审核层级); empty until decided",
               codes=REVIEW_TIERS),
        Column("fine_paid", "bool", "Fine paid (罚款已缴纳); empty until decided or if no fine"),
        Column("paid_date", "date", "Day the fine was paid (缴款日期)"),
        Column("extended", "bool", "The 90-day decision limit extended with approval (延期)"),
        Column("team_code", "string",
               "Handling team (办案队伍), as the organisation register's team_id"),
        Column(
            "updated_at", "timestamp", "Time this state of the case was recorded", required=True
        ),
    ),
    key=("case_no",),
    version_column="updated_at",
    date_orders=(
        DateOrder("filed_date", "decided_date"),
        DateOrder("decided_date", "closed_date"),
        DateOrder("filed_date", "closed_date"),
        DateOrder("decided_date", "paid_date"),
        DateOrder("paid_date", "closed_date"),
    ),
    formats=("jsonl",),
)

CASE_EVENTS = TableContract(
    system=SYSTEM,
    entity="case_events",
    description="Procedural stages of cases (办案环节), one immutable row per stage.",
    columns=(
        Column("case_no", "string", "Case number (案件编号)", required=True),
        Column("seq", "int", "Stage number within the case, from 1 (环节序号)", required=True,
               minimum=1, maximum=30),
        Column("stage", "string", "Stage reached (办案环节: 立案, 调查, 告知, 决定, 送达 …)",
               required=True, codes=frozenset(STAGES)),
        Column("event_at", "timestamp", "Time the stage was completed (办理时间)",
               required=True),
        Column("dept_code", "string", "Handling department (办案部门)", required=True,
               codes=department_codes()),
        Column("handler_post", "string", "Post of the officer who acted (经办岗位)",
               codes=POSTS),
        Column("note", "string", "Note entered with the stage (办理意见)"),
        Column("updated_at", "timestamp", "Time the stage reached the export", required=True),
    ),
    key=("case_no", "seq"),
    date_orders=(DateOrder("event_at", "updated_at"),),
    formats=("csv",),
)

# Cases go through the row writer (JSON Lines); clues and stages are written from frames.
ROW_CONTRACTS = (CASES,)
FRAME_CONTRACTS = (CLUES, CASE_EVENTS)
CONTRACTS = (CLUES, CASES, CASE_EVENTS)
