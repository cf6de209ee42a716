"""统一处罚办案: the unified case-handling system.

Cases are exported as JSON Lines state rows: a case filed in March arrives on its filing day,
and again on the day it is decided and the day it is closed, each time as a new row with a
later ``updated_at``. The latest state of a case wins downstream.
"""

from __future__ import annotations

from sources.contracts import Column, DateOrder, TableContract
from sources.reference import county_codes, department_codes, town_codes

SYSTEM = "enforcement"

CLUE_SOURCES = frozenset({"INSPECTION", "COMPLAINT", "DRONE", "WARNING", "SUPERIOR", "GRID"})
PROCEDURES = frozenset({"SIMPLE", "GENERAL"})
CASE_STATUSES = frozenset({"FILED", "DECIDED", "CLOSED"})
DECISION_TYPES = frozenset({"PENALTY", "NO_PENALTY", "FIRST_WAIVER", "NOT_ESTABLISHED"})

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
    ),
    formats=("jsonl",),
)

CONTRACTS = (CASES,)
