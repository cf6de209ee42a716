"""执法监督: the oversight system (reconsideration and litigation, file audits, oversight flags).

The last link of the closed loop (审批 → 运行 → 监管 → 执法 → 监督). ``reviews`` are the
administrative reconsiderations (行政复议) and lawsuits (行政诉讼) brought against penalty
decisions, with their outcome; a revoked (撤销), changed (变更) or confirmed-illegal (确认违法)
outcome is a correction of the decision. ``file_audits`` are the quarterly case-file audits
(案卷评查): a sample of the general-procedure cases closed in the quarter, each scored out of
100. ``flags`` are raised by the oversight model (监督预警) from real records (a case past its
decision limit, a fine unpaid past its deadline, a failed audit, a clue left unassessed) and
closed in two steps: the department rectifies (整改), the oversight office verifies (核查).

``reviews`` and ``flags`` are state rows (the latest ``updated_at`` of a key is its current
state); an audit is recorded once.
"""

from __future__ import annotations

from sources.contracts import Column, DateOrder, TableContract
from sources.reference import county_codes, department_codes

SYSTEM = "oversight"

REVIEW_TYPES = frozenset({"RECONSIDERATION", "LITIGATION"})
# 维持 (or 驳回诉讼请求), 撤销, 变更, 确认违法, 撤回 (申请人撤回申请 / 原告撤诉), 调解.
OUTCOMES = frozenset({"UPHELD", "REVOKED", "CHANGED", "CONFIRMED_ILLEGAL", "WITHDRAWN",
                      "SETTLED"})
CORRECTED = frozenset({"REVOKED", "CHANGED", "CONFIRMED_ILLEGAL"})  # 纠错
REVIEW_STATUSES = frozenset({"FILED", "DECIDED"})
GRADES = frozenset({"EXCELLENT", "GOOD", "PASS", "FAIL"})  # 优秀 ≥90, 良好 ≥80, 合格 ≥60
FLAG_TYPES = frozenset({"OVERDUE_DECISION", "INACTION", "UNPAID_FINE", "FILE_DEFECT"})
# What a flag points at: a case, an inspection task or a 12345 ticket that reached the clue
# centre, or a clue registered by another source (drone, warning, grid).
OBJECT_TYPES = frozenset({"CASE", "TASK", "COMPLAINT", "CLUE"})
FLAG_STATUSES = frozenset({"FLAGGED", "RECTIFIED", "VERIFIED"})


def _updated(what: str) -> Column:
    return Column("updated_at", "timestamp", f"Time this state of the {what} was recorded",
                  required=True)


def _county() -> Column:
    return Column("county_code", "string", "County of the case (县区)", required=True,
                  codes=county_codes())


def _dept() -> Column:
    return Column("dept_code", "string", "Department answerable (责任部门)", required=True,
                  codes=department_codes())


REVIEWS = TableContract(
    system=SYSTEM,
    entity="reviews",
    description="Reconsiderations and lawsuits against penalty decisions (行政复议和行政诉讼), "
                "one state row per review version.",
    columns=(
        Column("review_id", "string", "Review number (复议/诉讼案号)", required=True),
        Column("case_no", "string", "Penalty case reviewed (原处罚案件编号)", required=True),
        Column("review_type", "string", "Reconsideration or lawsuit (复议/诉讼)", required=True,
               codes=REVIEW_TYPES),
        Column("filed_date", "date", "Application or suit accepted (受理日期)", required=True),
        Column("decided_date", "date", "Decision or judgment (决定/判决日期)"),
        Column("outcome", "string", "Outcome (复议决定/判决结果)", codes=OUTCOMES),
        _county(),
        _dept(),
        Column("status", "string", "State of the review in this row (办理状态)", required=True,
               codes=REVIEW_STATUSES),
        _updated("review"),
    ),
    key=("review_id",),
    version_column="updated_at",
    rows_every_day=False,  # a few reviews a week
    date_orders=(DateOrder("filed_date", "decided_date"),),
    formats=("csv",),
)

FILE_AUDITS = TableContract(
    system=SYSTEM,
    entity="file_audits",
    description="Case-file audits (案卷评查), one row per audited case file.",
    columns=(
        Column("audit_id", "string", "Audit record number (评查编号)", required=True),
        Column("case_no", "string", "Case whose file was audited (案件编号)", required=True),
        Column("audit_batch", "string", "Quarter audited, e.g. 2021Q3 (评查批次)",
               required=True),
        Column("audit_date", "date", "Day the file was scored (评查日期)", required=True),
        Column("score", "float", "Score out of 100 (评查得分)", required=True, minimum=0,
               maximum=100),
        Column("grade", "string", "Grade (评查等次)", required=True, codes=GRADES),
        Column("problem_count", "int", "Problems found in the file (发现问题数)",
               required=True, minimum=0, maximum=50),
        _county(),
        _dept(),
        _updated("audit"),
    ),
    key=("audit_id",),
    version_column="updated_at",
    rows_every_day=False,  # audits come in quarterly batches
    formats=("csv",),
)

FLAGS = TableContract(
    system=SYSTEM,
    entity="flags",
    description="Oversight-model flags (监督预警) and their closure, one state row per version.",
    columns=(
        Column("flag_id", "string", "Flag number (预警编号)", required=True),
        Column("flag_type", "string", "What was detected (预警类型)", required=True,
               codes=FLAG_TYPES),
        Column("object_type", "string", "Kind of record flagged (预警对象类型)",
               required=True, codes=OBJECT_TYPES),
        Column("object_ref", "string", "Number of the record flagged (对象编号)",
               required=True),
        _dept(),
        _county(),
        Column("raised_date", "date", "Flag raised (预警日期)", required=True),
        Column("rectify_deadline", "date", "Rectification due (整改期限)", required=True),
        Column("rectified_date", "date", "Rectification reported (整改完成日期)"),
        Column("verified_date", "date", "Rectification verified (核查销号日期)"),
        Column("status", "string", "State of the flag in this row (预警状态)", required=True,
               codes=FLAG_STATUSES),
        _updated("flag"),
    ),
    key=("flag_id",),
    version_column="updated_at",
    rows_every_day=False,  # flags arrive when records go overdue
    date_orders=(
        DateOrder("raised_date", "rectify_deadline"),
        DateOrder("raised_date", "rectified_date"),
        DateOrder("rectified_date", "verified_date"),
    ),
    formats=("csv",),
)

CONTRACTS = (REVIEWS, FILE_AUDITS, FLAGS)
